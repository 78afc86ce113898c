// agents: the agent namespace, its caches, quota and defaults, and the pod templates.
import { parseQuantity } from "../policy/shared/quantity";
import { Reader, readItems } from "./reader";
import { dnsLabelProblem, quantityProblem, show } from "./rules";
import { namespaceProblem } from "./storage";
import { readTemplates } from "./templates";
import { AgentCache, AgentsConfig, ContainerResources, JenkinsConfig } from "./types";

const CACHE_FIELDS = ["name", "size", "kind"] as const;

function readCaches(r: Reader): AgentCache[] {
    return readItems<AgentCache>(r, "agentCaches", r.structured("agentCaches") ?? [],
        { list: "must be a list of {name, size}", item: "must be a map with name and size" }, CACHE_FIELDS, (it, caches) => {
            const name = it.checked("name", dnsLabelProblem);
            const size = it.checked("size", v => quantityProblem(v, "storage"));
            if (name !== "" && caches.some(c => c.name === name)) {
                it.problem("name", `${show(name)} is used by another cache`);
            }
            const kind = it.checked("kind", v => v === "generic" || v === "maven" ? undefined : `must be generic or maven, got ${show(v)}`, "generic");
            return { name, size, kind: kind === "maven" ? "maven" : "generic" };
        });
}

export function readAgents(r: Reader, jenkinsNamespace: string): AgentsConfig {
    const configured = r.checked("agentNamespace", v => v.trim() === "" ? undefined : namespaceProblem(v.trim())).trim();
    const inboundImage = r.image("agentInboundImage");
    const jnlpResources = r.resources("agentJnlp");
    const caches = readCaches(r);
    const quota = {
        cpuRequests: r.quantity("agentQuotaCpuRequests", "cpu"),
        memoryRequests: r.quantity("agentQuotaMemoryRequests", "memory"),
        cpuLimits: r.quantity("agentQuotaCpuLimits", "cpu"),
        memoryLimits: r.quantity("agentQuotaMemoryLimits", "memory"),
        // The plugin's containerCapStr goes through Integer.parseInt.
        pods: r.integer("agentQuotaPods", 1) ?? 20,
    };
    return {
        namespace: configured === "" ? jenkinsNamespace : configured,
        separateNamespace: configured !== "" && configured !== jenkinsNamespace,
        inboundImage,
        templates: readTemplates(r, inboundImage, jnlpResources, caches),
        caches,
        limitRange: r.resources("agentDefault"),
        quota,
    };
}

/** Sums of a pod's container resources, in base units (what a ResourceQuota charges). */
function podTotals(containers: ContainerResources[]): Record<"requests" | "limits", Record<"cpu" | "memory", number>> {
    const sum = (side: "requests" | "limits", kind: "cpu" | "memory") =>
        containers.reduce((total, c) => total + (parseQuantity(c[side][kind]) ?? 0), 0);
    return {
        requests: { cpu: sum("requests", "cpu"), memory: sum("requests", "memory") },
        limits: { cpu: sum("limits", "cpu"), memory: sum("limits", "memory") },
    };
}

/** Each quota key, the pod total it bounds, and its field in AgentsConfig.quota. */
const QUOTA_BOUNDS = [
    { key: "agentQuotaCpuRequests", side: "requests", kind: "cpu", field: "cpuRequests" },
    { key: "agentQuotaMemoryRequests", side: "requests", kind: "memory", field: "memoryRequests" },
    { key: "agentQuotaCpuLimits", side: "limits", kind: "cpu", field: "cpuLimits" },
    { key: "agentQuotaMemoryLimits", side: "limits", kind: "memory", field: "memoryLimits" },
] as const;

function formatAmount(value: number, kind: "cpu" | "memory"): string {
    return kind === "cpu" ? `${Math.round(value * 1000)}m` : `${Math.round(value / 2 ** 20)}Mi`;
}

/**
 * The agent quota must hold the largest agent pod, and, when agents share the Jenkins namespace,
 * the controller pod as well (the quota charges every pod of its namespace). Skipped for inputs
 * already reported, so one bad value gives one problem.
 */
export function checkQuotaRoom(r: Reader, jenkins: JenkinsConfig, agents: AgentsConfig): void {
    const shared = !agents.separateNamespace;
    if (shared && agents.quota.pods < 2 && !r.bad("agentQuotaPods")) {
        r.problem("agentQuotaPods", `must be at least 2 when agents share the Jenkins namespace (${agents.namespace}): the controller pod counts too`);
    }
    const inputs = ["agentTemplates", "agentJnlpCpuRequest", "agentJnlpMemoryRequest", "agentJnlpCpuLimit", "agentJnlpMemoryLimit",
        ...(shared ? ["jenkinsCpuRequest", "jenkinsMemoryRequest", "jenkinsCpuLimit", "jenkinsMemoryLimit"] : [])];
    if (r.bad(...inputs)) {
        return;
    }
    // The controller pod: the controller and, with live reload, its sidecar.
    const controller = podTotals(shared ? [jenkins.resources, ...(jenkins.cascReloadImage ? [jenkins.cascReloadResources] : [])] : []);
    for (const { key, side, kind, field } of QUOTA_BOUNDS) {
        const quota = parseQuantity(agents.quota[field]);
        const largest = agents.templates
            .map(t => ({ name: t.name, amount: podTotals(t.containers.map(c => c.resources))[side][kind] }))
            .sort((x, y) => y.amount - x.amount)[0];
        if (r.bad(key) || quota === undefined || largest === undefined || largest.amount + controller[side][kind] <= quota) {
            continue;
        }
        r.problem(key, `${agents.quota[field]} cannot hold one pod of template ${largest.name} ` +
            `(${kind} ${side} ${formatAmount(largest.amount, kind)})` +
            (shared ? ` next to the controller (${formatAmount(controller[side][kind], kind)}), which shares the namespace` : ""));
    }
}
