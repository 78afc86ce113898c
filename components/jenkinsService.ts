import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AGENT_PORT, HTTP_PORT } from "../lib/jcasc";
import { labels } from "../lib/labels";

/** Arguments of {@link JenkinsService}. */
export interface JenkinsServiceArgs {
    /** Name of the Service: the controller's in-cluster host name. */
    name: string;
    /** The Jenkins namespace. */
    namespace: pulumi.Input<string>;
    /** Labels selecting the controller pod. */
    selector: Record<string, string>;
    /** NodePort of the web UI (30000-32767). */
    nodePort: number;
    /** NodePort of the inbound agent port; assigned by Kubernetes when undefined. */
    agentNodePort?: number;
}

/** The NodePort Service for the web UI (8080) and the inbound agent port (50000). */
export class JenkinsService extends pulumi.ComponentResource {
    /** Name of the Service. */
    readonly serviceName: pulumi.Output<string>;
    readonly service: k8s.core.v1.Service;

    constructor(name: string, args: JenkinsServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("jenkins-on-k8s:jenkins:JenkinsService", name, {}, opts);
        this.service = new k8s.core.v1.Service(`${name}-service`, {
            metadata: {
                name: args.name,
                namespace: args.namespace,
                labels: labels({ name: "jenkins", instance: args.name, component: "controller" }),
            },
            spec: {
                type: "NodePort",
                selector: args.selector,
                ports: [
                    { name: "http", port: HTTP_PORT, targetPort: "http", protocol: "TCP", nodePort: args.nodePort },
                    { name: "agent", port: AGENT_PORT, targetPort: "agent", protocol: "TCP", nodePort: args.agentNodePort },
                ],
            },
        }, { parent: this });
        this.serviceName = this.service.metadata.name;
        this.registerOutputs({ serviceName: this.serviceName });
    }
}
