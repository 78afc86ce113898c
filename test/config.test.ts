// Every config path: defaults, each stack file, and every error, reported together before any
// resource is registered.
import * as assert from "assert";
import { CONFIG_KEYS, REQUIRED_PLUGINS } from "../config";
import { evaluate } from "./harness/evaluate";
import { assertProblem, configErrorOf, manifest } from "./helpers";
import type { IDeployment } from "kubernetes-models/apps/v1" with { "resolution-mode": "import" };

const template = (over: Record<string, unknown>) => JSON.stringify([{
    name: "t1", label: "l1",
    containers: [{ name: "c", image: "maven:3.9.9", resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "2", memory: "2Gi" } } }],
    ...over,
}]);

describe("configuration", () => {
    it("applies the declared defaults when a stack sets only the required keys", async () => {
        const { resources, outputs } = await evaluate("bare", {
            configOnly: true,
            overrides: { nfsServer: "10.0.0.5", nfsPath: "/export", nodeAddress: "node1" },
        });
        const jenkins = manifest<IDeployment>(resources, "Deployment", "jenkins");
        const container = jenkins.spec!.template.spec!.containers[0];
        assert.strictEqual(container.image, CONFIG_KEYS.jenkinsImage.default);
        assert.deepStrictEqual(container.resources, {
            requests: { cpu: "500m", memory: "2Gi" }, limits: { cpu: "2", memory: "2Gi" },
        });
        assert.strictEqual(outputs.url, "http://node1:30001");
        assert.strictEqual(outputs.namespace, "devops");
        assert.strictEqual(outputs.storageClassName, "managed-nfs-storage");
    });

    it("reports every bad key in one error, before any resource is registered", async () => {
        const error = await configErrorOf("dev", {
            overrides: {
                serviceNodePort: "40000",
                jenkinsHomeSize: "five gigs",
                jenkinsCpuLimit: "100m",
                jenkinsImage: "jenkins/jenkins:latest",
                nfsServer: "",
            },
        });
        assert.strictEqual(error.problems.length, 5, error.message);
        assertProblem(error, "serviceNodePort", /40000 is outside the NodePort range 30000-32767/);
        assertProblem(error, "jenkinsHomeSize", /"five gigs" is not a Kubernetes quantity/);
        assertProblem(error, "jenkinsCpuLimit", /limit 100m is below the request 500m/);
        assertProblem(error, "jenkinsImage", /floating tag latest/);
        assertProblem(error, "nfsServer", /is required when nfsProvisionerEnabled is true/);
        assert.match(error.message, /^Invalid configuration for stack dev \(5 problems\); nothing was deployed:/);
    });

    const cases: [string, Record<string, string>, string, RegExp][] = [
        ["an image without a tag", { nfsProvisionerImage: "registry.k8s.io/nfs-provisioner" }, "nfsProvisionerImage", /has no tag/],
        ["an image with a registry port but no tag", { jenkinsImage: "registry:5000/jenkins" }, "jenkinsImage", /has no tag/],
        ["a missing NFS path", { nfsPath: "" }, "nfsPath", /is required/],
        ["a relative NFS path", { nfsPath: "exports" }, "nfsPath", /must be an absolute path/],
        ["a missing node address", { nodeAddress: "" }, "nodeAddress", /is required/],
        ["a bad node address", { nodeAddress: "http://x" }, "nodeAddress", /not a host name/],
        ["a NodePort below the range", { serviceNodePort: "8080" }, "serviceNodePort", /outside the NodePort range/],
        ["a non-integer NodePort", { serviceNodePort: "30001.5" }, "serviceNodePort", /must be an integer/],
        ["the agent NodePort equal to the web one", { serviceAgentNodePort: "30001" }, "serviceAgentNodePort", /must differ/],
        ["a memory limit below its request", { jenkinsMemoryLimit: "1Gi" }, "jenkinsMemoryLimit", /below the request 2Gi/],
        ["an unparsable memory request", { agentJnlpMemoryRequest: "lots" }, "agentJnlpMemoryRequest", /not a Kubernetes quantity/],
        ["a bad reclaim policy", { storageReclaimPolicy: "Recycle" }, "storageReclaimPolicy", /must be Delete or Retain/],
        ["a bad boolean", { storageClassDefault: "yes" }, "storageClassDefault", /must be true or false/],
        ["a bad namespace", { jenkinsNamespace: "Dev_Ops" }, "jenkinsNamespace", /"Dev_Ops" is not a valid name: lower-case letters/],
        ["a bad storage class", { storageClassName: "NFS!" }, "storageClassName", /"NFS!" is not a DNS subdomain/],
        ["a bad time zone", { jenkinsTimezone: "Mars/Olympus" }, "jenkinsTimezone", /not an IANA time zone/],
        ["a short admin password", { jenkinsAdminPassword: "short" }, "jenkinsAdminPassword", /at least 12/],
        ["a bad admin user", { jenkinsAdminUser: "ad min" }, "jenkinsAdminUser", /may only hold/],
        ["a plugin without a version", { jenkinsExtraPlugins: JSON.stringify(["timestamper"]) }, "jenkinsExtraPlugins", /must be name:version/],
        ["a plugin pinned to latest", { jenkinsExtraPlugins: JSON.stringify(["timestamper:latest"]) }, "jenkinsExtraPlugins", /must pin a version, not latest/],
        ["a plugin listed twice", { jenkinsExtraPlugins: JSON.stringify(["git:5.0.0"]) }, "jenkinsExtraPlugins", /plugin git is listed twice/],
        ["a required plugin missing", { jenkinsPlugins: JSON.stringify(["git:5.10.1"]) }, "jenkinsPlugins", /must include kubernetes, workflow-aggregator, configuration-as-code/],
        ["plugins that are not a list", { jenkinsPlugins: "kubernetes:1" }, "jenkinsPlugins", /must be a list of strings/],
        ["a bad mirror URL", { jenkinsUpdateCenterUrl: "ftp://mirror" }, "jenkinsUpdateCenterUrl", /must be an http\(s\) URL/],
        ["a proxy with a path", { jenkinsProxy: "http://proxy:3128/x" }, "jenkinsProxy", /must be http:\/\/host:port/],
        ["an unknown key (a typo)", { serviceNodeport: "30002" }, "serviceNodeport", /not a configuration key of this project \(did you mean serviceNodePort\?\)/],
        ["provisioner and Jenkins in one namespace", { nfsProvisionerNamespace: "devops" }, "nfsProvisionerNamespace", /must differ from jenkinsNamespace/],
        ["external access without an API server", { externalAccessEnabled: "true" }, "externalAccessApiServer", /is required when externalAccessEnabled/],
        ["external access over plain http", { externalAccessEnabled: "true", externalAccessApiServer: "http://api:6443" }, "externalAccessApiServer", /must be an https:\/\/ URL/],
        ["a quota of no pods", { agentQuotaPods: "0" }, "agentQuotaPods", /must be from 1 to 2147483647, got 0/],
        // Agent pod templates.
        ["a template without limits", { agentTemplates: template({ containers: [{ name: "c", image: "maven:3.9.9", resources: { requests: { cpu: "1", memory: "1Gi" } } }] }) },
            "agentTemplates", /\[0\]\.containers\[0\]\.resources\.limits is required/],
        ["a template without resources", { agentTemplates: template({ containers: [{ name: "c", image: "maven:3.9.9" }] }) },
            "agentTemplates", /\[0\]\.containers\[0\]\.resources is required: requests and limits/],
        ["a template limit below its request", { agentTemplates: template({ containers: [{ name: "c", image: "maven:3.9.9", resources: { requests: { cpu: "1", memory: "4Gi" }, limits: { cpu: "2", memory: "2Gi" } } }] }) },
            "agentTemplates", /\[0\]\.containers\[0\]\.resources\.limits\.memory 2Gi is below the request 4Gi/],
        ["a template with an unpinned image", { agentTemplates: template({ containers: [{ name: "c", image: "maven", resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } } }] }) },
            "agentTemplates", /\[0\]\.containers\[0\]\.image must be pinned: "maven" has no tag/],
        ["a template with an unknown field", { agentTemplates: template({ privileged: true }) },
            "agentTemplates", /\[0\] has "privileged", which is not a known field/],
        ["a template mounting an undeclared cache", { agentTemplates: template({ volumes: [{ cache: "gradle", mountPath: "/cache" }] }) },
            "agentTemplates", /\[0\]\.volumes\[0\]\.cache "gradle" is not declared in agentCaches/],
        ["a volume that is neither cache nor emptyDir", { agentTemplates: template({ volumes: [{ mountPath: "/cache" }] }) },
            "agentTemplates", /\[0\]\.volumes\[0\] must set exactly one of cache/],
        ["a negative idle time", { agentTemplates: template({ idleMinutes: -1 }) }, "agentTemplates", /\[0\]\.idleMinutes must be an integer from 0 to 2147483647/],
        ["templates that are not a list", { agentTemplates: JSON.stringify({ name: "x" }) }, "agentTemplates", /must be a list of pod templates/],
        ["a cache with a bad size", { agentCaches: JSON.stringify([{ name: "m2", size: "big" }]) }, "agentCaches", /\[0\]\.size "big" is not a Kubernetes quantity/],
        ["a cache of an unknown kind", { agentCaches: JSON.stringify([{ name: "m2", size: "1Gi", kind: "gradle" }]) }, "agentCaches", /\[0\]\.kind must be generic or maven, got "gradle"/],
        ["a template with two Maven caches", {
            agentCaches: JSON.stringify([{ name: "a", size: "1Gi", kind: "maven" }, { name: "b", size: "1Gi", kind: "maven" }]),
            agentTemplates: template({ volumes: [{ cache: "a", mountPath: "/a" }, { cache: "b", mountPath: "/b" }] }),
        }, "agentTemplates", /\[0\]\.volumes mounts more than one cache of kind maven/],
        // The JVM's heap must leave room for metaspace, code cache and threads below the limit.
        ["-Xmx above the memory limit", { jenkinsJavaOpts: "-Xmx3g" }, "jenkinsJavaOpts", /-Xmx3g gives a 3072Mi heap, but the memory limit 2Gi leaves 1280Mi/],
        ["a heap percentage that leaves no room", { jenkinsJavaOpts: "-XX:MaxRAMPercentage=75" }, "jenkinsJavaOpts", /MaxRAMPercentage=75 gives a 1536Mi heap/],
        ["a heap that is not a size", { jenkinsJavaOpts: "-Xmxlots" }, "jenkinsJavaOpts", /-Xmxlots is not a heap size/],
        ["a heap percentage over 100", { jenkinsJavaOpts: "-XX:MaxRAMPercentage=150" }, "jenkinsJavaOpts", /at most 100/],
        ["a small limit with the default heap share", { jenkinsMemoryRequest: "512Mi", jenkinsMemoryLimit: "1Gi" }, "jenkinsJavaOpts", /MaxRAMPercentage=50 gives a 512Mi heap, but the memory limit 1Gi leaves 256Mi/],
        // The quota charges the controller when agents share its namespace.
        ["a quota of one pod next to the controller", { agentQuotaPods: "1" }, "agentQuotaPods", /at least 2 when agents share the Jenkins namespace/],
        ["a quota without room for the controller and one agent", { agentQuotaMemoryLimits: "4Gi" }, "agentQuotaMemoryLimits",
            /4Gi cannot hold one pod of template jenkins-agent-jnlp \(memory limits 2560Mi\) next to the controller \(2176Mi\)/],
        ["a system property core does not read", { jenkinsJavaOpts: "-XX:MaxRAMPercentage=50 -Dhudson.slaves.NodeProvisioner.MARGINN=50" }, "jenkinsJavaOpts",
            /-Dhudson\.slaves\.NodeProvisioner\.MARGINN: core jenkins-2\.568\.2 reads no such system property/],
        ["a no-proxy entry with a port", { jenkinsProxy: "http://proxy:3128", jenkinsNoProxy: "git.corp:443" }, "jenkinsNoProxy", /"git\.corp:443" must be a host name/],
        ["a no-proxy entry with a quote", { jenkinsProxy: "http://proxy:3128", jenkinsNoProxy: "a'b" }, "jenkinsNoProxy", /"a'b" must be a host name/],
        ["a node selector without a value", { agentTemplates: template({ nodeSelector: { "kubernetes.io/os": "" } }) }, "agentTemplates",
            /\[0\]\.nodeSelector "kubernetes\.io\/os" needs a value \(the kubernetes plugin ignores empty ones\)/],
        ["a Jenkins name too long for its agent Service", { jenkinsName: "j".repeat(60) }, "jenkinsName", /the agent Service j+-agent must have at most 63/],
    ];
    for (const [what, overrides, key, pattern] of cases) {
        it(`rejects ${what}`, async () => {
            const secretKeys = "jenkinsAdminPassword" in overrides ? ["jenkinsAdminPassword"] : [];
            assertProblem(await configErrorOf("dev", { overrides, secretKeys }), key, pattern);
        });
    }

    it("accepts the near misses: a heap that fits, a quota that fits, a separate agent namespace with a one-pod quota", async () => {
        await evaluate("dev", { overrides: { jenkinsJavaOpts: "-Xmx1280m" } });
        await evaluate("dev", { overrides: { jenkinsMemoryLimit: "4Gi", jenkinsJavaOpts: "-XX:MaxRAMPercentage=75" } });
        await evaluate("dev", { overrides: { agentQuotaMemoryLimits: "4736Mi" } });
        await evaluate("dev", { overrides: { agentQuotaPods: "2" } });
        await evaluate("prod", { overrides: { agentQuotaPods: "1", agentQuotaMemoryLimits: "4608Mi" } });
        await evaluate("dev", { overrides: { jenkinsName: "j".repeat(57) } });
        await evaluate("dev", { overrides: { jenkinsJavaOpts: "-Dhudson.slaves.NodeProvisioner.MARGIN=30 -Dcom.example.unknown=1" } });
        await evaluate("dev", { overrides: { jenkinsProxy: "http://proxy:3128", jenkinsNoProxy: "*.corp,.example.org,10.0.0.5,git" } });
    });

    it("rejects duplicate template names and labels", async () => {
        const one = { label: "shared build", containers: [] };
        const error = await configErrorOf("dev", {
            overrides: { agentTemplates: JSON.stringify([{ name: "a", ...one }, { name: "a", ...one }]) },
        });
        assertProblem(error, "agentTemplates", /\[1\]\.name "a" is used by another template/);
        assertProblem(error, "agentTemplates", /\[1\]\.label "shared build" is also a label of template a/);
    });

    it("requires the plugins the stack configures", () => {
        const declared = (CONFIG_KEYS.jenkinsPlugins.default as readonly string[]).map(p => p.split(":")[0]);
        assert.deepStrictEqual([...declared].sort(), [...REQUIRED_PLUGINS].sort());
    });

    it("skips the provisioner and uses an existing StorageClass when disabled", async () => {
        const { resources, outputs } = await evaluate("dev", {
            overrides: { nfsProvisionerEnabled: "false", nfsServer: "", nfsPath: "", storageClassName: "existing-rwx" },
        });
        assert.ok(!resources.some(r => r.type.includes("StorageClass")), "no StorageClass is created");
        assert.ok(!resources.some(r => r.name.startsWith("nfs-")), "no provisioner object is created");
        assert.strictEqual(manifest<{ spec: { storageClassName: string } }>(resources, "PersistentVolumeClaim", "jenkins-home").spec.storageClassName, "existing-rwx");
        assert.strictEqual(outputs.storageClassName, "existing-rwx");
    });

    it("uses an admin password from secret config instead of generating one", async () => {
        const { resources, outputs, secretOutputs } = await evaluate("dev", {
            overrides: { jenkinsAdminPassword: "from-secret-config-1" }, secretKeys: ["jenkinsAdminPassword"],
        });
        assert.ok(!resources.some(r => r.type === "random:index/randomPassword:RandomPassword"));
        assert.strictEqual(outputs.adminPassword, "from-secret-config-1");
        assert.ok(secretOutputs.includes("adminPassword"));
    });
});
