import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AGENT_PORT, agentServiceName, HTTP_PORT } from "../lib/jcasc";
import { labels } from "../lib/labels";

/** Tells the web Service from the agent Service, which carries the same app labels (a ServiceMonitor selects on it). */
export const WEB_SERVICE_LABEL = { "jenkins-on-k8s/service": "web" } as const;

/**
 * The provider awaits a Service until its endpoints have "settled", a fixed 10 s after the last
 * endpoints update (pulumi-kubernetes pkg/await/service.go). The stack creates the Services after
 * the controller's Deployment is available, which already proves a ready pod behind them, so that
 * wait only costs time: it was most of `pulumi up` (npm run bench:engine).
 */
const NO_ENDPOINT_WAIT = { "pulumi.com/skipAwait": "true" };

/** Arguments of {@link JenkinsService}. */
export interface JenkinsServiceArgs {
    /** Name of the web Service: the controller's in-cluster host name; the agent Service adds `-agent`. */
    name: string;
    /** The Jenkins namespace. */
    namespace: pulumi.Input<string>;
    /** Labels selecting the controller pod. */
    selector: Record<string, string>;
    /** NodePort of the web UI (30000-32767); undefined: a ClusterIP Service (an Ingress serves the UI). */
    nodePort?: number;
    /** Further annotations of the web Service (e.g. Prometheus scrape hints). */
    annotations?: Record<string, string>;
    /**
     * NodePort that publishes the inbound agent port to agents outside the cluster; undefined keeps
     * the agent Service cluster-internal (ClusterIP), which is all in-cluster agents need.
     */
    agentNodePort?: number;
}

/**
 * How users and agents reach the controller, as the Jenkins chart splits it: a Service for the
 * web UI (8080; NodePort unless an Ingress serves the UI), and a separate `<name>-agent` Service for the inbound agent port (50000)
 * that stays ClusterIP unless agents outside the cluster are asked for.
 */
export class JenkinsService extends pulumi.ComponentResource {
    /** Name of the web Service. */
    readonly serviceName: pulumi.Output<string>;
    /** Name of the agent Service (the host of the cloud's jenkinsTunnel). */
    readonly agentServiceName: pulumi.Output<string>;
    readonly service: k8s.core.v1.Service;
    readonly agentService: k8s.core.v1.Service;

    constructor(name: string, args: JenkinsServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("jenkins-on-k8s:jenkins:JenkinsService", name, {}, opts);
        const meta = labels({ name: "jenkins", instance: args.name, component: "controller" });
        const nodePort = args.nodePort !== undefined;
        this.service = new k8s.core.v1.Service(`${name}-service`, {
            metadata: {
                name: args.name,
                namespace: args.namespace,
                labels: { ...meta, ...WEB_SERVICE_LABEL },
                annotations: { ...args.annotations, ...NO_ENDPOINT_WAIT },
            },
            spec: {
                type: nodePort ? "NodePort" : "ClusterIP",
                selector: args.selector,
                ports: [{ name: "http", port: HTTP_PORT, targetPort: "http", protocol: "TCP", ...(nodePort ? { nodePort: args.nodePort } : {}) }],
            },
        }, { parent: this });
        const external = args.agentNodePort !== undefined;
        this.agentService = new k8s.core.v1.Service(`${name}-agent-service`, {
            metadata: { name: agentServiceName(args.name), namespace: args.namespace, labels: meta, annotations: NO_ENDPOINT_WAIT },
            spec: {
                type: external ? "NodePort" : "ClusterIP",
                selector: args.selector,
                ports: [{
                    name: "agent", port: AGENT_PORT, targetPort: "agent", protocol: "TCP",
                    ...(external ? { nodePort: args.agentNodePort } : {}),
                }],
            },
        }, { parent: this });
        this.serviceName = this.service.metadata.name;
        this.agentServiceName = this.agentService.metadata.name;
        this.registerOutputs({ serviceName: this.serviceName, agentServiceName: this.agentServiceName });
    }
}
