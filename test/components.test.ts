// Each component's objects and their wiring, from the dev stack (the seed) unless said otherwise.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { fixPermissionsScript } from "../components/jenkinsController";
import { cascReloadToken } from "../components/adminCredentials";
import { JenkinsHome } from "../components/jenkinsHome";
import { AGENT_RULES } from "../components/jenkinsAccess";
import { evaluate, Evaluation, MOCK_PASSWORD, record } from "./harness/evaluate";
import { manifest, manifests } from "./helpers";
import type { IDeployment } from "kubernetes-models/apps/v1" with { "resolution-mode": "import" };
import type { IPersistentVolumeClaim, ISecret, IService, INamespace } from "kubernetes-models/v1" with { "resolution-mode": "import" };
import type { IClusterRole, IRoleBinding, IRole, IClusterRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1" with { "resolution-mode": "import" };
import type { IStorageClass } from "kubernetes-models/storage.k8s.io/v1" with { "resolution-mode": "import" };

const RECOMMENDED = ["app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/component",
    "app.kubernetes.io/part-of", "app.kubernetes.io/managed-by"];

describe("components (dev stack)", () => {
    let dev: Evaluation;
    before(async () => {
        dev = await evaluate("dev");
    });

    it("labels every object with the app.kubernetes.io recommended labels", () => {
        const objects = manifests(dev.resources, "Namespace").length + dev.resources.length;
        assert.ok(objects > 10);
        for (const r of dev.resources.filter(r => r.type.startsWith("kubernetes:"))) {
            const labels = (r.inputs as { metadata: { labels?: Record<string, string> } }).metadata.labels ?? {};
            for (const label of RECOMMENDED) {
                assert.ok(labels[label], `${r.type} ${r.name} lacks ${label}`);
            }
            assert.strictEqual(labels["app.kubernetes.io/managed-by"], "pulumi");
        }
    });

    describe("NfsProvisioner", () => {
        it("runs one provisioner with the NFS server, path and provisioner name, Recreate", () => {
            const d = manifest<IDeployment>(dev.resources, "Deployment", "nfs-subdir-external-provisioner");
            assert.strictEqual(d.metadata!.namespace, "nfs-provisioner");
            assert.strictEqual(d.spec!.replicas, 1);
            assert.strictEqual(d.spec!.strategy!.type, "Recreate");
            const pod = d.spec!.template.spec!;
            assert.strictEqual(pod.serviceAccountName, "nfs-subdir-external-provisioner");
            const env = Object.fromEntries(pod.containers[0].env!.map(e => [e.name, e.value]));
            assert.deepStrictEqual(env, { PROVISIONER_NAME: "fuseim.pri/ifs", NFS_SERVER: "192.168.12.31", NFS_PATH: "/nask8sapp" });
            assert.deepStrictEqual(pod.volumes![0].nfs, { server: "192.168.12.31", path: "/nask8sapp" });
            assert.match(pod.containers[0].image!, /^registry\.k8s\.io\/sig-storage\/nfs-subdir-external-provisioner:v\d/);
            assert.ok(pod.containers[0].resources!.limits!.memory, "the provisioner has limits");
        });

        it("creates the default StorageClass bound to that provisioner", () => {
            const sc = manifest<IStorageClass>(dev.resources, "StorageClass", "managed-nfs-storage");
            assert.strictEqual(sc.provisioner, "fuseim.pri/ifs");
            assert.strictEqual(sc.metadata!.annotations!["storageclass.kubernetes.io/is-default-class"], "true");
            assert.deepStrictEqual(sc.parameters, { archiveOnDelete: "false" });
            assert.strictEqual(sc.reclaimPolicy, "Delete");
        });

        it("grants the provisioner the volume rules cluster-wide and leader election in its namespace", () => {
            const runner = manifest<IClusterRole>(dev.resources, "ClusterRole", "managed-nfs-storage-provisioner-runner");
            assert.deepStrictEqual(runner.rules!.map(r => r.resources![0]).sort(),
                ["events", "persistentvolumeclaims", "persistentvolumes", "storageclasses"]);
            const binding = manifest<IClusterRoleBinding>(dev.resources, "ClusterRoleBinding", "managed-nfs-storage-provisioner-runner");
            assert.deepStrictEqual(binding.subjects, [{ kind: "ServiceAccount", name: "nfs-subdir-external-provisioner", namespace: "nfs-provisioner" }]);
            const leader = manifest<IRole>(dev.resources, "Role", "leader-locking-nfs-subdir-external-provisioner");
            assert.strictEqual(leader.metadata!.namespace, "nfs-provisioner");
            assert.deepStrictEqual(leader.rules![0].resources, ["endpoints"]);
        });

        it("follows prod's class settings", async () => {
            const prod = await evaluate("prod");
            const sc = manifest<IStorageClass>(prod.resources, "StorageClass", "jenkins-nfs");
            assert.strictEqual(sc.metadata!.annotations!["storageclass.kubernetes.io/is-default-class"], "false");
            assert.deepStrictEqual(sc.parameters, { archiveOnDelete: "true" });
            assert.strictEqual(sc.reclaimPolicy, "Retain");
            assert.deepStrictEqual(sc.mountOptions, ["nfsvers=4.1", "hard"]);
        });
    });

    describe("JenkinsAccess", () => {
        it("creates the namespace and the controller's ServiceAccount", () => {
            manifest<INamespace>(dev.resources, "Namespace", "devops");
            assert.strictEqual(manifest(dev.resources, "ServiceAccount", "jenkins-sa").metadata.namespace, "devops");
        });

        it("holds exactly the Kubernetes plugin's rules, without wildcards", () => {
            const role = manifest<IClusterRole>(dev.resources, "ClusterRole", "jenkins-devops-agents");
            assert.deepStrictEqual(role.rules, AGENT_RULES);
            const grants = role.rules!.flatMap(r => r.resources!.flatMap(res => r.verbs.map(v => `${res}:${v}`))).sort();
            assert.deepStrictEqual(grants, [
                "events:get", "events:list", "events:watch",
                "pods/exec:create", "pods/exec:get",
                "pods/log:get", "pods/log:list", "pods/log:watch",
                "pods:create", "pods:delete", "pods:get", "pods:list", "pods:patch", "pods:update", "pods:watch",
                "secrets:get",
            ]);
        });

        it("binds them only in the agent namespace, never cluster-wide", async () => {
            const binding = manifest<IRoleBinding>(dev.resources, "RoleBinding", "jenkins-agents");
            assert.strictEqual(binding.metadata!.namespace, "devops");
            assert.deepStrictEqual(binding.subjects, [{ kind: "ServiceAccount", name: "jenkins-sa", namespace: "devops" }]);
            assert.deepStrictEqual(binding.roleRef, { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "jenkins-devops-agents" });
            assert.ok(!manifests<IClusterRoleBinding>(dev.resources, "ClusterRoleBinding").some(b => b.subjects!.some(s => s.name === "jenkins-sa")));

            const prod = await evaluate("prod");
            manifest<INamespace>(prod.resources, "Namespace", "jenkins-agents");
            const prodBinding = manifest<IRoleBinding>(prod.resources, "RoleBinding", "jenkins-agents");
            assert.strictEqual(prodBinding.metadata!.namespace, "jenkins-agents");
            assert.deepStrictEqual(prodBinding.subjects, [{ kind: "ServiceAccount", name: "jenkins-sa", namespace: "jenkins" }]);
        });
    });

    describe("JenkinsHome", () => {
        it("claims ReadWriteMany storage of the configured size on the NFS class", () => {
            const pvc = manifest<IPersistentVolumeClaim>(dev.resources, "PersistentVolumeClaim", "jenkins-home");
            assert.strictEqual(pvc.metadata!.namespace, "devops");
            assert.deepStrictEqual(pvc.spec!.accessModes, ["ReadWriteMany"]);
            assert.strictEqual(pvc.spec!.storageClassName, "managed-nfs-storage");
            assert.strictEqual(pvc.spec!.resources!.requests!.storage, "5Gi");
        });

        it("is protected from deletion when asked (prod), not otherwise (dev)", async () => {
            const protectedOf = async (protect: boolean) => {
                const { result } = await record(() => new JenkinsHome("home", {
                    namespace: "ns", claimName: "home", storageClassName: "nfs", size: "1Gi", protect, instance: "jenkins",
                }));
                return (result.claim as unknown as { __protect?: boolean }).__protect === true;
            };
            assert.strictEqual(await protectedOf(true), true);
            assert.strictEqual(await protectedOf(false), false);
        });
    });

    describe("AdminCredentials", () => {
        it("stores the generated password in a Secret and exports it as a secret", () => {
            const secret = manifest<ISecret>(dev.resources, "Secret", "jenkins-admin");
            assert.deepStrictEqual(secret.stringData, { username: "admin", password: MOCK_PASSWORD, "casc-reload-token": cascReloadToken(MOCK_PASSWORD) });
            assert.match(cascReloadToken(MOCK_PASSWORD), /^[0-9a-f]{64}$/);

            assert.ok(dev.resources.some(r => r.type === "random:index/randomPassword:RandomPassword"));
            assert.strictEqual(dev.outputs.adminPassword, MOCK_PASSWORD);
            assert.ok(dev.secretOutputs.includes("adminPassword"), "adminPassword is a secret output");
            assert.ok(!dev.secretOutputs.includes("url"), "plain outputs stay plain");
        });
    });

    describe("JenkinsController", () => {
        const controller = () => manifest<IDeployment>(dev.resources, "Deployment", "jenkins");

        it("runs one pinned controller with the Recreate strategy", () => {
            const d = controller();
            assert.strictEqual(d.spec!.replicas, 1);
            assert.strictEqual(d.spec!.strategy!.type, "Recreate");
            const image = d.spec!.template.spec!.containers[0].image!;
            assert.match(image, /^jenkins\/jenkins:2\.\d+\.\d+/);
            assert.ok(!image.endsWith(":latest"));
        });

        it("has startup, liveness and readiness probes on /login", () => {
            const c = controller().spec!.template.spec!.containers[0];
            for (const probe of [c.startupProbe, c.livenessProbe, c.readinessProbe]) {
                assert.strictEqual(probe?.httpGet?.path, "/login");
                assert.strictEqual(probe?.httpGet?.port, "http");
            }
            assert.ok(c.startupProbe!.failureThreshold! * c.startupProbe!.periodSeconds! >= 300, "slow first starts are tolerated");
        });

        it("runs as non-root with fsGroup 1000 and memory for the JVM beyond its heap", () => {
            const pod = controller().spec!.template.spec!;
            assert.strictEqual(pod.securityContext!.fsGroup, 1000);
            const c = pod.containers[0];
            assert.strictEqual(c.securityContext!.runAsNonRoot, true);
            assert.strictEqual(c.securityContext!.runAsUser, 1000);
            assert.strictEqual(c.securityContext!.allowPrivilegeEscalation, false);
            assert.deepStrictEqual(c.resources, { requests: { cpu: "500m", memory: "2Gi" }, limits: { cpu: "2", memory: "2Gi" } });
        });

        it("passes the seed's JAVA_OPTS tunings and time zone, and reads the password from the Secret", () => {
            const c = controller().spec!.template.spec!.containers[0];
            const env = new Map(c.env!.map(e => [e.name, e]));
            const javaOpts = env.get("JAVA_OPTS")!.value!;
            for (const opt of ["-Dhudson.slaves.NodeProvisioner.initialDelay=0", "-Dhudson.slaves.NodeProvisioner.MARGIN=50",
                "-Dhudson.slaves.NodeProvisioner.MARGIN0=0.85", "-Duser.timezone=Asia/Shanghai", "-Djenkins.install.runSetupWizard=false"]) {
                assert.ok(javaOpts.includes(opt), `JAVA_OPTS lacks ${opt}`);
            }
            assert.match(javaOpts, /-XX:MaxRAMPercentage=50 /, "half of the 2Gi limit as heap");
            assert.strictEqual(env.get("TZ")!.value, "Asia/Shanghai");
            const password = env.get("JENKINS_ADMIN_PASSWORD")!;
            assert.strictEqual(password.value, undefined, "never a literal");
            assert.deepStrictEqual(password.valueFrom, { secretKeyRef: { name: "jenkins-admin", key: "password" } });
        });

        it("unpacks the WAR to an emptyDir (--webroot), not onto JENKINS_HOME", () => {
            const pod = controller().spec!.template.spec!;
            const c = pod.containers[0];
            assert.strictEqual(c.env!.find(e => e.name === "JENKINS_OPTS")!.value, "--webroot=/var/jenkins_cache/war");
            assert.deepStrictEqual(c.volumeMounts!.find(m => m.mountPath === "/var/jenkins_cache"), { name: "jenkins-cache", mountPath: "/var/jenkins_cache" });
            assert.deepStrictEqual(pod.volumes!.find(v => v.name === "jenkins-cache"), { name: "jenkins-cache", emptyDir: {} });
        });

        it("mounts JENKINS_HOME from the claim and exposes ports 8080 and 50000", () => {
            const pod = controller().spec!.template.spec!;
            assert.deepStrictEqual(pod.volumes!.find(v => v.name === "jenkins-home")!.persistentVolumeClaim, { claimName: "jenkins-home" });
            assert.deepStrictEqual(pod.containers[0].ports!.map(p => p.containerPort), [8080, 50000]);
            assert.strictEqual(pod.serviceAccountName, "jenkins-sa");
        });

        it("adds the permission-fixing init container only when asked", async () => {
            const names = (d: IDeployment) => d.spec!.template.spec!.initContainers!.map(c => c.name);
            assert.deepStrictEqual(names(controller()), ["install-plugins", "casc-load"]);
            const fixed = await evaluate("dev", { overrides: { jenkinsFixPermissions: "true" } });
            const d = manifest<IDeployment>(fixed.resources, "Deployment", "jenkins");
            assert.deepStrictEqual(names(d), ["fix-permissions", "install-plugins", "casc-load"]);
            const fix = d.spec!.template.spec!.initContainers![0];
            const script = fix.command![2];
            assert.strictEqual(script, fixPermissionsScript("/var/jenkins_home", 1000));
            assert.doesNotMatch(script, /chown -R/, "never walks the whole home");
            assert.strictEqual(fix.securityContext!.runAsUser, 0);
            assert.deepStrictEqual(fix.securityContext!.capabilities, { drop: ["ALL"], add: ["CHOWN"] });
        });
    });

    describe("the permission-fixing script, run by sh with stand-ins for stat and chown", () => {
        /** Runs the script where `stat` reports `owner` and `chown` exits with `chownStatus`. */
        function run(owner: string, chownStatus: number) {
            const bin = fs.mkdtempSync(path.join(os.tmpdir(), "fix-permissions-"));
            const calls = path.join(bin, "chown-calls");
            fs.writeFileSync(path.join(bin, "stat"), `#!/bin/sh\necho ${owner}\n`, { mode: 0o755 });
            fs.writeFileSync(path.join(bin, "chown"), `#!/bin/sh\necho "$@" >> ${calls}\nexit ${chownStatus}\n`, { mode: 0o755 });
            const result = spawnSync("sh", ["-c", fixPermissionsScript("/var/jenkins_home", 1000)],
                { encoding: "utf8", env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
            const chowned = fs.existsSync(calls) ? fs.readFileSync(calls, "utf8").trim() : "";
            fs.rmSync(bin, { recursive: true, force: true });
            return { status: result.status, stderr: result.stderr, chowned };
        }

        it("does nothing when uid 1000 owns the home, whatever its group", () => {
            assert.deepStrictEqual(run("1000:1000", 0), { status: 0, stderr: "", chowned: "" });
            assert.deepStrictEqual(run("1000:50", 1), { status: 0, stderr: "", chowned: "" });
        });

        it("gives a root-owned home to 1000:1000, only the directory itself", () => {
            const { status, chowned } = run("0:0", 0);
            assert.strictEqual(status, 0);
            assert.strictEqual(chowned, "1000:1000 /var/jenkins_home");
        });

        it("stops with the NFS export settings to change when root may not chown (root_squash)", () => {
            const { status, stderr } = run("65534:65534", 1);
            assert.strictEqual(status, 1);
            assert.match(stderr, /\/var\/jenkins_home belongs to 65534:65534 and root may not change it \(NFS root_squash\?\)/);
            assert.match(stderr, /chown the export directory to 1000:1000 on the NFS server, or export it with no_root_squash/);
        });
    });

    describe("JenkinsService", () => {
        it("exposes the web UI on NodePort 30001 and keeps the agent port in-cluster on jenkins-agent", () => {
            const svc = manifest<IService>(dev.resources, "Service", "jenkins");
            assert.strictEqual(svc.spec!.type, "NodePort");
            assert.deepStrictEqual(svc.spec!.ports!.map(p => [p.name, p.port, p.nodePort]), [["http", 8080, 30001]]);
            const agent = manifest<IService>(dev.resources, "Service", "jenkins-agent");
            assert.strictEqual(agent.spec!.type, "ClusterIP");
            assert.deepStrictEqual(agent.spec!.ports!.map(p => [p.name, p.port, p.targetPort, p.nodePort]), [["agent", 50000, "agent", undefined]]);
            const controller = manifest<IDeployment>(dev.resources, "Deployment", "jenkins");
            assert.deepStrictEqual(svc.spec!.selector, controller.spec!.selector.matchLabels);
            assert.deepStrictEqual(agent.spec!.selector, controller.spec!.selector.matchLabels);
        });

        it("selects exactly the controller's pods (what the skipped Service await used to check live)", () => {
            const podLabels = manifest<IDeployment>(dev.resources, "Deployment", "jenkins").spec!.template.metadata!.labels!;
            for (const name of ["jenkins", "jenkins-agent"]) {
                const selector = manifest<IService>(dev.resources, "Service", name).spec!.selector!;
                assert.ok(Object.keys(selector).length > 0);
                for (const [k, v] of Object.entries(selector)) {
                    assert.strictEqual(podLabels[k], v, `${name} selects the controller pod (${k})`);
                }
                for (const other of manifests<IDeployment>(dev.resources, "Deployment").filter(d => d.metadata!.name !== "jenkins")) {
                    const labels = other.spec!.template.metadata!.labels!;
                    assert.ok(Object.entries(selector).some(([k, v]) => labels[k] !== v), `${name} does not select ${other.metadata!.name}`);
                }
            }
        });

        it("is created once the controller is available, and not awaited for its endpoints' 10 s settling", () => {
            const service = dev.resources.find(r => r.type === "kubernetes:core/v1:Service" && r.name === "jenkins-service")!;
            assert.strictEqual((service.inputs as { metadata: { annotations: Record<string, string> } }).metadata.annotations["pulumi.com/skipAwait"], "true");
        });

        it("publishes the agent port as a NodePort only when asked", async () => {
            const e = await evaluate("dev", { overrides: { serviceAgentNodePort: "30050" } });
            const agent = manifest<IService>(e.resources, "Service", "jenkins-agent");
            assert.strictEqual(agent.spec!.type, "NodePort");
            assert.deepStrictEqual(agent.spec!.ports!.map(p => [p.port, p.nodePort]), [[50000, 30050]]);
            assert.deepStrictEqual(manifest<IService>(e.resources, "Service", "jenkins").spec!.ports!.map(p => p.name), ["http"]);
        });
    });
});
