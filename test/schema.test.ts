// Every rendered Kubernetes object, of every stack, against the upstream Kubernetes OpenAPI
// schemas as the kubernetes-models package generates them (no hand-written schema).
import * as assert from "assert";
import { evaluate, kubernetesObjects } from "./harness/evaluate";

type Validatable = { validate(): void };
type ModelModule = Record<string, new (data: unknown) => Validatable>;

/** Loads the kubernetes-models class of an object's apiVersion and kind (an ES module). */
async function modelOf(object: Record<string, unknown>): Promise<new (data: unknown) => Validatable> {
    const apiVersion = String(object.apiVersion);
    const kind = String(object.kind);
    const mod = await import(`kubernetes-models/${apiVersion}`) as ModelModule;
    const model = mod[kind];
    assert.ok(model, `kubernetes-models has no ${apiVersion} ${kind}`);
    return model;
}

async function validate(object: Record<string, unknown>): Promise<void> {
    const Model = await modelOf(object);
    new Model(object).validate();
}

describe("Kubernetes OpenAPI schemas", () => {
    for (const stack of ["dev", "prod", "e2e"]) {
        it(`accepts every object of the ${stack} stack`, async () => {
            // Custom resources (the Prometheus operator's ServiceMonitor) are not in the OpenAPI
            // models; test/ingressMetrics.test.ts checks their shape against the CRD's required fields.
            const objects = kubernetesObjects((await evaluate(stack)).resources).filter(o => !String(o.apiVersion).startsWith("monitoring.coreos.com/"));
            assert.ok(objects.length >= 18, `only ${objects.length} objects`);
            for (const object of objects) {
                const name = `${String(object.kind)} ${(object.metadata as { name: string }).name}`;
                await assert.doesNotReject(validate(object), `${name} does not match the Kubernetes schema`);
            }
        });
    }

    it("accepts the external-access objects", async () => {
        const { resources } = await evaluate("dev", {
            overrides: { externalAccessEnabled: "true", externalAccessApiServer: "https://api.example:6443" },
        });
        for (const object of kubernetesObjects(resources)) {
            await validate(object);
        }
    });

    it("rejects an object that breaks the schema (the check can fail)", async () => {
        const { resources } = await evaluate("dev");
        const deployment = structuredClone(kubernetesObjects(resources).find(o => o.kind === "Deployment")!) as {
            spec: { replicas: unknown };
        };
        deployment.spec.replicas = "one";
        await assert.rejects(validate(deployment as unknown as Record<string, unknown>), /replicas must be integer/);
    });
});
