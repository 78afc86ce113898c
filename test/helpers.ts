// Shared test helpers: find rendered objects and assert config errors.
import * as assert from "assert";
import { ConfigError } from "../config";
import { evaluate, EvaluateOptions, RecordedResource } from "./harness/evaluate";

/** What every manifest has; tests name the precise type (kubernetes-models' interfaces) per call. */
export interface Manifest {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
}

/** Every manifest of a kind, optionally by name. */
export function manifests<T = Manifest>(resources: RecordedResource[], kind: string, name?: string): T[] {
    return resources
        .filter(r => r.type.startsWith("kubernetes:") && (r.inputs as unknown as Manifest).kind === kind)
        .map(r => r.inputs as unknown as Manifest)
        .filter(m => name === undefined || m.metadata.name === name) as T[];
}

/** The single manifest of a kind and name; fails when there is not exactly one. */
export function manifest<T = Manifest>(resources: RecordedResource[], kind: string, name: string): T {
    const found = manifests<T>(resources, kind, name);
    assert.strictEqual(found.length, 1, `expected one ${kind} ${name}, found ${found.length}`);
    return found[0];
}

/**
 * Evaluates a stack with config overrides that must fail; returns the ConfigError after checking
 * that it is the only error and that no resource was registered.
 */
export async function configErrorOf(stack: string, options: EvaluateOptions): Promise<ConfigError> {
    let resources: RecordedResource[] | undefined;
    try {
        const result = await evaluate(stack, options);
        resources = result.resources;
    } catch (error) {
        assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
        return error;
    }
    assert.fail(`expected a ConfigError, but ${resources.length} resources were registered`);
}

/** Asserts that the config error has a problem for `key` whose message matches `pattern`. */
export function assertProblem(error: ConfigError, key: string, pattern: RegExp): void {
    const match = error.problems.find(p => p.key === key && pattern.test(p.message));
    assert.ok(match, `no problem for ${key} matching ${pattern}; problems:\n${error.message}`);
    assert.ok(error.message.includes(`jenkins-on-k8s:${key}: `), "the message names the full key");
}
