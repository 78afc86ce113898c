// Jenkins configured as code: the rendered jenkins.yaml, the plugin init container, the agent
// namespace's LimitRange and ResourceQuota, and external access.
import * as assert from "assert";
import * as YAML from "yaml";
import { CascDocument } from "../lib/jcasc";
import { CONFIG_CHECKSUM_ANNOTATION } from "../policy/shared/conventions";
import { evaluate, Evaluation, MOCK_PASSWORD } from "./harness/evaluate";
import { manifest, manifests } from "./helpers";
import type { IDeployment } from "kubernetes-models/apps/v1" with { "resolution-mode": "import" };
import type { IConfigMap, ILimitRange, IResourceQuota, IPersistentVolumeClaim, ISecret, IServiceAccount } from "kubernetes-models/v1" with { "resolution-mode": "import" };
import type { IRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1" with { "resolution-mode": "import" };

function casc(e: Evaluation): CascDocument {
    const cm = manifest<IConfigMap>(e.resources, "ConfigMap", "jenkins-config");
    return YAML.parse(cm.data!["jenkins.yaml"]) as CascDocument;
}

function checksum(e: Evaluation): string {
    return manifest<IDeployment>(e.resources, "Deployment", "jenkins").spec!.template.metadata!.annotations![CONFIG_CHECKSUM_ANNOTATION];
}

describe("Jenkins configuration as code", () => {
    let dev: Evaluation;
    let prod: Evaluation;
    before(async () => {
        dev = await evaluate("dev");
        prod = await evaluate("prod");
    });

    it("configures the seed's Kubernetes cloud from the stack's own objects", () => {
        const cloud = casc(dev).jenkins.clouds[0].kubernetes;
        assert.strictEqual(cloud.serverUrl, "https://kubernetes.default.svc.cluster.local");
        assert.strictEqual(cloud.namespace, "devops");
        assert.strictEqual(cloud.jenkinsUrl, "http://jenkins.devops.svc.cluster.local:8080");
        assert.strictEqual(cloud.jenkinsTunnel, "jenkins-agent.devops.svc.cluster.local:50000");
        // Derived, not typed twice: the Service and namespace in the cloud are the ones created.
        const svc = manifest(dev.resources, "Service", "jenkins");
        assert.ok(cloud.jenkinsUrl.startsWith(`http://${svc.metadata.name}.${svc.metadata.namespace}.svc.`));
        const agentSvc = manifest(dev.resources, "Service", "jenkins-agent");
        assert.ok(cloud.jenkinsTunnel.startsWith(`${agentSvc.metadata.name}.${agentSvc.metadata.namespace}.svc.`));
        assert.strictEqual(dev.outputs.inClusterUrl, cloud.jenkinsUrl);
        assert.strictEqual(dev.outputs.agentTunnel, cloud.jenkinsTunnel);
    });

    it("renders the seed's pod template with a jnlp container and limits on every container", () => {
        const templates = casc(dev).jenkins.clouds[0].kubernetes.templates;
        assert.deepStrictEqual(templates.map(t => [t.name, t.label]), [["jenkins-agent-jnlp", "jenkins-agent-jnlp"]]);
        const [jnlp, maven] = templates[0].containers;
        assert.strictEqual(jnlp.name, "jnlp");
        assert.match(jnlp.image, /^jenkins\/inbound-agent:\d+\.v[0-9a-f_]+-\d+$/);
        assert.strictEqual(maven.name, "maven");
        assert.strictEqual(maven.image, "maven:3.9.16-eclipse-temurin-21", "a maintained Maven on a current JDK, not the seed's end-of-life 3.6-jdk-8");
        assert.deepStrictEqual([maven.resourceRequestCpu, maven.resourceRequestMemory, maven.resourceLimitCpu, maven.resourceLimitMemory],
            ["500m", "1Gi", "1", "2Gi"]);
        for (const template of [...templates, ...casc(prod).jenkins.clouds[0].kubernetes.templates]) {
            assert.strictEqual(template.containers[0].name, "jnlp", `${template.name} starts with jnlp`);
            for (const c of template.containers) {
                for (const field of ["resourceRequestCpu", "resourceRequestMemory", "resourceLimitCpu", "resourceLimitMemory"] as const) {
                    assert.ok(c[field], `${template.name}/${c.name} lacks ${field}`);
                }
            }
        }
    });

    it("keeps the Maven repository on the shared NFS claim and never mounts docker.sock unasked", () => {
        const template = casc(dev).jenkins.clouds[0].kubernetes.templates[0];
        assert.deepStrictEqual(template.volumes, [{
            persistentVolumeClaim: { claimName: "agent-cache-maven-repo", mountPath: "/home/jenkins/.m2", readOnly: false },
        }]);
        const claim = manifest<IPersistentVolumeClaim>(dev.resources, "PersistentVolumeClaim", "agent-cache-maven-repo");
        assert.strictEqual(claim.metadata!.namespace, "devops");
        assert.deepStrictEqual(claim.spec!.accessModes, ["ReadWriteMany"]);
        assert.strictEqual(claim.spec!.storageClassName, "managed-nfs-storage");
        assert.ok(!YAML.stringify(casc(prod)).includes("docker.sock"));
    });

    it("makes Maven lock the shared repository of a maven cache, keeping the user's own MAVEN_OPTS last", async () => {
        const env = (c: { envVars?: { envVar: { key: string; value: string } }[] }) =>
            Object.fromEntries((c.envVars ?? []).map(v => [v.envVar.key, v.envVar.value]));
        const [jnlp, maven] = casc(dev).jenkins.clouds[0].kubernetes.templates[0].containers;
        assert.deepStrictEqual(env(maven), { MAVEN_OPTS: "-Dmaven.repo.local=/home/jenkins/.m2/repository " +
            "-Daether.syncContext.named.factory=file-lock -Daether.syncContext.named.nameMapper=file-gaecv" });
        assert.deepStrictEqual(env(jnlp), {}, "the jnlp container runs no Maven");
        const own = await evaluate("dev", { overrides: { agentTemplates: JSON.stringify([{
            name: "m", label: "m", volumes: [{ cache: "maven-repo", mountPath: "/m2" }],
            containers: [{ name: "mvn", image: "maven:3.9.16-eclipse-temurin-21", env: { MAVEN_OPTS: "-Xmx1g", A: "b" },
                resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } } }],
        }]) } });
        assert.deepStrictEqual(env(casc(own).jenkins.clouds[0].kubernetes.templates[0].containers[1]), {
            MAVEN_OPTS: "-Dmaven.repo.local=/m2/repository -Daether.syncContext.named.factory=file-lock " +
                "-Daether.syncContext.named.nameMapper=file-gaecv -Xmx1g",
            A: "b",
        });
        const generic = await evaluate("dev", { overrides: { agentCaches: JSON.stringify([{ name: "maven-repo", size: "1Gi" }]) } });
        assert.deepStrictEqual(env(casc(generic).jenkins.clouds[0].kubernetes.templates[0].containers[1]), {}, "a generic cache changes nothing");
    });

    it("mounts docker.sock only for a template that asks", async () => {
        const e = await evaluate("dev", { overrides: { agentTemplates: JSON.stringify([{ name: "docker", label: "docker", mountDockerSocket: true }]) } });
        assert.deepStrictEqual(casc(e).jenkins.clouds[0].kubernetes.templates[0].volumes,
            [{ hostPathVolume: { hostPath: "/var/run/docker.sock", mountPath: "/var/run/docker.sock" } }]);
    });

    it("renders typed template settings: idle minutes, instance cap, node selector, several labels, only fields the plugin binds", () => {
        const [maven, node] = casc(prod).jenkins.clouds[0].kubernetes.templates;
        assert.strictEqual(maven.label, "maven java");
        assert.strictEqual(maven.instanceCap, 20);
        assert.strictEqual(maven.idleMinutes, 0);
        assert.strictEqual(maven.nodeSelector, "kubernetes.io/os=linux");
        assert.strictEqual(maven.namespace, "jenkins-agents");
        assert.deepStrictEqual(maven.volumes[1], { emptyDirVolume: { mountPath: "/tmp", memory: false } });
        assert.strictEqual(node.nodeSelector, undefined);
        // Pod labels go in yaml: the kubernetes plugin's PodTemplate has no attribute for them
        // (test/cascSchema.test.ts checks every attribute against the pinned plugin).
        assert.deepStrictEqual(YAML.parse(maven.yaml), {
            metadata: { labels: { "app.kubernetes.io/component": "agent", "jenkins-on-k8s/template": "maven" } },
        });
        assert.deepStrictEqual(maven.workspaceVolume, { emptyDirWorkspaceVolume: { memory: false } });
    });

    it("gives a stack without templates a jnlp-only default template", async () => {
        const e = await evaluate("bare", { configOnly: true, overrides: { nfsServer: "nfs", nfsPath: "/x", nodeAddress: "n" } });
        const templates = casc(e).jenkins.clouds[0].kubernetes.templates;
        assert.deepStrictEqual(templates.map(t => [t.name, t.containers.map(c => c.name)]), [["default", ["jnlp"]]]);
    });

    it("sets a local realm without a literal password, denies anonymous users, 0 executors, port 50000, the URL", () => {
        const doc = casc(dev);
        assert.deepStrictEqual(doc.jenkins.securityRealm, {
            local: { allowsSignup: false, users: [{ id: "admin", password: "${JENKINS_ADMIN_PASSWORD}" }] },
        });
        assert.deepStrictEqual(doc.jenkins.authorizationStrategy, { loggedInUsersCanDoAnything: { allowAnonymousRead: false } });
        assert.strictEqual(doc.jenkins.numExecutors, 0);
        assert.strictEqual(doc.jenkins.slaveAgentPort, 50000);
        assert.strictEqual(doc.unclassified.location.url, "http://192.168.10.10:30001/");
        for (const cm of manifests<IConfigMap>(dev.resources, "ConfigMap")) {
            assert.ok(!JSON.stringify(cm).includes(MOCK_PASSWORD), `the password leaks into ConfigMap ${cm.metadata!.name}`);
        }
    });

    it("points CASC_JENKINS_CONFIG at the file the reload sidecar keeps current, or at the mounted ConfigMap without reload", async () => {
        const pod = manifest<IDeployment>(dev.resources, "Deployment", "jenkins").spec!.template.spec!;
        const env = pod.containers[0].env!.find(e => e.name === "CASC_JENKINS_CONFIG")!;
        const live = pod.containers[0].volumeMounts!.find(m => m.name === "casc-live")!;
        assert.strictEqual(env.value, `${live.mountPath}/jenkins.yaml`);
        assert.deepStrictEqual(pod.volumes!.find(v => v.name === "casc-live"), { name: "casc-live", emptyDir: {} });
        const off = manifest<IDeployment>((await evaluate("dev", { overrides: { jenkinsCascReload: "false" } })).resources, "Deployment", "jenkins").spec!.template.spec!;
        const mount = off.containers[0].volumeMounts!.find(m => m.name === "config")!;
        assert.strictEqual(off.containers[0].env!.find(e => e.name === "CASC_JENKINS_CONFIG")!.value, `${mount.mountPath}/jenkins.yaml`);
        assert.deepStrictEqual(off.volumes!.find(v => v.name === "config")!.configMap, { name: "jenkins-config" });
        assert.deepStrictEqual(off.containers.map(c => c.name), ["jenkins"], "no sidecar without reload");
    });

    it("reloads jenkins.yaml live: a sidecar watches the labelled ConfigMap and posts to JCasC with a token from the Secret", () => {
        const pod = manifest<IDeployment>(dev.resources, "Deployment", "jenkins").spec!.template.spec!;
        assert.deepStrictEqual(pod.containers.map(c => c.name), ["jenkins", "casc-reload"]);
        const sidecar = pod.containers[1];
        assert.strictEqual(sidecar.image, "docker.io/kiwigrid/k8s-sidecar:2.10.1");
        const env = Object.fromEntries(sidecar.env!.map(e => [e.name, e.value ?? e.valueFrom]));
        assert.deepStrictEqual(env, {
            LABEL: "jenkins-on-k8s/casc", LABEL_VALUE: "jenkins", FOLDER: "/var/jenkins_casc_live", NAMESPACE: "devops", RESOURCE: "configmap",
            HEALTH_PORT: "8060", LOG_LEVEL: "WARN", METHOD: "WATCH",
            CASC_RELOAD_TOKEN: { secretKeyRef: { name: "jenkins-admin", key: "casc-reload-token" } },
            REQ_URL: "http://localhost:8080/reload-configuration-as-code/?casc-reload-token=$(CASC_RELOAD_TOKEN)",
            REQ_METHOD: "POST", REQ_RETRY_TOTAL: "10", REQ_RETRY_CONNECT: "10",
        });
        // The token is defined before REQ_URL, so Kubernetes expands $(CASC_RELOAD_TOKEN) in it.
        assert.ok(sidecar.env!.findIndex(e => e.name === "CASC_RELOAD_TOKEN") < sidecar.env!.findIndex(e => e.name === "REQ_URL"));
        const controllerToken = pod.containers[0].env!.find(e => e.name === "CASC_RELOAD_TOKEN")!;
        assert.deepStrictEqual(controllerToken.valueFrom, { secretKeyRef: { name: "jenkins-admin", key: "casc-reload-token" } });
        const load = pod.initContainers!.find(c => c.name === "casc-load")!;
        assert.strictEqual(load.env!.find(e => e.name === "METHOD")!.value, "LIST", "the first copy is made before Jenkins starts");
        assert.ok(!load.env!.some(e => e.name === "REQ_URL"));
        const cm = manifest<IConfigMap>(dev.resources, "ConfigMap", "jenkins-config");
        assert.strictEqual(cm.metadata!.labels!["jenkins-on-k8s/casc"], "jenkins");
        const role = manifest<{ rules: unknown[] }>(dev.resources, "Role", "jenkins-casc-reload");
        assert.deepStrictEqual(role.rules, [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list", "watch"] }]);
        const binding = manifest<IRoleBinding>(dev.resources, "RoleBinding", "jenkins-casc-reload");
        assert.deepStrictEqual(binding.subjects, [{ kind: "ServiceAccount", name: "jenkins-sa", namespace: "devops" }]);
    });

    it("keeps the controller running when only jenkins.yaml changes; restarts it for plugins, or without live reload", async () => {
        const podTemplate = (e: Evaluation) => JSON.stringify(manifest<IDeployment>(e.resources, "Deployment", "jenkins").spec!.template);
        const templateChange = { agentJnlpMemoryLimit: "768Mi" };
        const changed = await evaluate("dev", { overrides: templateChange });
        assert.notStrictEqual(casc(changed).jenkins.clouds[0].kubernetes.templates[0].id, casc(dev).jenkins.clouds[0].kubernetes.templates[0].id);
        assert.strictEqual(podTemplate(changed), podTemplate(dev), "same pod template: no rollout, running builds survive");
        const morePlugins = await evaluate("dev", { overrides: { jenkinsExtraPlugins: JSON.stringify(["timestamper:1.28"]) } });
        assert.notStrictEqual(checksum(morePlugins), checksum(dev), "plugins need a restart");
        const off = await evaluate("dev", { overrides: { jenkinsCascReload: "false" } });
        const offChanged = await evaluate("dev", { overrides: { jenkinsCascReload: "false", ...templateChange } });
        assert.notStrictEqual(checksum(offChanged), checksum(off), "without live reload a changed jenkins.yaml restarts the controller");
        assert.strictEqual(checksum(await evaluate("dev")), checksum(dev), "the same config, the same checksum");
    });

    it("restarts the controller when the admin password changes: it reads the password and the reload token only at start", async () => {
        const revision = (e: Evaluation) => manifest<IDeployment>(e.resources, "Deployment", "jenkins").spec!.template.metadata!.annotations!["jenkins-on-k8s/admin-revision"];
        const one = await evaluate("dev", { overrides: { jenkinsAdminPassword: "first-password-123" }, secretKeys: ["jenkinsAdminPassword"] });
        const again = await evaluate("dev", { overrides: { jenkinsAdminPassword: "first-password-123" }, secretKeys: ["jenkinsAdminPassword"] });
        const two = await evaluate("dev", { overrides: { jenkinsAdminPassword: "second-password-456" }, secretKeys: ["jenkinsAdminPassword"] });
        assert.match(revision(one), /^[0-9a-f]{16}$/);
        assert.strictEqual(revision(again), revision(one), "stable for one password");
        assert.notStrictEqual(revision(two), revision(one), "a new password, a new pod");
        const deployment = one.resources.find(r => r.type === "kubernetes:apps/v1:Deployment")!;
        assert.ok(!deployment.secretPaths.some(p => p.includes("admin-revision")), "the revision is no secret: it reveals nothing");
        assert.ok(!JSON.stringify(deployment.inputs).includes("first-password-123"));
    });

    it("installs the pinned plugins in an init container, through the mirror and proxy when set", async () => {
        const cm = manifest<IConfigMap>(dev.resources, "ConfigMap", "jenkins-config");
        assert.deepStrictEqual(cm.data!["plugins.txt"].trim().split("\n").map(p => p.split(":")[0]),
            ["kubernetes", "workflow-aggregator", "git", "configuration-as-code"]);
        const pod = manifest<IDeployment>(dev.resources, "Deployment", "jenkins").spec!.template.spec!;
        const plain = pod.initContainers!.find(c => c.name === "install-plugins")!;
        assert.strictEqual(plain.command![0], "jenkins-plugin-cli");
        // Jenkins loads exactly what the init container downloaded: the same emptyDir, mounted over
        // JENKINS_HOME/plugins, so no plugin left on NFS by an earlier pin survives.
        const target = plain.command![plain.command!.indexOf("--plugin-download-directory") + 1];
        assert.deepStrictEqual(plain.volumeMounts!.find(m => m.mountPath === target)!.name, "plugins");
        assert.deepStrictEqual(pod.containers[0].volumeMounts!.find(m => m.name === "plugins")!.mountPath, "/var/jenkins_home/plugins");
        assert.deepStrictEqual(pod.volumes!.find(v => v.name === "plugins"), { name: "plugins", emptyDir: {} });
        assert.ok(!pod.containers[0].env!.some(e => e.name === "PLUGINS_FORCE_UPGRADE"), "nothing is copied from the image's reference plugins");
        assert.ok(!plain.command!.includes("--jenkins-update-center"));

        const mirror = "https://mirrors.example.org/jenkins/updates/update-center.json";
        const e = await evaluate("dev", { overrides: { jenkinsUpdateCenterUrl: mirror, jenkinsProxy: "http://proxy.corp:3128", jenkinsNoProxy: "git.corp" } });
        const init = manifest<IDeployment>(e.resources, "Deployment", "jenkins").spec!.template.spec!.initContainers!.find(c => c.name === "install-plugins")!;
        assert.deepStrictEqual(init.command!.slice(init.command!.indexOf("--jenkins-update-center")), ["--jenkins-update-center", mirror]);
        // jenkins-plugin-cli 2.15.0 builds its client with useSystemProperties(): Java's proxy properties, not HTTP_PROXY.
        assert.deepStrictEqual(init.env!.map(v => v.name), ["JAVA_OPTS"]);
        assert.strictEqual(init.env![0].value, "-Dhttp.proxyHost=proxy.corp -Dhttp.proxyPort=3128 -Dhttps.proxyHost=proxy.corp -Dhttps.proxyPort=3128 " +
            "-Dhttp.nonProxyHosts=*.svc.cluster.local|*.svc|*.devops|localhost|127.0.0.1|git.corp");
        const controller = manifest<IDeployment>(e.resources, "Deployment", "jenkins").spec!.template.spec!.containers[0];
        const env = Object.fromEntries(controller.env!.map(v => [v.name, v.value]));
        assert.strictEqual(env.HTTPS_PROXY, "http://proxy.corp:3128");
        assert.match(env.NO_PROXY!, /\.svc\.cluster\.local.*git\.corp/);
        const doc = casc(e);
        assert.deepStrictEqual(doc.jenkins.updateCenter, { sites: [{ id: "default", url: mirror }] });
        assert.strictEqual(doc.jenkins.proxy!.name, "proxy.corp");
        assert.strictEqual(doc.jenkins.proxy!.port, 3128);
        // The same internal hosts bypass the proxy in Jenkins, its tools and the plugin downloads.
        assert.deepStrictEqual(doc.jenkins.proxy!.noProxyHost.split("\n").map(h => h.replace(/^\*/, "")),
            env.NO_PROXY!.split(","));
        assert.deepStrictEqual(env.NO_PROXY!.split(","), [".svc.cluster.local", ".svc", ".devops", "localhost", "127.0.0.1", "git.corp"]);
        // A user's domain is a domain for every consumer: .corp for NO_PROXY, *.corp for Jenkins and Java.
        const domains = await evaluate("dev", { overrides: { jenkinsProxy: "http://proxy.corp:3128", jenkinsNoProxy: ".corp,*.example.org,git" } });
        const domainsPod = manifest<IDeployment>(domains.resources, "Deployment", "jenkins").spec!.template.spec!;
        assert.match(domainsPod.containers[0].env!.find(v => v.name === "NO_PROXY")!.value!, /,\.corp,\.example\.org,localhost,127\.0\.0\.1,git$/);
        assert.match(domainsPod.initContainers!.find(c => c.name === "install-plugins")!.env![0].value!, /nonProxyHosts=.*\|\*\.corp\|\*\.example\.org\|localhost\|127\.0\.0\.1\|git$/);
        assert.match(casc(domains).jenkins.proxy!.noProxyHost, /\n\*\.corp\n\*\.example\.org\nlocalhost\n127\.0\.0\.1\ngit$/);
    });

    it("gives the agent namespace a LimitRange and a ResourceQuota from config", () => {
        const limits = manifest<ILimitRange>(prod.resources, "LimitRange", "agent-defaults");
        assert.strictEqual(limits.metadata!.namespace, "jenkins-agents");
        assert.deepStrictEqual(limits.spec!.limits[0], {
            type: "Container",
            defaultRequest: { cpu: "250m", memory: "256Mi" },
            default: { cpu: "1", memory: "1Gi" },
        });
        const quota = manifest<IResourceQuota>(prod.resources, "ResourceQuota", "agent-quota");
        assert.strictEqual(quota.metadata!.namespace, "jenkins-agents");
        assert.deepStrictEqual(quota.spec!.hard, {
            "requests.cpu": "32", "requests.memory": "64Gi", "limits.cpu": "64", "limits.memory": "128Gi", pods: "50",
        });
        // The plugin's cap matches the quota; next to the controller (dev) it leaves the controller its pod.
        assert.strictEqual(casc(prod).jenkins.clouds[0].kubernetes.containerCapStr, "50");
        assert.strictEqual(manifest<IResourceQuota>(dev.resources, "ResourceQuota", "agent-quota").spec!.hard!.pods, "20");
        assert.strictEqual(casc(dev).jenkins.clouds[0].kubernetes.containerCapStr, "19");
    });

    it("creates scoped external-access credentials only when enabled", async () => {
        assert.strictEqual(manifests(dev.resources, "ServiceAccount", "jenkins-external").length, 0);
        const e = await evaluate("prod", { overrides: { externalAccessEnabled: "true", externalAccessApiServer: "https://api.prod:6443" } });
        const sa = manifest<IServiceAccount>(e.resources, "ServiceAccount", "jenkins-external");
        assert.strictEqual(sa.metadata!.namespace, "jenkins-agents");
        const binding = manifest<IRoleBinding>(e.resources, "RoleBinding", "jenkins-external");
        assert.strictEqual(binding.metadata!.namespace, "jenkins-agents");
        assert.deepStrictEqual(binding.roleRef, { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "jenkins-jenkins-agents" });
        const token = manifest<ISecret>(e.resources, "Secret", "jenkins-external-token");
        assert.strictEqual(token.type, "kubernetes.io/service-account-token");
        assert.strictEqual(token.metadata!.annotations!["kubernetes.io/service-account.name"], "jenkins-external");
        assert.ok(!JSON.stringify(e.resources).includes("cluster-admin"));
        assert.ok(e.secretOutputs.includes("externalAccess"));
    });
});
