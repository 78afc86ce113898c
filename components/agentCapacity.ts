import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AgentCache, AgentsConfig, ContainerResources } from "../config";
import { cacheClaimName } from "../lib/jcasc";
import { labels } from "../lib/labels";

/** Arguments of {@link AgentCapacity}. */
export interface AgentCapacityArgs {
    /** The agent namespace. */
    namespace: pulumi.Input<string>;
    /** Defaults for agent containers that set no requests or limits. */
    limitRange: ContainerResources;
    /** Totals the agents of the namespace may use. */
    quota: AgentsConfig["quota"];
    /** Shared ReadWriteMany caches to create (e.g. the Maven repository). */
    caches: AgentCache[];
    /** StorageClass of the caches. */
    storageClassName: pulumi.Input<string>;
    /** app.kubernetes.io/instance of the objects (the Jenkins name). */
    instance: string;
}

/**
 * What agent pods may use in their namespace: a LimitRange that gives every container default
 * requests and limits (the seed's OOM-killed agents), a ResourceQuota, and shared cache claims on
 * NFS (instead of the seed's hostPath Maven cache, which differs from node to node).
 */
export class AgentCapacity extends pulumi.ComponentResource {
    /** Claim name of each cache, by cache name. */
    readonly cacheClaims: Record<string, pulumi.Output<string>> = {};

    constructor(name: string, args: AgentCapacityArgs, opts?: pulumi.ComponentResourceOptions) {
        super("jenkins-on-k8s:agents:AgentCapacity", name, {}, opts);
        const parent = { parent: this };
        const meta = labels({ name: "jenkins", instance: args.instance, component: "agent" });

        new k8s.core.v1.LimitRange(`${name}-limits`, {
            metadata: { name: "agent-defaults", namespace: args.namespace, labels: meta },
            spec: {
                limits: [{
                    type: "Container",
                    defaultRequest: args.limitRange.requests,
                    default: args.limitRange.limits,
                }],
            },
        }, parent);

        new k8s.core.v1.ResourceQuota(`${name}-quota`, {
            metadata: { name: "agent-quota", namespace: args.namespace, labels: meta },
            spec: {
                hard: {
                    "requests.cpu": args.quota.cpuRequests,
                    "requests.memory": args.quota.memoryRequests,
                    "limits.cpu": args.quota.cpuLimits,
                    "limits.memory": args.quota.memoryLimits,
                    pods: String(args.quota.pods),
                },
            },
        }, parent);

        for (const cache of args.caches) {
            const claim = new k8s.core.v1.PersistentVolumeClaim(`${name}-cache-${cache.name}`, {
                metadata: { name: cacheClaimName(cache.name), namespace: args.namespace, labels: meta },
                spec: {
                    accessModes: ["ReadWriteMany"],
                    storageClassName: args.storageClassName,
                    resources: { requests: { storage: cache.size } },
                },
            }, parent);
            this.cacheClaims[cache.name] = claim.metadata.name;
        }
        this.registerOutputs({ cacheClaims: this.cacheClaims });
    }
}
