// npm run render -- <stack>: prints the Kubernetes objects the stack would create as
// multi-document YAML (like `helm template`), secret values redacted. No cluster, no Pulumi CLI.
import * as YAML from "yaml";
import { ConfigError } from "../config";
import { evaluate, RecordedResource } from "./evaluate";

export const REDACTED = "<redacted>";

/** A resource's manifest with the values of Secrets replaced by {@link REDACTED}. */
export function redact(resource: RecordedResource): Record<string, unknown> {
    const manifest = { ...resource.inputs };
    if (resource.type === "kubernetes:core/v1:Secret") {
        for (const field of ["data", "stringData"]) {
            const values = manifest[field] as Record<string, unknown> | undefined;
            if (values) {
                manifest[field] = Object.fromEntries(Object.keys(values).map(k => [k, REDACTED]));
            }
        }
    }
    return manifest;
}

/** The stack's objects as multi-document YAML. */
export function renderManifests(resources: RecordedResource[]): string {
    return resources
        .filter(r => r.custom && r.type.startsWith("kubernetes:"))
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
