// npm run test:engine: the real Pulumi CLI (built by scripts/toolchain.sh) previews the stacks
// with the policy pack in the real analyzer, through scripts/preview.sh (file backend, passphrase,
// no cluster). Slow (about 10 s a preview); not part of `npm test`.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { policies } from "../../policy/rules";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const PREVIEW = path.join(ROOT, "scripts", "preview.sh");
const SECRET = "engine-test-password-7fd1c2";

interface PreviewRun {
    status: number | null;
    output: string;
    /** Names of the policies the analyzer ran (from the pack's trace file). */
    ran: string[];
}

/** `npm run preview -- <stack> ...flags`, with no cluster and a known admin password. */
function preview(stack: string, ...flags: string[]): PreviewRun {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "engine-test-"));
    const trace = path.join(scratch, "policies-that-ran.txt");
    // A kubeconfig with no cluster: the same offline preview on every machine, whatever ~/.kube holds.
    const kubeconfig = path.join(scratch, "no-cluster.kubeconfig");
    fs.writeFileSync(kubeconfig, "apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n");
    const run = spawnSync(PREVIEW, [stack, ...flags], {
        cwd: ROOT,
        encoding: "utf8",
        env: {
            ...process.env, KUBECONFIG: kubeconfig, PULUMI_CONFIG_PASSPHRASE: "engine-test",
            JENKINS_ADMIN_PASSWORD: SECRET, JENKINS_ON_K8S_POLICY_TRACE: trace,
        },
        timeout: 10 * 60 * 1000,
        maxBuffer: 64 * 1024 * 1024,
    });
    const ran = fs.existsSync(trace) ? fs.readFileSync(trace, "utf8").trim().split("\n").sort() : [];
    fs.rmSync(scratch, { recursive: true, force: true });
    return { status: run.status, output: `${run.stdout}\n${run.stderr}`, ran };
}

function describeRun(run: PreviewRun): string {
    return `exit ${String(run.status)}; policies that ran: ${run.ran.join(", ")}\n--- output (end)\n${run.output.slice(-5000)}`;
}

/** The "Policies:" section of the CLI's summary. */
function policySection(output: string): string {
    const start = output.indexOf("Policies:");
    const end = output.indexOf("Diagnostics:", start);
    return start < 0 ? "" : output.slice(start, end < 0 ? undefined : end);
}

describe("the real engine and analyzer (pulumi preview --policy-pack policy)", function () {
    this.timeout(15 * 60 * 1000);

    for (const stack of ["dev", "prod"]) {
        it(`previews ${stack} cleanly: every policy ran, no mandatory violation`, () => {
            const run = preview(stack);
            assert.strictEqual(run.status, 0, describeRun(run));
            assert.deepStrictEqual(run.ran, policies.map(p => p.name).sort(), "every policy of the pack ran in the analyzer");
            const section = policySection(run.output);
            assert.match(section, /jenkins-on-k8s@v0\.1\.0 \(local: /, describeRun(run));
            assert.ok(!section.includes("[mandatory]"), describeRun(run));
            for (const type of ["kubernetes:apps/v1:Deployment", "kubernetes:core/v1:ConfigMap", "kubernetes:core/v1:Service",
                "kubernetes:core/v1:PersistentVolumeClaim", "kubernetes:storage.k8s.io/v1:StorageClass"]) {
                assert.ok(run.output.includes(`+  ${type} `), `the preview plans no ${type}\n${describeRun(run)}`);
            }
            assert.match(run.output, /\+ \d+ to create/);
        });
    }

    it("keeps the admin password secret in the preview, also with --json", () => {
        const human = preview("dev");
        assert.strictEqual(human.status, 0, describeRun(human));
        assert.match(human.output, /adminPassword\s*: \[secret\]/);
        const json = preview("dev", "--json", "--show-config");
        assert.strictEqual(json.status, 0, describeRun(json));
        for (const run of [human, json]) {
            assert.ok(!run.output.includes(SECRET), "the password appears in plain text");
        }
        assert.match(json.output, /"jenkins-on-k8s:jenkinsAdminPassword": "\[secret\]"/, describeRun(json));
    });

    it("is refused by the real analyzer when an agent template's memory limit is under the floor", () => {
        // Config validation refuses a template without limits before any resource exists, so the
        // analyzer is proven on what only it checks: a memory limit under the pack's floor.
        const templates = [{
            name: "jenkins-agent-jnlp", label: "jenkins-agent-jnlp",
            containers: [{ name: "maven", image: "maven:3.6-jdk-8-alpine",
                resources: { requests: { cpu: "500m", memory: "64Mi" }, limits: { cpu: "1", memory: "128Mi" } } }],
        }];
        const run = preview("dev", "--config", `jenkins-on-k8s:agentTemplates=${JSON.stringify(templates)}`);
        assert.notStrictEqual(run.status, 0, describeRun(run));
        const section = policySection(run.output);
        assert.match(section, /\[mandatory\]\s+agent-pod-limits\s+\(kubernetes:core\/v1:ConfigMap: jenkins-config\)/, describeRun(run));
        assert.match(section, /Pod template jenkins-agent-jnlp, container maven has a memory limit 128Mi below the floor 256Mi/);
    });

    it("applies the pack's configured thresholds", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-config-"));
        const config = path.join(dir, "policy-config.json");
        fs.writeFileSync(config, JSON.stringify({ "agent-pod-limits": { minMemoryLimit: "4Gi" } }));
        const run = preview("dev", "--policy-pack-config", config);
        fs.rmSync(dir, { recursive: true, force: true });
        assert.notStrictEqual(run.status, 0, describeRun(run));
        assert.match(policySection(run.output), /container maven has a memory limit 2Gi below the floor 4Gi/, describeRun(run));
    });

    it("fails with the one config error on bad config, before any resource", () => {
        const run = preview("dev", "--config", "jenkins-on-k8s:serviceNodePort=40000", "--config", "jenkins-on-k8s:jenkinsImage=jenkins/jenkins:latest");
        assert.notStrictEqual(run.status, 0, describeRun(run));
        assert.match(run.output, /Invalid configuration for stack dev \(2 problems\); nothing was deployed/, describeRun(run));
        assert.match(run.output, /jenkins-on-k8s:serviceNodePort: 40000 is outside the NodePort range 30000-32767/);
        assert.match(run.output, /jenkins-on-k8s:jenkinsImage: image must be pinned/);
        assert.ok(!run.output.includes("kubernetes:apps/v1:Deployment"), "no resource was planned");
    });
});
