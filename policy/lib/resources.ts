// The resource checks several rules share: requests and limits of one container.
import { parseQuantity } from "../shared/quantity";

/** A container's resources as the rules read them (Kubernetes or JCasC shape, normalised). */
export interface ResourceSettings {
    requestCpu?: unknown;
    requestMemory?: unknown;
    limitCpu?: unknown;
    limitMemory?: unknown;
}

/**
 * Problems with a container's resources: each of the four values present and a quantity,
 * requests not above limits, and (when given) the memory limit at or above a floor.
 */
export function resourceProblems(r: ResourceSettings, minMemoryLimit?: string): string[] {
    const problems: string[] = [];
    const fields: [keyof ResourceSettings, string][] = [
        ["requestCpu", "CPU request"], ["requestMemory", "memory request"], ["limitCpu", "CPU limit"], ["limitMemory", "memory limit"],
    ];
    const values: Partial<Record<keyof ResourceSettings, number>> = {};
    for (const [field, label] of fields) {
        const raw = r[field];
        if (raw === undefined || raw === null || raw === "") {
            problems.push(`has no ${label}`);
            continue;
        }
        const value = parseQuantity(raw);
        if (value === undefined) {
            problems.push(`has an invalid ${label} "${String(raw)}"`);
            continue;
        }
        values[field] = value;
    }
    if (values.requestCpu !== undefined && values.limitCpu !== undefined && values.requestCpu > values.limitCpu) {
        problems.push(`requests CPU ${String(r.requestCpu)} above its limit ${String(r.limitCpu)}`);
    }
    if (values.requestMemory !== undefined && values.limitMemory !== undefined && values.requestMemory > values.limitMemory) {
        problems.push(`requests memory ${String(r.requestMemory)} above its limit ${String(r.limitMemory)}`);
    }
    const floor = minMemoryLimit === undefined ? undefined : parseQuantity(minMemoryLimit);
    if (floor !== undefined && values.limitMemory !== undefined && values.limitMemory < floor) {
        problems.push(`has a memory limit ${String(r.limitMemory)} below the floor ${minMemoryLimit} (agents get OOM-killed)`);
    }
    return problems;
}

/** The Kubernetes shape (resources.requests/limits) as ResourceSettings. */
export function fromKubernetes(resources: { requests?: Record<string, unknown>; limits?: Record<string, unknown> } | undefined): ResourceSettings {
    return {
        requestCpu: resources?.requests?.cpu,
        requestMemory: resources?.requests?.memory,
        limitCpu: resources?.limits?.cpu,
        limitMemory: resources?.limits?.memory,
    };
}
