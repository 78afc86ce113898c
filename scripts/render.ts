// npm run render -- <stack>: prints the Kubernetes objects the stack would create as
// multi-document YAML (like `helm template`), secret values redacted. No cluster, no Pulumi CLI.
import * as YAML from "yaml";
import { ConfigError } from "../config";
import { evaluate, RecordedResource } from "../test/harness/evaluate";

export const REDACTED = "<redacted>";

/** Sets the value at a path like a.b[0].c (the form RecordedResource.secretPaths uses). */
function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
    const steps = path.replace(/\[(\d+)\]/g, ".$1").split(".");
    let node: Record<string, unknown> = target;
    for (const step of steps.slice(0, -1)) {
        node = node[step] as Record<string, unknown>;
    }
    node[steps[steps.length - 1]] = value;
}

/** Order of kinds in the output: what others depend on first. */
const KIND_ORDER = ["Namespace", "StorageClass", "ServiceAccount", "Secret", "ClusterRole", "ClusterRoleBinding", "Role",
    "RoleBinding", "LimitRange", "ResourceQuota", "ConfigMap", "PersistentVolumeClaim", "Service", "Deployment"];

/** A resource's manifest with every secret value, and all values of Secrets, replaced by {@link REDACTED}. */
export function redact(resource: RecordedResource): Record<string, unknown> {
    const manifest = structuredClone(resource.inputs);
    for (const path of resource.secretPaths) {
        setPath(manifest, path, REDACTED);
    }
    if (resource.type === "kubernetes:core/v1:Secret") {
        for (const field of ["data", "stringData"]) {
            const values = resource.inputs[field] as Record<string, unknown> | undefined;
            if (values) {
                manifest[field] = Object.fromEntries(Object.keys(values).map(k => [k, REDACTED]));
            }
        }
    }
    return manifest;
}

/** The stack's objects as multi-document YAML. */
export function renderManifests(resources: RecordedResource[]): string {
    const rank = (r: RecordedResource) => {
        const index = KIND_ORDER.indexOf(String(r.inputs.kind));
        return index < 0 ? KIND_ORDER.length : index;
    };
    return resources
        .filter(r => r.custom && r.type.startsWith("kubernetes:"))
        .sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name))
        .map(r => `# Source: ${r.type} ${r.name}\n${YAML.stringify(redact(r), { lineWidth: 0 })}`)
        .join("---\n");
}

async function main(): Promise<void> {
    const stack = process.argv[2];
    if (!stack) {
        console.error("usage: npm run render -- <stack>   (reads Pulumi.<stack>.yaml)");
        process.exit(2);
    }
    try {
        const { resources } = await evaluate(stack);
        process.stdout.write(renderManifests(resources));
    } catch (error) {
        if (error instanceof ConfigError) {
            console.error(error.message);
            process.exit(1);
        }
        throw error;
    }
}

if (require.main === module) {
    main().catch(error => {
        console.error(error instanceof Error ? error.message : error);
        process.exit(1);
    });
}
