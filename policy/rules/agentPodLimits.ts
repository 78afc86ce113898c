// Rule 1: agent pods have CPU and memory requests and limits, requests not above limits, and a
// memory limit at or above a floor (the seed's OOM-killed agents and ClosedChannelException).
import { ResourceValidationPolicy } from "@pulumi/policy";
import { cascText, kubernetesClouds } from "../lib/casc";
import { AGENT_POD_LABEL } from "../shared/conventions";
import { fromKubernetes, resourceProblems } from "../lib/resources";
import { allContainers, describe, podOf } from "../lib/workloads";

export interface AgentPodLimitsConfig {
    /** Smallest memory limit an agent container may have. */
    minMemoryLimit: string;
}

export const agentPodLimits: ResourceValidationPolicy = {
    name: "agent-pod-limits",
    description: "Every container of every Kubernetes-cloud pod template in the JCasC configuration, and of bare " +
        `Pods labelled ${AGENT_POD_LABEL}, has CPU and memory requests and limits, requests not above limits, ` +
        "and a memory limit at or above minMemoryLimit.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            minMemoryLimit: { type: "string", default: "256Mi", description: "Smallest memory limit of an agent container." },
        },
    },
    validateResource: (args, reportViolation) => {
        const { minMemoryLimit } = args.getConfig<AgentPodLimitsConfig>();
        const text = cascText(args.type, args.props);
        if (text !== undefined) {
            let clouds;
            try {
                clouds = kubernetesClouds(text);
            } catch (error) {
                reportViolation(`${describe(args.type, args.props)}: ${(error as Error).message}; its pod templates cannot be checked.`);
                return;
            }
            for (const cloud of clouds) {
                for (const template of cloud.templates ?? []) {
                    const containers = template.containers ?? [];
                    if (containers.length === 0) {
                        reportViolation(`Pod template ${template.name ?? "?"} of cloud ${cloud.name ?? "?"} lists no containers, so its limits cannot be checked.`);
                    }
                    for (const c of containers) {
                        for (const problem of resourceProblems({
                            requestCpu: c.resourceRequestCpu, requestMemory: c.resourceRequestMemory,
                            limitCpu: c.resourceLimitCpu, limitMemory: c.resourceLimitMemory,
                        }, minMemoryLimit)) {
                            reportViolation(`Pod template ${template.name ?? "?"}, container ${c.name ?? "?"} ${problem}.`);
                        }
                    }
                }
            }
            return;
        }
        const pod = podOf(args.type, args.props);
        if (pod?.kind === "Pod" && pod.labels[AGENT_POD_LABEL] !== undefined) {
            for (const { where, container } of allContainers(pod.spec ?? {})) {
                for (const problem of resourceProblems(fromKubernetes(container.resources), minMemoryLimit)) {
                    reportViolation(`Agent ${describe(args.type, args.props)}, ${where} ${problem}.`);
                }
            }
        }
    },
};
