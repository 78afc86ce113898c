// Both stacks end to end under mocks: their outputs, and which of them are secret.
import * as assert from "assert";
import { evaluate, MOCK_PASSWORD } from "./harness/evaluate";

describe("stacks", () => {
    it("dev reproduces the seed and exports its endpoints", async () => {
        const { outputs, secretOutputs } = await evaluate("dev");
        assert.deepStrictEqual({ ...outputs, adminPassword: "(checked below)" }, {
            contractVersion: 1,
            contractMinorVersion: 1,
            url: "http://192.168.10.10:30001",
            nodePortUrl: "http://192.168.10.10:30001",
            adminUsername: "admin",
            adminPassword: "(checked below)",
            namespace: "devops",
            agentNamespace: "devops",
            serviceName: "jenkins",
            inClusterUrl: "http://jenkins.devops.svc.cluster.local:8080",
            agentTunnel: "jenkins-agent.devops.svc.cluster.local:50000",
            storageClassName: "managed-nfs-storage",
        });
        assert.strictEqual(outputs.adminPassword, MOCK_PASSWORD);
        assert.deepStrictEqual(secretOutputs, ["adminPassword"]);
    });

    it("prod is larger, protected and runs agents in their own namespace", async () => {
        const { outputs, secretOutputs } = await evaluate("prod");
        assert.strictEqual(outputs.url, "https://jenkins.prod.example.internal", "through the Ingress");
        assert.strictEqual(outputs.ingressHost, "jenkins.prod.example.internal");
        assert.strictEqual(outputs.nodePortUrl, undefined, "no web NodePort");
        assert.strictEqual(outputs.namespace, "jenkins");
        assert.strictEqual(outputs.agentNamespace, "jenkins-agents");
        assert.strictEqual(outputs.storageClassName, "jenkins-nfs");
        assert.deepStrictEqual(secretOutputs, ["adminPassword"]);
    });

    it("exports external-access credentials as secrets when enabled", async () => {
        const { outputs, secretOutputs } = await evaluate("dev", {
            overrides: { externalAccessEnabled: "true", externalAccessApiServer: "https://api.example:6443" },
        });
        assert.deepStrictEqual(outputs.externalAccess, {
            serviceAccountName: "jenkins-external",
            token: "mock-token",
            caCertificate: "mock-ca",
            apiServer: "https://api.example:6443",
        });
        assert.ok(secretOutputs.includes("externalAccess"), "the token and CA keep the output secret");
    });
});
