// The CrossGuard rules: a compliant and a non-compliant fixture each, with the message asserted;
// both stacks evaluated as previews produce no mandatory violation and no rule blind to a value;
// non-compliant stacks are refused.
import * as assert from "assert";
import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import * as YAML from "yaml";
import { agentNamespaceLimitRange } from "../policy/rules/agentNamespaceLimitRange";
import { agentPodLimits } from "../policy/rules/agentPodLimits";
import { controllerProbes } from "../policy/rules/controllerProbes";
import { ingressTls } from "../policy/rules/ingressTls";
import { pinnedImages } from "../policy/rules/pinnedImages";
import { podHardening } from "../policy/rules/podHardening";
import { rbacLeastPrivilege } from "../policy/rules/rbacLeastPrivilege";
import { singleJenkinsHomeWriter } from "../policy/rules/singleJenkinsHomeWriter";
import { workloadResources } from "../policy/rules/workloadResources";
import { policies } from "../policy/rules";
import { evaluate, RecordedResource, UNKNOWN } from "./harness/evaluate";
import { blocking, runPolicies } from "../scripts/policyCheck";

const res = (type: string, name: string, inputs: Record<string, unknown>): RecordedResource =>
    ({ type, name, inputs, secretPaths: [], custom: true });

const limits = { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "1", memory: "1Gi" } };

const deployment = (name: string, podSpec: Record<string, unknown>, spec: Record<string, unknown> = {}, labels: Record<string, string> = {}) =>
    res("kubernetes:apps/v1:Deployment", name, {
        apiVersion: "apps/v1", kind: "Deployment", metadata: { name, namespace: "ci" },
        spec: { replicas: 1, ...spec, template: { metadata: { labels }, spec: podSpec } },
    });

const cascMap = (templates: unknown[], namespace = "ci") => res("kubernetes:core/v1:ConfigMap", "casc", {
    apiVersion: "v1", kind: "ConfigMap", metadata: { name: "casc", namespace: "ci" },
    data: { "jenkins.yaml": YAML.stringify({ jenkins: { clouds: [{ kubernetes: { name: "kubernetes", namespace, templates } }] } }) },
});

const cascContainer = (over: Record<string, unknown> = {}) => ({
    name: "maven", image: "maven:3.9.9", resourceRequestCpu: "500m", resourceRequestMemory: "512Mi",
    resourceLimitCpu: "1", resourceLimitMemory: "1Gi", ...over,
});

async function violationsOf(policy: ResourceValidationPolicy | StackValidationPolicy, resources: RecordedResource[],
    config: Record<string, unknown> = {}): Promise<string[]> {
    const report = await runPolicies(resources, { policies: [policy], config: { [policy.name]: config } });
    assert.deepStrictEqual(report.blind, [], "the rule saw every value it needs");
    return report.violations.map(v => v.message);
}

describe("policy pack", () => {
    it("is mandatory except the advisory hardening rule, with unique names", () => {
        assert.strictEqual(new Set(policies.map(p => p.name)).size, policies.length);
        assert.deepStrictEqual(policies.filter(p => p.enforcementLevel !== "mandatory").map(p => p.name), ["pod-hardening"]);
    });

    describe("ingress-tls", () => {
        const ingress = (name: string, spec: Record<string, unknown>, labels: Record<string, string> = { "app.kubernetes.io/name": "jenkins" }) =>
            res("kubernetes:networking.k8s.io/v1:Ingress", name, { apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: { name, namespace: "ci", labels }, spec });
        const rule = (host?: string) => ({ ...(host ? { host } : {}), http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "jenkins", port: { number: 8080 } } } }] } });
        it("passes an Ingress to Jenkins with a certificate for every host, and ignores other Ingresses", async () => {
            const ok = ingress("jenkins", { tls: [{ hosts: ["ci.example.org"], secretName: "jenkins-tls" }], rules: [rule("ci.example.org")] });
            const other = ingress("web", { rules: [rule("www.example.org")] }, { "app.kubernetes.io/name": "web" });
            assert.deepStrictEqual(await violationsOf(ingressTls, [ok, other]), []);
        });
        it("reports plain HTTP, a host without a certificate, a TLS entry without a Secret, and a host-less rule", async () => {
            const plain = ingress("plain", { rules: [rule("ci.example.org")] });
            const partial = ingress("partial", {
                tls: [{ hosts: ["a.example.org"], secretName: "a-tls" }, { hosts: ["c.example.org"] }],
                rules: [rule("a.example.org"), rule("b.example.org"), rule()],
            });
            assert.deepStrictEqual(await violationsOf(ingressTls, [plain, partial]), [
                "Ingress ci/plain serves Jenkins without TLS: the admin password would cross the network in clear text.",
                "Ingress ci/partial has a TLS entry for c.example.org without a Secret.",
                "Ingress ci/partial answers requests for any host, which no certificate covers: give every rule a host.",
                "Ingress ci/partial serves b.example.org without a TLS certificate for it.",
            ]);
        });
    });

    describe("agent-pod-limits", () => {
        it("passes templates with requests, limits and enough memory", async () => {
            assert.deepStrictEqual(await violationsOf(agentPodLimits, [cascMap([{ name: "t", containers: [cascContainer()] }])]), []);
        });
        it("reports a template container without limits", async () => {
            const c = cascContainer({ resourceLimitCpu: undefined, resourceLimitMemory: undefined });
            assert.deepStrictEqual(await violationsOf(agentPodLimits, [cascMap([{ name: "t", containers: [c] }])]), [
                "Pod template t, container maven has no CPU limit.",
                "Pod template t, container maven has no memory limit.",
            ]);
        });
        it("reports requests above limits and a memory limit under the configured floor", async () => {
            const c = cascContainer({ resourceRequestCpu: "2", resourceRequestMemory: "128Mi", resourceLimitMemory: "200Mi" });
            assert.deepStrictEqual(await violationsOf(agentPodLimits, [cascMap([{ name: "t", containers: [c] }])], { minMemoryLimit: "256Mi" }), [
                "Pod template t, container maven requests CPU 2 above its limit 1.",
                "Pod template t, container maven has a memory limit 200Mi below the floor 256Mi (agents get OOM-killed).",
            ]);
            const small = cascContainer({ resourceRequestMemory: "128Mi", resourceLimitMemory: "200Mi" });
            assert.deepStrictEqual(await violationsOf(agentPodLimits, [cascMap([{ name: "t", containers: [small] }])],
                { minMemoryLimit: "128Mi" }), [], "the floor is configurable");
        });
        it("reports an unreadable JCasC file instead of passing it", async () => {
            const broken = cascMap([]);
            (broken.inputs.data as Record<string, string>)["jenkins.yaml"] = "jenkins: [unclosed";
            const [message] = await violationsOf(agentPodLimits, [broken]);
            assert.match(message, /^ConfigMap ci\/casc: its jenkins\.yaml is not valid YAML/);
        });
        it("checks bare Pods that carry the agent label, and only those", async () => {
            const pod = (labels: Record<string, string>) => res("kubernetes:core/v1:Pod", "p", {
                apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "ci", labels },
                spec: { containers: [{ name: "build", image: "maven:3.9.9", resources: { requests: { cpu: "1", memory: "1Gi" } } }] },
            });
            assert.deepStrictEqual(await violationsOf(agentPodLimits, [pod({ "jenkins-on-k8s/agent": "true" })]), [
                "Agent Pod ci/p, container build has no CPU limit.",
                "Agent Pod ci/p, container build has no memory limit.",
            ]);
            assert.deepStrictEqual(await violationsOf(agentPodLimits, [pod({})]), []);
        });
    });

    describe("agent-namespace-limit-range", () => {
        const limitRange = (namespace: string, withDefault: boolean) => res("kubernetes:core/v1:LimitRange", "lr", {
            apiVersion: "v1", kind: "LimitRange", metadata: { name: "lr", namespace },
            spec: { limits: [{ type: "Container", ...(withDefault ? { default: { cpu: "1", memory: "1Gi" } } : { max: { cpu: "4" } }) }] },
        });
        it("passes when the agent namespace has default limits", async () => {
            assert.deepStrictEqual(await violationsOf(agentNamespaceLimitRange, [cascMap([], "agents"), limitRange("agents", true)]), []);
        });
        it("reports an agent namespace without them", async () => {
            assert.deepStrictEqual(await violationsOf(agentNamespaceLimitRange, [cascMap([], "agents"), limitRange("agents", false), limitRange("other", true)]),
                ["Agent namespace agents has no LimitRange with default CPU and memory limits for containers."]);
        });
    });

    describe("workload-resources", () => {
        it("passes containers with requests and limits", async () => {
            assert.deepStrictEqual(await violationsOf(workloadResources, [deployment("d", { containers: [{ name: "a", image: "x:1", resources: limits }] })]), []);
        });
        it("reports every container without them, init containers included", async () => {
            const d = deployment("d", {
                initContainers: [{ name: "init", image: "x:1", resources: { limits: limits.limits } }],
                containers: [{ name: "a", image: "x:1", resources: { requests: limits.requests } }],
            });
            assert.deepStrictEqual(await violationsOf(workloadResources, [d]), [
                "Deployment ci/d, init container init has no CPU request.",
                "Deployment ci/d, init container init has no memory request.",
                "Deployment ci/d, container a has no CPU limit.",
                "Deployment ci/d, container a has no memory limit.",
            ]);
        });
        it("reports a workload whose pod spec is missing", async () => {
            const d = res("kubernetes:batch/v1:Job", "j", { apiVersion: "batch/v1", kind: "Job", metadata: { name: "j" }, spec: {} });
            assert.deepStrictEqual(await violationsOf(workloadResources, [d]), ["Job j has no pod spec with containers to check."]);
        });
    });

    describe("pinned-images", () => {
        it("passes tags and digests", async () => {
            const d = deployment("d", { containers: [{ name: "a", image: "x:1.2" }, { name: "b", image: `x@sha256:${"a".repeat(64)}` }] });
            assert.deepStrictEqual(await violationsOf(pinnedImages, [d, cascMap([{ name: "t", containers: [cascContainer()] }])]), []);
        });
        it("reports latest, missing tags and missing images, in workloads and templates", async () => {
            const d = deployment("d", { containers: [{ name: "a", image: "x:latest" }, { name: "b", image: "registry:5000/x" }, { name: "c" }] });
            const t = cascMap([{ name: "t", containers: [cascContainer({ image: "maven" })] }]);
            assert.deepStrictEqual(await violationsOf(pinnedImages, [d, t]), [
                'Deployment ci/d, container a: image "x:latest" uses the floating tag latest.',
                'Deployment ci/d, container b: image "registry:5000/x" has no tag (it would float to latest).',
                "Deployment ci/d, container c: image no image is set.",
                'Pod template t, container maven: image "maven" has no tag (it would float to latest).',
            ]);
        });
    });

    describe("controller-probes", () => {
        const probe = { httpGet: { path: "/login", port: "http" } };
        it("passes a controller with all three probes", async () => {
            const d = deployment("jenkins", { containers: [{ name: "jenkins", image: "jenkins/jenkins:2.568.2-jdk21", startupProbe: probe, livenessProbe: probe, readinessProbe: probe }] });
            assert.deepStrictEqual(await violationsOf(controllerProbes, [d]), []);
        });
        it("reports missing probes, found by image or by labels", async () => {
            const byImage = deployment("jenkins", { containers: [{ name: "jenkins", image: "docker.io/jenkins/jenkins:2.568.2", livenessProbe: probe }] });
            const byLabel = deployment("ctl", { containers: [{ name: "main", image: "corp/jenkins-custom:1" }] }, {},
                { "app.kubernetes.io/name": "jenkins", "app.kubernetes.io/component": "controller" });
            assert.deepStrictEqual(await violationsOf(controllerProbes, [byImage, byLabel]), [
                "Deployment ci/jenkins, controller container jenkins has no startupProbe, readinessProbe.",
                "Deployment ci/ctl, controller container main has no startupProbe, livenessProbe, readinessProbe.",
            ]);
            const other = deployment("web", { containers: [{ name: "nginx", image: "nginx:1.27" }] });
            assert.deepStrictEqual(await violationsOf(controllerProbes, [other]), [], "other workloads are not controllers");
        });
    });

    describe("single-jenkins-home-writer", () => {
        const home = res("kubernetes:core/v1:PersistentVolumeClaim", "home", {
            apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "home", namespace: "ci", labels: { "jenkins-on-k8s/jenkins-home": "true" } },
        });
        const mounting = { containers: [{ name: "j", image: "jenkins/jenkins:2" }], volumes: [{ name: "h", persistentVolumeClaim: { claimName: "home" } }] };
        it("passes one replica with Recreate", async () => {
            assert.deepStrictEqual(await violationsOf(singleJenkinsHomeWriter, [home, deployment("j", mounting, { strategy: { type: "Recreate" } })]), []);
        });
        it("reports extra replicas, a rolling update and a DaemonSet", async () => {
            const ds = res("kubernetes:apps/v1:DaemonSet", "ds", { apiVersion: "apps/v1", kind: "DaemonSet", metadata: { name: "ds", namespace: "ci" }, spec: { template: { spec: mounting } } });
            assert.deepStrictEqual(await violationsOf(singleJenkinsHomeWriter, [home, deployment("j", mounting, { replicas: 2 }), ds]), [
                "Deployment ci/j mounts JENKINS_HOME with 2 replicas; it must run exactly 1.",
                "Deployment ci/j mounts JENKINS_HOME with the default RollingUpdate strategy; use Recreate so two controllers never share it.",
                "DaemonSet ci/ds mounts JENKINS_HOME on every node: more than one writer.",
            ]);
        });
    });

    describe("rbac-least-privilege", () => {
        const role = (rules: unknown[]) => res("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "r", { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "r" }, rules });
        const binding = (roleName: string) => res("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", "b", {
            apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding", metadata: { name: "b" }, roleRef: { kind: "ClusterRole", name: roleName },
        });
        it("passes explicit rules and ordinary bindings", async () => {
            assert.deepStrictEqual(await violationsOf(rbacLeastPrivilege, [role([{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }]), binding("r")]), []);
        });
        it("reports wildcards and cluster-admin", async () => {
            assert.deepStrictEqual(await violationsOf(rbacLeastPrivilege, [role([{ apiGroups: ["*"], resources: ["pods"], verbs: ["*"] }]), binding("cluster-admin")]), [
                "ClusterRole r, rule 0: wildcard '*' in verbs.",
                "ClusterRole r, rule 0: wildcard '*' in apiGroups.",
                "ClusterRoleBinding b grants cluster-admin.",
            ]);
        });
    });

    describe("pod-hardening (advisory)", () => {
        it("passes a non-root, unprivileged pod", async () => {
            const d = deployment("d", { securityContext: { runAsNonRoot: true }, containers: [{ name: "a", image: "x:1" }] });
            assert.deepStrictEqual(await violationsOf(podHardening, [d]), []);
        });
        it("reports root, privileged, host network and docker.sock, also in agent templates", async () => {
            const d = deployment("d", {
                hostNetwork: true,
                volumes: [{ name: "sock", hostPath: { path: "/var/run/docker.sock" } }],
                containers: [{ name: "a", image: "x:1", securityContext: { privileged: true, runAsUser: 0 } }],
            });
            const t = cascMap([{ name: "docker", containers: [cascContainer()], volumes: [{ hostPathVolume: { hostPath: "/var/run/docker.sock", mountPath: "/var/run/docker.sock" } }] }]);
            assert.deepStrictEqual(await violationsOf(podHardening, [d, t]), [
                "Deployment ci/d uses the host network.",
                "Deployment ci/d mounts the host's Docker socket (root on the node).",
                "Deployment ci/d, container a is privileged.",
                "Deployment ci/d, container a may run as root (set runAsNonRoot or a non-zero runAsUser).",
                "Pod template docker mounts the host's Docker socket.",
            ]);
        });
    });

    describe("over whole stacks, evaluated as previews", () => {
        for (const stack of ["dev", "prod", "e2e"]) {
            it(`${stack}: every policy runs, none is blind, no mandatory violation`, async () => {
                const { resources } = await evaluate(stack, { preview: true });
                assert.ok(resources.some(r => JSON.stringify(r.inputs).includes(UNKNOWN)), "the preview has unknowns (the generated password)");
                const report = await runPolicies(resources, { stack });
                assert.deepStrictEqual(report.ran, policies.map(p => p.name));
                assert.deepStrictEqual(report.blind, []);
                assert.deepStrictEqual(blocking(report), []);
            });
        }

        it("refuses a stack whose agent template has no limits", async () => {
            const { resources } = await evaluate("dev", {
                preview: true,
                mutate: config => {
                    const maven = config.agents.templates[0].containers[1];
                    maven.resources = { requests: maven.resources.requests, limits: { cpu: "", memory: "" } };
                },
            });
            const blockers = blocking(await runPolicies(resources, { stack: "dev" }));
            assert.deepStrictEqual(blockers.map(v => `${v.policy}: ${v.message}`), [
                "agent-pod-limits: Pod template jenkins-agent-jnlp, container maven has no CPU limit.",
                "agent-pod-limits: Pod template jenkins-agent-jnlp, container maven has no memory limit.",
            ]);
        });

        it("refuses a config-valid stack whose agent memory limit is under the floor", async () => {
            const templates = JSON.stringify([{ name: "small", label: "small", containers: [
                { name: "sh", image: "busybox:1.37", resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { cpu: "200m", memory: "128Mi" } } },
            ] }]);
            const { resources } = await evaluate("dev", { preview: true, overrides: { agentTemplates: templates } });
            const blockers = blocking(await runPolicies(resources, { stack: "dev" }));
            assert.deepStrictEqual(blockers.map(v => v.message), [
                "Pod template small, container sh has a memory limit 128Mi below the floor 256Mi (agents get OOM-killed).",
            ]);
        });

        it("treats a value unknown at preview as a blocker for mandatory rules", async () => {
            const d = deployment("d", { containers: [{ name: "a", image: UNKNOWN, resources: limits }] });
            const report = await runPolicies([d], { policies: [pinnedImages] });
            assert.strictEqual(report.blind.length, 1);
            assert.match(blocking(report)[0].message, /^cannot be checked at preview: .*can't be known during preview/);
        });
    });
});
