// The outputs contract: the table matches what the stack exports, the reader returns typed,
// still-secret outputs through a StackReference, and the consumer example uses them.
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { TeamJenkinsResources } from "../examples/consumer/teamResources";
import { CONTRACT_MINOR_VERSION, CONTRACT_VERSION, OUTPUTS, readJenkinsStack } from "../outputs";
import { evaluate, record, StackReferenceMocks, unwrap } from "./harness/evaluate";
import { manifest } from "./helpers";
import type { IConfigMap, ISecret } from "kubernetes-models/v1" with { "resolution-mode": "import" };

const STACK = "acme/jenkins-on-k8s/dev";

/** What `pulumi stack output --json` of the dev stack holds, as a StackReference sees it. */
async function devStackReference(): Promise<StackReferenceMocks> {
    const { outputs, secretOutputs } = await evaluate("dev");
    return { [STACK]: { outputs: Object.fromEntries(Object.entries(outputs).filter(([, v]) => v !== undefined)), secretOutputNames: secretOutputs } };
}

describe("stack outputs contract", () => {
    it("describes exactly the outputs the stack exports, secrets as secrets", async () => {
        const dev = await evaluate("dev", {
            overrides: { externalAccessEnabled: "true", externalAccessApiServer: "https://api.example:6443", ingressEnabled: "true", ingressHost: "ci.example.org" },
        });
        assert.deepStrictEqual(Object.keys(dev.outputs).sort(), Object.keys(OUTPUTS).sort());
        const secret = Object.entries(OUTPUTS).filter(([, spec]) => spec.secret).map(([name]) => name).sort();
        assert.deepStrictEqual([...dev.secretOutputs].sort(), secret);
        for (const [name, spec] of Object.entries(OUTPUTS)) {
            assert.strictEqual(typeof dev.outputs[name], spec.type, `${name} is a ${spec.type}`);
        }
        assert.strictEqual(dev.outputs.contractVersion, CONTRACT_VERSION);
        assert.strictEqual(dev.outputs.contractMinorVersion, CONTRACT_MINOR_VERSION);
        assert.strictEqual(dev.outputs.url, "https://ci.example.org", "url is what users open: the Ingress");
        assert.strictEqual(dev.outputs.nodePortUrl, "http://192.168.10.10:30001");
        assert.strictEqual(dev.outputs.ingressHost, "ci.example.org");
    });

    it("reads a stack's outputs through a StackReference, the password still secret", async () => {
        const references = await devStackReference();
        const { result: jenkins } = await record(() => readJenkinsStack(STACK), { project: "jenkins-consumer", stackReferences: references });
        const url = await unwrap(jenkins.url);
        assert.deepStrictEqual(url, { value: "http://192.168.10.10:30001", secret: false });
        const password = await unwrap(jenkins.adminPassword);
        assert.strictEqual(password.secret, true, "the password stays a secret through the reader");
        assert.strictEqual((await unwrap(jenkins.agentNamespace)).value, "devops");
        assert.strictEqual((await unwrap(jenkins.externalAccess)).value, undefined, "optional outputs may be absent");
    });

    it("keeps a declared secret secret even if the producing stack did not mark it", async () => {
        const references = await devStackReference();
        references[STACK].secretOutputNames = [];
        const { result: jenkins } = await record(() => readJenkinsStack(STACK), { project: "jenkins-consumer", stackReferences: references });
        assert.strictEqual((await unwrap(jenkins.adminPassword)).secret, true);
    });

    it("fails with an error naming the stack and the missing output", async () => {
        const references = await devStackReference();
        delete references[STACK].outputs.agentTunnel;
        const { result: jenkins } = await record(() => readJenkinsStack(STACK), { project: "jenkins-consumer", stackReferences: references });
        await assert.rejects(unwrap(jenkins.agentTunnel),
            /Required output 'agentTunnel' does not exist on stack 'acme\/jenkins-on-k8s\/dev'/);
    });

    it("refuses a stack of another contract version", async () => {
        const references = await devStackReference();
        references[STACK].outputs.contractVersion = CONTRACT_VERSION + 1;
        const { result: jenkins } = await record(() => readJenkinsStack(STACK), { project: "jenkins-consumer", stackReferences: references });
        await assert.rejects(unwrap(jenkins.url), /Stack acme\/jenkins-on-k8s\/dev has outputs of contract version 2; this reader understands version 1/);
    });

    it("lets the consumer example build its team's objects from the referenced outputs", async () => {
        const references = await devStackReference();
        const { resources } = await record(() => new TeamJenkinsResources("team", {
            jenkins: readJenkinsStack(STACK),
            team: "payments",
            appNamespace: "payments",
            registryUser: "payments-ci",
            registryPassword: pulumi.secret("registry-password"),
        }), { project: "jenkins-consumer", stackReferences: references });
        const secret = manifest<ISecret>(resources, "Secret", "payments-registry");
        assert.strictEqual(secret.metadata!.namespace, "devops", "credentials go to the agent namespace");
        assert.deepStrictEqual(secret.stringData, { username: "payments-ci", password: "registry-password" });
        assert.ok(resources.find(r => r.name === "team-registry")!.secretPaths.length > 0, "the password stays a secret");
        const endpoints = manifest<IConfigMap>(resources, "ConfigMap", "jenkins-endpoints");
        assert.strictEqual(endpoints.metadata!.namespace, "payments");
        assert.deepStrictEqual(endpoints.data, {
            JENKINS_URL: "http://jenkins.devops.svc.cluster.local:8080",
            JENKINS_PUBLIC_URL: "http://192.168.10.10:30001",
            JENKINS_AGENT_NAMESPACE: "devops",
        });
    });
});
