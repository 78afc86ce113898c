// npm run test:engine: the real Pulumi CLI (built by toolchain/toolchain.sh) previews the stacks
// with the policy pack in the real analyzer, through toolchain/preview.sh (file backend, passphrase,
// no cluster). Slow (about 10 s a preview); not part of `npm test`.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const PREVIEW = path.join(ROOT, "toolchain", "preview.sh");
const SECRET = "engine-test-password-7fd1c2";

/** The rules the README documents; the pack must run each of them in the real analyzer. */
const DOCUMENTED_RULES = ["agent-namespace-limit-range", "agent-pod-limits", "controller-probes", "ingress-tls", "pinned-images",
    "pod-hardening", "rbac-least-privilege", "single-jenkins-home-writer", "workload-resources"];

/** The stack the pack was started for, as @pulumi/pulumi saw it inside the pack (policy/lib/trace.ts). */
interface PackEnv {
    project: string;
    stack: string;
    organization: string;
    dryRun?: string;
    configKeys: string[];
}

interface PreviewRun {
    status: number | null;
    output: string;
    /** Names of the policies the analyzer ran (from the pack's trace file). */
    ran: string[];
    /** What the pack saw of its stack, one entry per start of the pack. */
    env: PackEnv[];
}

/** `npm run preview -- <stack> ...flags`, with no cluster and a known admin password. */
function preview(stack: string, flags: string[] = [], extraEnv: Record<string, string> = {}): PreviewRun {
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
            JENKINS_ADMIN_PASSWORD: SECRET, JENKINS_ON_K8S_POLICY_TRACE: trace, ...extraEnv,
        },
        timeout: 10 * 60 * 1000,
        maxBuffer: 64 * 1024 * 1024,
    });
    const lines = fs.existsSync(trace) ? fs.readFileSync(trace, "utf8").trim().split("\n").filter(l => l !== "") : [];
    fs.rmSync(scratch, { recursive: true, force: true });
    return {
        status: run.status,
        output: `${run.stdout}\n${run.stderr}`,
        ran: lines.filter(l => !l.startsWith("env ")).sort(),
        env: lines.filter(l => l.startsWith("env ")).map(l => JSON.parse(l.slice(4)) as PackEnv),
    };
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
            assert.deepStrictEqual(run.ran, DOCUMENTED_RULES, "every documented rule ran in the analyzer");
            // The language host's policy proxy starts the pack for the stack, as the official host does.
            assert.strictEqual(run.env.length, 1, describeRun(run));
            const [env] = run.env;
            assert.deepStrictEqual([env.project, env.stack, env.organization, env.dryRun], ["jenkins-on-k8s", stack, "organization", "true"]);
            assert.ok(env.configKeys.includes("jenkins-on-k8s:nodeAddress"), `the pack sees the stack's config: ${env.configKeys.join(", ")}`);
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
        const json = preview("dev", ["--json", "--show-config"]);
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
            containers: [{ name: "maven", image: "maven:3.9.16-eclipse-temurin-21",
                resources: { requests: { cpu: "500m", memory: "64Mi" }, limits: { cpu: "1", memory: "128Mi" } } }],
        }];
        const run = preview("dev", ["--config", `jenkins-on-k8s:agentTemplates=${JSON.stringify(templates)}`]);
        assert.notStrictEqual(run.status, 0, describeRun(run));
        const section = policySection(run.output);
        assert.match(section, /\[mandatory\]\s+agent-pod-limits\s+\(kubernetes:core\/v1:ConfigMap: jenkins-config\)/, describeRun(run));
        assert.match(section, /Pod template jenkins-agent-jnlp, container maven has a memory limit 128Mi below the floor 256Mi/);
    });

    it("applies the pack's configured thresholds", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-config-"));
        const config = path.join(dir, "policy-config.json");
        fs.writeFileSync(config, JSON.stringify({ "agent-pod-limits": { minMemoryLimit: "4Gi" } }));
        const run = preview("dev", ["--policy-pack-config", config]);
        fs.rmSync(dir, { recursive: true, force: true });
        assert.notStrictEqual(run.status, 0, describeRun(run));
        assert.match(policySection(run.output), /container maven has a memory limit 2Gi below the floor 4Gi/, describeRun(run));
    });

    it("fails with the one config error on bad config, before any resource", () => {
        const run = preview("dev", ["--config", "jenkins-on-k8s:serviceNodePort=40000", "--config", "jenkins-on-k8s:jenkinsImage=jenkins/jenkins:latest"]);
        assert.notStrictEqual(run.status, 0, describeRun(run));
        assert.match(run.output, /Invalid configuration for stack dev \(2 problems\); nothing was deployed/, describeRun(run));
        assert.match(run.output, /jenkins-on-k8s:serviceNodePort: 40000 is outside the NodePort range 30000-32767/);
        assert.match(run.output, /jenkins-on-k8s:jenkinsImage: must be pinned/);
        assert.ok(!run.output.includes("kubernetes:apps/v1:Deployment"), "no resource was planned");
    });

    it("cannot run the default generated password yet: the random provider is not built here", () => {
        // The default path (no jenkinsAdminPassword) generates the password with @pulumi/random.
        // Its provider module is not served by the Go module proxy, so the engine has no
        // pulumi-resource-random. This test shows today's error; it flips, and must be turned into
        // a passing preview, the day toolchain/toolchain.sh can build that provider.
        const run = preview("dev", [], { JENKINS_ON_K8S_GENERATED_PASSWORD: "true" });
        assert.notStrictEqual(run.status, 0, describeRun(run));
        assert.match(run.output, /no resource plugin 'pulumi-resource-random' found|could not find plugin .*random/i, describeRun(run));
    });
});
