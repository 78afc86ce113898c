// npm run test:e2e: the whole life cycle of the stack with the real engine against a real API
// server (toolchain/local-cluster.sh: etcd, kube-apiserver, controller-manager, scheduler, kwok).
// Each step is asserted against the API server. Slow; not part of `npm test`.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as https from "https";
import * as os from "os";
import * as path from "path";
import { CONFIG_KEYS } from "../../config";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const STATE = process.env.JENKINS_ON_K8S_CLUSTER ?? path.join(os.homedir(), ".cache", "jenkins-on-k8s-cluster");
const PKI = path.join(STATE, "pki");
const API = "https://127.0.0.1:16443";
const SECRET = "e2e-admin-password-5b8e0a";
const WORK = fs.mkdtempSync(path.join(os.tmpdir(), "jenkins-on-k8s-e2e-"));

interface Run { status: number | null; output: string }

function sh(command: string, args: string[], env: Record<string, string> = {}): Run {
    const run = spawnSync(command, args, {
        cwd: ROOT, encoding: "utf8", timeout: 20 * 60 * 1000, maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, ...env },
    });
    return { status: run.status, output: `${run.stdout}\n${run.stderr}` };
}

/** `pulumi <args>` on the e2e stack, in the kept scratch copy, against the local cluster. */
function pulumi(args: string[], project?: string): Run {
    return sh(path.join(ROOT, "toolchain", "pulumi-local.sh"), ["e2e", ...args], {
        JENKINS_ON_K8S_WORKDIR: WORK,
        ...(project ? { JENKINS_ON_K8S_PROJECT: project } : {}),
        JENKINS_ADMIN_PASSWORD: SECRET,
        PULUMI_CONFIG_PASSPHRASE: "e2e",
        KUBECONFIG: path.join(STATE, "admin.kubeconfig"),
    });
}

function ok(run: Run, what: string): string {
    assert.strictEqual(run.status, 0, `${what} failed:\n${run.output.slice(-6000)}`);
    return run.output;
}

/** The cluster admin's client certificate, for requests to the API server. */
function asAdmin(): https.RequestOptions {
    return {
        ca: fs.readFileSync(path.join(PKI, "ca.crt")),
        cert: fs.readFileSync(path.join(PKI, "admin.crt")),
        key: fs.readFileSync(path.join(PKI, "admin.key")),
    };
}

/** GET from the API server as the admin; undefined on 404. */
function kube<T>(apiPath: string): Promise<T | undefined> {
    return new Promise((resolve, reject) => {
        const req = https.get(`${API}${apiPath}`, asAdmin(), res => {
            let body = "";
            res.on("data", chunk => body += chunk);
            res.on("end", () => {
                if (res.statusCode === 404) {
                    resolve(undefined);
                } else if (res.statusCode !== 200) {
                    reject(new Error(`GET ${apiPath}: ${res.statusCode} ${body}`));
                } else {
                    resolve(JSON.parse(body) as T);
                }
            });
        });
        req.on("error", reject);
    });
}

/** POST to the API server as the admin. */
function kubePost<T>(apiPath: string, body: unknown): Promise<T> {
    return new Promise((resolve, reject) => {
        const data = JSON.stringify(body);
        const req = https.request(`${API}${apiPath}`, {
            ...asAdmin(),
            method: "POST",
            headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(data) },
        }, res => {
            let text = "";
            res.on("data", chunk => text += chunk);
            res.on("end", () => res.statusCode && res.statusCode < 300 ? resolve(JSON.parse(text) as T) : reject(new Error(`POST ${apiPath}: ${res.statusCode} ${text}`)));
        });
        req.on("error", reject);
        req.end(data);
    });
}

/** Whether the controller's ServiceAccount may do `verb` on `resource` in `namespace` (a SubjectAccessReview). */
async function controllerMay(verb: string, resource: string, namespace: string): Promise<boolean> {
    const review = await kubePost<{ status: { allowed: boolean } }>("/apis/authorization.k8s.io/v1/subjectaccessreviews", {
        apiVersion: "authorization.k8s.io/v1", kind: "SubjectAccessReview",
        spec: { user: "system:serviceaccount:devops:jenkins-sa", groups: ["system:serviceaccounts"], resourceAttributes: { namespace, verb, resource } },
    });
    return review.status.allowed;
}

interface Meta { metadata: { name: string; uid: string; namespace?: string; annotations?: Record<string, string> } }
interface DeploymentView extends Meta {
    spec: { replicas: number; strategy: { type: string }; template: { spec: { containers: { image: string }[] } } };
    status: { availableReplicas?: number; updatedReplicas?: number };
}

describe("pulumi up end to end on a local control plane", function () {
    this.timeout(30 * 60 * 1000);

    before(() => {
        // A fresh cluster: nothing left over from an earlier run that stopped half-way.
        ok(sh(path.join(ROOT, "toolchain", "local-cluster.sh"), ["down"]), "local-cluster.sh down");
        ok(sh(path.join(ROOT, "toolchain", "local-cluster.sh"), ["up"]), "local-cluster.sh up");
    });

    after(() => {
        if (!process.env.KEEP_CLUSTER) {
            sh(path.join(ROOT, "toolchain", "local-cluster.sh"), ["down"]);
        }
        fs.rmSync(WORK, { recursive: true, force: true });
    });

    it("creates every object as the config says, with the policy pack", async () => {
        const output = ok(pulumi(["up", "--yes", "--skip-preview", "--policy-pack", "policy"]), "pulumi up");
        assert.match(output, /Policies:\s+✅ jenkins-on-k8s@v0\.1\.0|Policies:\s+⚠️ jenkins-on-k8s@v0\.1\.0/, output.slice(-3000));
        const sc = await kube<Meta>("/apis/storage.k8s.io/v1/storageclasses/managed-nfs-storage");
        assert.strictEqual(sc?.metadata.annotations?.["storageclass.kubernetes.io/is-default-class"], "true");
        for (const [ns, name] of [["devops", "jenkins"], ["nfs-provisioner", "nfs-subdir-external-provisioner"]]) {
            const d = await kube<DeploymentView>(`/apis/apps/v1/namespaces/${ns}/deployments/${name}`);
            assert.strictEqual(d?.status.availableReplicas, 1, `${ns}/${name} is rolled out`);
        }
        type ServiceView = { spec: { type: string; ports: { name: string; port: number; nodePort?: number }[] } };
        const svc = await kube<ServiceView>("/api/v1/namespaces/devops/services/jenkins");
        assert.strictEqual(svc?.spec.type, "NodePort");
        assert.deepStrictEqual(svc?.spec.ports.map(p => [p.name, p.nodePort]), [["http", 30001]]);
        // In-cluster agents reach port 50000 through the ClusterIP <name>-agent Service, not a NodePort.
        const agentSvc = await kube<ServiceView>("/api/v1/namespaces/devops/services/jenkins-agent");
        assert.strictEqual(agentSvc?.spec.type, "ClusterIP");
        assert.deepStrictEqual(agentSvc?.spec.ports.map(p => [p.name, p.port, p.nodePort]), [["agent", 50000, undefined]]);
        const claim = await kube<{ status: { phase: string } }>("/api/v1/namespaces/devops/persistentvolumeclaims/jenkins-home");
        assert.strictEqual(claim?.status.phase, "Bound");
        const casc = await kube<{ data: Record<string, string> }>("/api/v1/namespaces/devops/configmaps/jenkins-config");
        assert.match(casc?.data["jenkins.yaml"] ?? "", /jenkinsUrl: http:\/\/jenkins\.devops\.svc\.cluster\.local:8080/);
        assert.match(casc?.data["jenkins.yaml"] ?? "", /jenkinsTunnel: jenkins-agent\.devops\.svc\.cluster\.local:50000/);
        const binding = await kube<{ roleRef: { name: string } }>("/apis/rbac.authorization.k8s.io/v1/namespaces/devops/rolebindings/jenkins-agents");
        assert.strictEqual(binding?.roleRef.name, "jenkins-devops-agents");
        // The Ingress with TLS (no ingress controller runs here: the object is what is proven).
        type IngressPaths = { path: string; backend: { service: { name: string } } }[];
        const ingress = await kube<{ spec: { tls: { hosts: string[]; secretName: string }[]; rules: { host: string; http: { paths: IngressPaths } }[] } }>(
            "/apis/networking.k8s.io/v1/namespaces/devops/ingresses/jenkins");
        assert.deepStrictEqual(ingress?.spec.tls, [{ hosts: ["jenkins.e2e.internal"], secretName: "jenkins-tls" }]);
        assert.deepStrictEqual(ingress?.spec.rules.map(r => r.host), ["jenkins.e2e.internal"]);
        assert.deepStrictEqual(ingress?.spec.rules[0].http.paths.map(p => [p.path, p.backend.service.name]), [["/", "jenkins"], ["/prometheus", "jenkins-deny"]],
            "the anonymous metrics endpoint is not published");
        assert.match(casc?.data["jenkins.yaml"] ?? "", /url: https:\/\/jenkins\.e2e\.internal\//, "the location URL follows the Ingress");
        const web = await kube<{ metadata: { annotations?: Record<string, string> } }>("/api/v1/namespaces/devops/services/jenkins");
        assert.strictEqual(web?.metadata.annotations?.["prometheus.io/path"], "/prometheus/", "metrics can be scraped without the operator");
        assert.match(casc?.data["plugins.txt"] ?? "", /^prometheus:852\.v317db_5d17a_b_0$/m);
        // The reload sidecar runs as the controller's ServiceAccount: it may watch its namespace's ConfigMaps, nothing more.
        assert.strictEqual(await controllerMay("watch", "configmaps", "devops"), true);
        assert.strictEqual(await controllerMay("list", "configmaps", "devops"), true);
        assert.strictEqual(await controllerMay("watch", "configmaps", "kube-system"), false);
        assert.strictEqual(await controllerMay("update", "configmaps", "devops"), false);
    });

    it("keeps the admin password secret: nowhere in the state export or in any ConfigMap", async () => {
        const outputs = ok(pulumi(["stack", "output", "--json"]), "pulumi stack output");
        assert.match(outputs, /"adminPassword": "\[secret\]"/);
        const exported = ok(pulumi(["stack", "export"]), "pulumi stack export");
        assert.ok(!exported.includes(SECRET), "the password is in plain text in the state");
        const maps = await kube<{ items: unknown[] }>("/api/v1/configmaps");
        assert.ok(!JSON.stringify(maps).includes(SECRET), "the password is in a ConfigMap");
    });

    it("exports working external-access credentials, as secrets", async () => {
        const shown = ok(pulumi(["stack", "output", "externalAccess", "--json", "--show-secrets"]), "pulumi stack output");
        const access = JSON.parse(shown.slice(shown.indexOf("{"), shown.lastIndexOf("}") + 1)) as Record<string, string>;
        assert.strictEqual(access.serviceAccountName, "jenkins-external");
        assert.strictEqual(access.apiServer, "https://127.0.0.1:16443");
        assert.match(access.caCertificate, /^-----BEGIN CERTIFICATE-----/);
        // The token authenticates as the ServiceAccount, which may list pods in the agent namespace only.
        const whoCanList = (ns: string) => new Promise<number>((resolve, reject) => {
            https.get(`${API}/api/v1/namespaces/${ns}/pods`, { ca: access.caCertificate, headers: { Authorization: `Bearer ${access.token}` } },
                res => { res.resume(); resolve(res.statusCode ?? 0); }).on("error", reject);
        });
        assert.strictEqual(await whoCanList("devops"), 200);
        assert.strictEqual(await whoCanList("kube-system"), 403);
        assert.match(ok(pulumi(["stack", "output", "--json"]), "pulumi stack output"), /"externalAccess": "\[secret\]"/);
    });

    it("lets examples/consumer deploy through a StackReference", async () => {
        ok(pulumi(["config", "set", "--secret", "registryPassword", "e2e-registry-password"], "examples/consumer"), "config set");
        ok(pulumi(["up", "--yes", "--skip-preview"], "examples/consumer"), "consumer pulumi up");
        const endpoints = await kube<{ data: Record<string, string> }>("/api/v1/namespaces/payments/configmaps/jenkins-endpoints");
        assert.strictEqual(endpoints?.data.JENKINS_URL, "http://jenkins.devops.svc.cluster.local:8080");
        assert.strictEqual(endpoints?.data.JENKINS_PUBLIC_URL, "https://jenkins.e2e.internal");
        assert.ok(await kube("/api/v1/namespaces/devops/secrets/payments-registry"), "the team's credentials are in the agent namespace");
        ok(pulumi(["destroy", "--yes", "--skip-preview"], "examples/consumer"), "consumer pulumi destroy");
    });

    it("reports no changes on a second up", () => {
        ok(pulumi(["up", "--yes", "--skip-preview", "--expect-no-changes", "--policy-pack", "policy"]), "second pulumi up");
    });

    it("applies a changed agent template live: the ConfigMap changes, the controller pod does not", async () => {
        type PodList = { items: { metadata: { name: string; uid: string } }[] };
        const selector = encodeURIComponent("app.kubernetes.io/component=controller,app.kubernetes.io/instance=jenkins");
        const podsBefore = await kube<PodList>(`/api/v1/namespaces/devops/pods?labelSelector=${selector}`);
        const before = await kube<DeploymentView & { metadata: { generation: number } }>("/apis/apps/v1/namespaces/devops/deployments/jenkins");
        assert.strictEqual(podsBefore?.items.length, 1, "one controller pod");
        ok(pulumi(["config", "set", "--path", "agentTemplates[0].instanceCap", "7"]), "config set agentTemplates[0].instanceCap");
        const output = ok(pulumi(["up", "--yes", "--skip-preview", "--policy-pack", "policy"]), "up with a changed template");
        assert.match(output, /~ 1 to update|1 updated/, output.slice(-3000));
        const casc = await kube<{ data: Record<string, string> }>("/api/v1/namespaces/devops/configmaps/jenkins-config");
        assert.match(casc?.data["jenkins.yaml"] ?? "", /instanceCap: 7/);
        const after = await kube<DeploymentView & { metadata: { generation: number } }>("/apis/apps/v1/namespaces/devops/deployments/jenkins");
        assert.strictEqual(after?.metadata.generation, before?.metadata.generation, "the Deployment's pod template did not change");
        const podsAfter = await kube<PodList>(`/api/v1/namespaces/devops/pods?labelSelector=${selector}`);
        assert.deepStrictEqual(podsAfter?.items.map(p => p.metadata.uid), podsBefore?.items.map(p => p.metadata.uid), "the same controller pod runs on");
    });

    it("upgrades by changing the image tag, in place, with the Recreate strategy", async () => {
        // Both tags are released images (jenkinsci/docker tags 2.568.1 and 2.568.2): the stack is put
        // on the previous LTS patch, then upgraded to the pinned default by removing the override.
        const pinned = String(CONFIG_KEYS.jenkinsImage.default);
        const previous = "jenkins/jenkins:2.568.1-jdk21";
        assert.strictEqual(pinned, "jenkins/jenkins:2.568.2-jdk21", "move the previous tag along with the pin");
        ok(pulumi(["config", "set", "jenkinsImage", previous]), "config set jenkinsImage");
        ok(pulumi(["up", "--yes", "--skip-preview", "--policy-pack", "policy"]), "up on the previous tag");
        const before = await kube<DeploymentView>("/apis/apps/v1/namespaces/devops/deployments/jenkins");
        assert.strictEqual(before?.spec.template.spec.containers[0].image, previous);
        ok(pulumi(["config", "rm", "jenkinsImage"]), "config rm jenkinsImage");
        const output = ok(pulumi(["up", "--yes", "--skip-preview", "--policy-pack", "policy"]), "upgrade");
        assert.match(output, /~ 1 to update|1 updated/, output.slice(-3000));
        assert.doesNotMatch(output, /\+-\s+kubernetes:apps\/v1:Deployment jenkins-deployment/, "the Deployment is not replaced");
        const after = await kube<DeploymentView>("/apis/apps/v1/namespaces/devops/deployments/jenkins");
        // The same object (a replacement would keep the name but not the uid).
        assert.strictEqual(after?.metadata.uid, before?.metadata.uid);
        assert.strictEqual(after?.spec.template.spec.containers[0].image, pinned);
        assert.strictEqual(after?.spec.strategy.type, "Recreate");
        assert.strictEqual(after?.status.updatedReplicas, 1);
    });

    it("destroys everything, the protected claim after unprotecting it", async () => {
        const refused = pulumi(["destroy", "--yes", "--skip-preview"]);
        assert.notStrictEqual(refused.status, 0, "destroy must refuse while JENKINS_HOME is protected");
        assert.match(refused.output, /protected/);
        ok(pulumi(["state", "unprotect", "--all", "--yes"]), "pulumi state unprotect");
        ok(pulumi(["destroy", "--yes", "--skip-preview"]), "pulumi destroy");
        for (const apiPath of ["/api/v1/namespaces/devops/persistentvolumeclaims/jenkins-home",
            "/apis/apps/v1/namespaces/devops/deployments/jenkins", "/apis/storage.k8s.io/v1/storageclasses/managed-nfs-storage"]) {
            assert.strictEqual(await kube(apiPath), undefined, `${apiPath} is gone`);
        }
    });
});
