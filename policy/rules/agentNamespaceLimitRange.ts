// Rule 2: the namespace where agents run has a LimitRange with default limits, so a container
// that sets none still gets them.
import { StackValidationPolicy } from "@pulumi/policy";
import { cascText, kubernetesClouds } from "../lib/casc";

interface LimitRangeView {
    metadata?: { namespace?: string };
    spec?: { limits?: { type?: string; default?: { cpu?: unknown; memory?: unknown } }[] };
}

export const agentNamespaceLimitRange: StackValidationPolicy = {
    name: "agent-namespace-limit-range",
    description: "Every namespace a Kubernetes cloud starts agents in has a LimitRange with default CPU and memory limits for containers.",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const namespaces = new Set<string>();
        for (const r of args.resources) {
            const text = cascText(r.type, r.props);
            if (text === undefined) {
                continue;
            }
            let clouds;
            try {
                clouds = kubernetesClouds(text);
            } catch {
                continue; // agent-pod-limits reports the unreadable configuration
            }
            for (const cloud of clouds) {
                if (!cloud.namespace) {
                    reportViolation(`Kubernetes cloud ${cloud.name ?? "?"} names no namespace, so its LimitRange cannot be checked.`, r.urn);
                }
                for (const ns of [cloud.namespace, ...(cloud.templates ?? []).map(t => t.namespace)]) {
                    if (ns) {
                        namespaces.add(ns);
                    }
                }
            }
        }
        const covered = new Set(args.resources
            .filter(r => r.type === "kubernetes:core/v1:LimitRange")
            .map(r => r.props as LimitRangeView)
            .filter(lr => (lr.spec?.limits ?? []).some(l => l.type === "Container" && l.default?.cpu !== undefined && l.default?.memory !== undefined))
            .map(lr => lr.metadata?.namespace ?? "default"));
        for (const ns of namespaces) {
            if (!covered.has(ns)) {
                reportViolation(`Agent namespace ${ns} has no LimitRange with default CPU and memory limits for containers.`);
            }
        }
    },
};
