// The test harness: runs the program under Pulumi mocks, with a stack's configuration read from
// Pulumi.<stack>.yaml, and records every resource it registers. Used by the tests and by the
// commands that show a stack without a cluster (`npm run render`, `bench`, `policy:check`).
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as settings from "@pulumi/pulumi/runtime/settings";
import * as YAML from "yaml";
import { loadConfig, PROJECT, StackConfig } from "../../config";
import { StackOutputs } from "../../outputs";
import { createStack } from "../../stack";

/** The project root (where Pulumi.yaml is), from the sources or from their compiled copy in bin/. */
export const ROOT = [path.resolve(__dirname, "..", ".."), path.resolve(__dirname, "..", "..", "..")]
    .find(dir => fs.existsSync(path.join(dir, "Pulumi.yaml")))!;

/** A resource the program registered, as the engine (and a policy pack) would see it. */
export interface RecordedResource {
    type: string;
    name: string;
    /** Inputs after the SDK resolved them; unknowns during preview stay as {@link UNKNOWN}. */
    inputs: Record<string, unknown>;
    /** Paths (a.b[0].c) of inputs that were secret values; `inputs` holds them unwrapped. */
    secretPaths: string[];
    custom: boolean;
}

const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/**
 * Puts mock inputs in the form the engine hands the analyzer: secret wrappers replaced by their
 * values (noting where they were), and values unknown at preview as the unknown sentinel.
 */
function unwrapSecrets(value: unknown, path: string, secretPaths: string[]): unknown {
    if (Array.isArray(value)) {
        return value.map((v, i) => unwrapSecrets(v, `${path}[${i}]`, secretPaths));
    }
    if (value && typeof value === "object") {
        const record = value as Record<string, unknown>;
        if (record.__pulumiUnknown === true) {
            return UNKNOWN;
        }
        if (record[SECRET_SIG_KEY] === SECRET_SIG) {
            secretPaths.push(path);
            return unwrapSecrets(record.value, path, []);
        }
        return Object.fromEntries(Object.entries(record).map(([k, v]) =>
            [k, unwrapSecrets(v, path === "" ? k : `${path}.${k}`, secretPaths)]));
    }
    return value;
}

/** What the SDK sends for a value that is not known during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** A fake password mocks return for RandomPassword outside preview. */
export const MOCK_PASSWORD = "mock-generated-password-123456";

export interface EvaluateOptions {
    /** Evaluate as `pulumi preview` does: computed outputs are unknown. */
    preview?: boolean;
    /** Config to set on top of the stack file, by key without the project prefix (raw strings). */
    overrides?: Record<string, string>;
    /** Keys of `overrides` that are secrets. */
    secretKeys?: string[];
    /** Use exactly this config instead of reading Pulumi.<stack>.yaml. */
    configOnly?: boolean;
    /**
     * Changes the validated config before the stack is created: lets tests build stacks that
     * config validation would refuse, to prove the policy pack catches them on its own.
     */
    mutate?: (config: StackConfig) => void;
    /** Receives config warnings (by default they go to Pulumi's log, i.e. the console under mocks). */
    onWarning?: (key: string, message: string) => void;
}

export interface Evaluation {
    resources: RecordedResource[];
    /** Stack outputs with secrets unwrapped, for assertions. */
    outputs: Record<string, unknown>;
    /** Names of outputs whose value is secret. */
    secretOutputs: string[];
    stackOutputs: StackOutputs;
}

/** Config of a stack file as the CLI hands it to the program: raw strings by full key, plus secret keys. */
export function readStackConfig(stack: string): { config: Record<string, string>; secretKeys: string[] } {
    const file = path.join(ROOT, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) {
        throw new Error(`no stack file ${file}`);
    }
    const doc = YAML.parse(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null;
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [key, value] of Object.entries(doc?.config ?? {})) {
        const isSecure = typeof value === "object" && value !== null && "secure" in value;
        if (isSecure) {
            // Encrypted values cannot be read without the stack's key; a placeholder keeps the shape.
            config[key] = "placeholder-secret-from-stack-file";
            secretKeys.push(key);
        } else {
            config[key] = typeof value === "string" ? value : JSON.stringify(value);
        }
    }
    return { config, secretKeys };
}

/** Outputs of other stacks, by stack name, for StackReference under mocks. */
export type StackReferenceMocks = Record<string, { outputs: Record<string, unknown>; secretOutputNames?: string[] }>;

function mocks(preview: boolean, recorded: RecordedResource[], references: StackReferenceMocks = {}): pulumi.runtime.Mocks {
    return {
        newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, unknown> } {
            if (args.type === "pulumi:pulumi:StackReference") {
                const name = String((args.inputs as { name: string }).name);
                const stack = references[name];
                if (!stack) {
                    throw new Error(`no mocked outputs for stack ${name}`);
                }
                return { id: name, state: { name, outputs: stack.outputs, secretOutputNames: stack.secretOutputNames ?? [] } };
            }
            const secretPaths: string[] = [];
            const inputs = unwrapSecrets(args.inputs, "", secretPaths) as Record<string, unknown>;
            recorded.push({ type: args.type, name: args.name, inputs, secretPaths, custom: args.custom ?? true });
            const state: Record<string, unknown> = { ...args.inputs };
            // Computed outputs: known after `pulumi up`, unknown during preview (left unset here).
            if (!preview && args.type === "random:index/randomPassword:RandomPassword") {
                state.result = MOCK_PASSWORD;
            }
            if (!preview && args.type === "kubernetes:core/v1:Secret"
                && (args.inputs as { type?: string }).type === "kubernetes.io/service-account-token") {
                state.data = {
                    token: Buffer.from("mock-token").toString("base64"),
                    "ca.crt": Buffer.from("mock-ca").toString("base64"),
                };
            }
            return { id: preview ? undefined : `${args.name}-id`, state };
        },
        call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
            return args.inputs as Record<string, unknown>;
        },
    };
}

/** Waits until every registration the program started has reached the mock monitor. */
async function settle(): Promise<void> {
    const wait = (settings as unknown as { waitForRPCs?: () => Promise<void> }).waitForRPCs;
    if (typeof wait !== "function") {
        throw new Error("@pulumi/pulumi no longer exposes runtime/settings.waitForRPCs; update test/harness/evaluate.ts");
    }
    await wait();
}

export async function unwrap(value: unknown): Promise<{ value: unknown; secret: boolean }> {
    if (pulumi.Output.isInstance(value)) {
        const out = value as pulumi.Output<unknown>;
        const [resolved, secret] = await Promise.all([
            new Promise<unknown>(resolve => out.apply(v => { resolve(v); return v; })),
            (out as unknown as { isSecret: Promise<boolean> }).isSecret,
        ]);
        const inner = await unwrap(resolved);
        return { value: inner.value, secret: secret || inner.secret };
    }
    if (value && typeof value === "object" && !Array.isArray(value)) {
        const result: Record<string, unknown> = {};
        let secret = false;
        for (const [k, v] of Object.entries(value)) {
            const inner = await unwrap(v);
            result[k] = inner.value;
            secret = secret || inner.secret;
        }
        return { value: result, secret };
    }
    return { value, secret: false };
}

/**
 * Runs `program` under mocks (any component or stack code) and returns what it registered and
 * returned, after every registration has reached the mock monitor.
 */
export async function record<T>(
    program: () => T,
    options: { preview?: boolean; stack?: string; project?: string; stackReferences?: StackReferenceMocks } = {},
): Promise<{ resources: RecordedResource[]; result: T }> {
    const recorded: RecordedResource[] = [];
    await pulumi.runtime.setMocks(mocks(options.preview ?? false, recorded, options.stackReferences),
        options.project ?? PROJECT, options.stack ?? "test", options.preview ?? false);
    let result: T;
    try {
        result = program();
    } finally {
        await settle();
    }
    return { resources: recorded, result };
}

/**
 * Evaluates the program for a stack under mocks. Throws the program's ConfigError when the
 * configuration is invalid (after checking that no resource was registered).
 */
export async function evaluate(stack: string, options: EvaluateOptions = {}): Promise<Evaluation> {
    const preview = options.preview ?? false;
    const recorded: RecordedResource[] = [];
    await pulumi.runtime.setMocks(mocks(preview, recorded), PROJECT, stack, preview);
    const base = options.configOnly ? { config: {}, secretKeys: [] } : readStackConfig(stack);
    const config = { ...base.config };
    for (const [key, value] of Object.entries(options.overrides ?? {})) {
        config[`${PROJECT}:${key}`] = value;
    }
    const secretKeys = [...base.secretKeys, ...(options.secretKeys ?? []).map(k => `${PROJECT}:${k}`)];
    pulumi.runtime.setAllConfig(config, secretKeys);

    let stackOutputs: StackOutputs;
    try {
        const config = loadConfig(undefined, options.onWarning);
        options.mutate?.(config);
        stackOutputs = createStack(config, stack);
    } finally {
        await settle();
    }
    const outputs: Record<string, unknown> = {};
    const secretOutputs: string[] = [];
    if (!preview) {
        for (const [name, value] of Object.entries(stackOutputs)) {
            const { value: resolved, secret } = await unwrap(value);
            outputs[name] = resolved;
            if (secret) {
                secretOutputs.push(name);
            }
        }
    }
    await settle();
    return { resources: recorded, outputs, secretOutputs, stackOutputs };
}

/** The Kubernetes objects of an evaluation, as manifests. */
export function kubernetesObjects(resources: RecordedResource[]): Record<string, unknown>[] {
    return resources
        .filter(r => r.custom && r.type.startsWith("kubernetes:") && !r.type.startsWith("pulumi:providers:"))
        .map(r => r.inputs);
}
