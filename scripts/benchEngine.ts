// npm run bench:engine: pulumi up against kubectl apply on the same local control plane
// (toolchain/local-cluster.sh), with the e2e stack's objects. Prints each time, its ratio to
// kubectl, and the targets. A script, not a test: it measures, it does not assert.
//   1. kubectl apply of the rendered objects (npm run render -- e2e), until Deployments are
//      Available and claims Bound, on a fresh cluster;
//   2. pulumi up --policy-pack policy from an empty stack (its preview included, as users run it), on a fresh cluster,
//      and the same with --skip-preview (how much of it the preview is);
//   3. a no-op pulumi up --policy-pack policy;
//   4. pulumi preview --policy-pack policy.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { evaluate, ROOT } from "../test/harness/evaluate";
import { renderManifests } from "./render";

const STATE = process.env.JENKINS_ON_K8S_CLUSTER ?? path.join(os.homedir(), ".cache", "jenkins-on-k8s-cluster");
const KUBECONFIG = path.join(STATE, "admin.kubeconfig");
const STACK = "e2e";

function run(command: string, args: string[], env: Record<string, string> = {}): void {
    const result = spawnSync(command, args, { cwd: ROOT, encoding: "utf8", env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
    if (result.status !== 0) {
        throw new Error(`${command} ${args.join(" ")} failed (${String(result.status)}):\n${(result.stdout + result.stderr).slice(-4000)}`);
    }
}

function timed(what: string, action: () => void): number {
    const start = process.hrtime.bigint();
    action();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    console.error(`[bench] ${what}: ${seconds.toFixed(1)} s`);
    return seconds;
}

function freshCluster(): void {
    run(path.join(ROOT, "toolchain", "local-cluster.sh"), ["down"]);
    run(path.join(ROOT, "toolchain", "local-cluster.sh"), ["up"]);
}

/** Whether a local cluster runs now (local-cluster.sh keeps a pid file per process). */
function clusterRunning(): boolean {
    const pids = path.join(STATE, "pids");
    return fs.existsSync(pids) && fs.readdirSync(pids).some(name => {
        try {
            process.kill(Number(fs.readFileSync(path.join(pids, name), "utf8")), 0);
            return true;
        } catch {
            return false;
        }
    });
}

async function main(): Promise<void> {
    if (clusterRunning() && process.env.BENCH_REPLACE_CLUSTER !== "true") {
        throw new Error(`a local cluster runs in ${STATE}: the benchmark needs fresh ones and would destroy it. ` +
            "Stop it (npm run cluster:down), or set BENCH_REPLACE_CLUSTER=true.");
    }
    run(path.join(ROOT, "toolchain", "toolchain.sh"), []);
    const tools = spawnSync(path.join(ROOT, "toolchain", "toolchain.sh"), ["--path", "control-plane"], { encoding: "utf8" }).stdout.trim();
    const kubectl = path.join(tools, "kubectl");
    if (!fs.existsSync(kubectl)) {
        throw new Error("no kubectl: run toolchain/toolchain.sh control-plane");
    }
    const manifestsText = renderManifests((await evaluate(STACK)).resources);
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "bench-engine-"));
    const manifests = path.join(work, "objects.yaml");
    const pulumiEnv = {
        JENKINS_ON_K8S_WORKDIR: path.join(work, "pulumi"), PULUMI_CONFIG_PASSPHRASE: "bench",
        JENKINS_ADMIN_PASSWORD: "bench-admin-password-1", KUBECONFIG,
    };
    const pulumi = (...args: string[]) => run(path.join(ROOT, "toolchain", "pulumi-local.sh"), [STACK, ...args], pulumiEnv);
    try {
        fs.writeFileSync(manifests, manifestsText);
        freshCluster();
        const kubectlSeconds = timed("kubectl apply and wait", () => {
            run(kubectl, ["apply", "-f", manifests], { KUBECONFIG });
            run(kubectl, ["wait", "--for=condition=Available", "deployment", "--all", "--all-namespaces", "--timeout=600s"], { KUBECONFIG });
            run(kubectl, ["wait", "--for=jsonpath={.status.phase}=Bound", "persistentvolumeclaim", "--all", "--all-namespaces", "--timeout=600s"], { KUBECONFIG });
        });
        freshCluster();
        const skipPreviewEnv = { ...pulumiEnv, JENKINS_ON_K8S_WORKDIR: path.join(work, "pulumi-skip-preview") };
        run(path.join(ROOT, "toolchain", "pulumi-local.sh"), [STACK, "stack", "ls"], skipPreviewEnv);
        const upOnly = timed("pulumi up --skip-preview --policy-pack policy, empty stack", () =>
            run(path.join(ROOT, "toolchain", "pulumi-local.sh"), [STACK, "up", "--yes", "--skip-preview", "--policy-pack", "policy"], skipPreviewEnv));
        freshCluster();
        pulumi("stack", "ls"); // the stack and its secret config exist before the clock starts
        const up = timed("pulumi up --policy-pack policy, empty stack", () => pulumi("up", "--yes", "--policy-pack", "policy"));
        const noop = timed("no-op pulumi up --policy-pack policy", () => pulumi("up", "--yes", "--policy-pack", "policy"));
        const preview = timed("pulumi preview --policy-pack policy", () => pulumi("preview", "--policy-pack", "policy"));
        const rows: [string, number, string, boolean][] = [
            ["kubectl apply, until Available and Bound", kubectlSeconds, "(baseline)", true],
            ["pulumi up --policy-pack policy, empty stack", up, "within 5x kubectl", up <= 5 * kubectlSeconds],
            ["  the same without its preview (--skip-preview)", upOnly, "(where the time goes)", true],
            ["no-op pulumi up --policy-pack policy", noop, "under 8 s", noop < 8],
            ["pulumi preview --policy-pack policy", preview, "under 5 s", preview < 5],
        ];
        console.log(`bench:engine, the e2e stack on the local control plane (${os.cpus().length} cores)`);
        console.log("| what | seconds | x kubectl | target | met |");
        console.log("|---|---|---|---|---|");
        for (const [what, seconds, target, met] of rows) {
            console.log(`| ${what} | ${seconds.toFixed(1)} | ${(seconds / kubectlSeconds).toFixed(1)} | ${target} | ${met ? "yes" : "no"} |`);
        }
    } finally {
        fs.rmSync(work, { recursive: true, force: true });
        // Stops only what local-cluster.sh started (its pid files); a failure here must not hide the first one.
        spawnSync(path.join(ROOT, "toolchain", "local-cluster.sh"), ["down"], { stdio: "ignore" });
    }
}

main().catch(error => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
});
