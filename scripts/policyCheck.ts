// Runs the CrossGuard pack's rules over resources recorded under mocks, the way the analyzer does
// it: props behind @pulumi/policy's unknown-checking proxy, per-policy config with schema
// defaults, resource and stack validations. One difference on purpose: a mandatory rule that
// meets an unknown value is a failure here, not the analyzer's advisory "can't run during preview".
//   npm run policy:check -- <stack>   evaluates the stack as a preview and runs the pack over it
import {
    EnforcementLevel, Policies, PolicyResource, ResourceValidationArgs,
    ResourceValidationPolicy, StackValidationPolicy, unknownCheckingProxy, UnknownValueError,
} from "@pulumi/policy";
import { ConfigError, PROJECT } from "../config";
import { resourceValidations } from "../policy/lib/validations";
import { policies as packPolicies } from "../policy/rules";
import { evaluate, RecordedResource } from "../test/harness/evaluate";

export interface Violation {
    policy: string;
    level: EnforcementLevel;
    message: string;
    /** Logical name of the resource, for resource policies. */
    resource?: string;
}

export interface PolicyReport {
    violations: Violation[];
    /** Names of the policies that ran. */
    ran: string[];
    /** Policies that met a value unknown at preview time, with what they could not see. */
    blind: Violation[];
}

class NotApplicable extends Error {}

function configOf(policy: ResourceValidationPolicy | StackValidationPolicy, overrides: Record<string, Record<string, unknown>>) {
    const defaults = Object.fromEntries(Object.entries(policy.configSchema?.properties ?? {})
        .filter(([, schema]) => (schema as { default?: unknown }).default !== undefined)
        .map(([key, schema]) => [key, (schema as { default?: unknown }).default]));
    return { ...defaults, ...(overrides[policy.name] ?? {}) };
}

function urnOf(stack: string, r: RecordedResource): string {
    return `urn:pulumi:${stack}::${PROJECT}::${r.type}::${r.name}`;
}

const OPTS = { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] };

/** Runs `policies` over the recorded resources of a stack. */
export async function runPolicies(
    resources: RecordedResource[],
    options: { stack?: string; config?: Record<string, Record<string, unknown>>; policies?: Policies } = {},
): Promise<PolicyReport> {
    const stack = options.stack ?? "test";
    const policies = options.policies ?? packPolicies;
    const report: PolicyReport = { violations: [], ran: [], blind: [] };
    const checked = resources.filter(r => r.custom && !r.type.startsWith("pulumi:providers:"));
    const notApplicable = (reason?: string): never => {
        throw new NotApplicable(reason);
    };
    const unsupported = (): never => {
        throw new Error("policies of this pack read props directly; isType/asType are not supported here");
    };

    for (const policy of policies) {
        const level = policy.enforcementLevel ?? "mandatory";
        if (level === "disabled") {
            continue;
        }
        report.ran.push(policy.name);
        const config = configOf(policy, options.config ?? {});
        const run = async (resource: string | undefined, fn: (report: (message: string) => void) => void | Promise<void>) => {
            try {
                await fn(message => report.violations.push({ policy: policy.name, level, message, resource }));
            } catch (error) {
                if (error instanceof UnknownValueError) {
                    report.blind.push({ policy: policy.name, level, message: (error as Error).message, resource });
                } else if (!(error instanceof NotApplicable)) {
                    throw error;
                }
            }
        };
        if ("validateStack" in policy) {
            const policyResources: PolicyResource[] = checked.map(r => ({
                type: r.type, name: r.name, urn: urnOf(stack, r), props: unknownCheckingProxy(r.inputs), opts: OPTS,
                dependencies: [], propertyDependencies: {}, isType: unsupported, asType: unsupported,
            }));
            await run(undefined, report => policy.validateStack({
                resources: policyResources, stackTags: new Map(), getConfig: <T>() => config as T, notApplicable,
            }, report));
            continue;
        }
        const validations = resourceValidations(policy);
        for (const r of checked) {
            const args: ResourceValidationArgs = {
                type: r.type, name: r.name, urn: urnOf(stack, r), props: unknownCheckingProxy(r.inputs), opts: OPTS,
                stackTags: new Map(), getConfig: <T>() => config as T, notApplicable, isType: unsupported, asType: unsupported,
            };
            for (const validate of validations) {
                await run(r.name, report => validate(args, report));
            }
        }
    }
    return report;
}

/** The violations that block a deployment: mandatory ones, and mandatory rules that could not see a value. */
export function blocking(report: PolicyReport): Violation[] {
    return [
        ...report.violations.filter(v => v.level === "mandatory"),
        ...report.blind.filter(v => v.level === "mandatory").map(v => ({ ...v, message: `cannot be checked at preview: ${v.message}` })),
    ];
}

async function main(): Promise<void> {
    const stack = process.argv[2];
    if (!stack) {
        console.error("usage: npm run policy:check -- <stack>   (reads Pulumi.<stack>.yaml)");
        process.exit(2);
    }
    let resources: RecordedResource[];
    try {
        resources = (await evaluate(stack, { preview: true })).resources;
    } catch (error) {
        if (error instanceof ConfigError) {
            console.error(error.message);
            process.exit(1);
        }
        throw error;
    }
    const report = await runPolicies(resources, { stack });
    for (const v of [...report.violations, ...report.blind]) {
        console.log(`[${v.level}] ${v.policy}${v.resource ? ` (${v.resource})` : ""}: ${v.message}`);
    }
    const blockers = blocking(report);
    const advisory = [...report.violations, ...report.blind].filter(v => v.level !== "mandatory").length;
    console.log(`${report.ran.length} policies over ${resources.length} resources of stack ${stack}: ` +
        `${blockers.length} mandatory violation(s), ${advisory} advisory.`);
    process.exit(blockers.length > 0 ? 1 : 0);
}

if (require.main === module) {
    main().catch(error => {
        console.error(error instanceof Error ? error.message : error);
        process.exit(1);
    });
}
