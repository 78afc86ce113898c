import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { HTTP_PORT } from "../lib/jcasc";
import { labels } from "../lib/labels";

/** Arguments of {@link JenkinsIngress}. */
export interface JenkinsIngressArgs {
    /** Name of the Ingress and of the web Service it routes to (the Jenkins name). */
    name: string;
    /** The Jenkins namespace. */
    namespace: pulumi.Input<string>;
    /** Name of the web Service. */
    serviceName: pulumi.Input<string>;
    /** Host name users open. */
    host: string;
    /** IngressClass; undefined: the cluster's default class. */
    className?: string;
    /** Secret with the TLS certificate for the host. */
    tlsSecret: string;
    /** cert-manager ClusterIssuer that fills tlsSecret; undefined: the Secret is provided. */
    clusterIssuer?: string;
    /** Further annotations (the ingress controller's). */
    annotations: Record<string, string>;
}

/**
 * The web UI through an Ingress, always with TLS: the login form carries the admin password. The
 * Ingress is not awaited: an address depends on the cluster's ingress controller, not on Jenkins.
 */
export class JenkinsIngress extends pulumi.ComponentResource {
    readonly ingress: k8s.networking.v1.Ingress;

    constructor(name: string, args: JenkinsIngressArgs, opts?: pulumi.ComponentResourceOptions) {
        super("jenkins-on-k8s:jenkins:JenkinsIngress", name, {}, opts);
        this.ingress = new k8s.networking.v1.Ingress(`${name}-ingress`, {
            metadata: {
                name: args.name,
                namespace: args.namespace,
                labels: labels({ name: "jenkins", instance: args.name, component: "controller" }),
                annotations: {
                    ...args.annotations,
                    ...(args.clusterIssuer ? { "cert-manager.io/cluster-issuer": args.clusterIssuer } : {}),
                    "pulumi.com/skipAwait": "true",
                },
            },
            spec: {
                ...(args.className ? { ingressClassName: args.className } : {}),
                tls: [{ hosts: [args.host], secretName: args.tlsSecret }],
                rules: [{
                    host: args.host,
                    http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: args.serviceName, port: { number: HTTP_PORT } } } }] },
                }],
            },
        }, { parent: this });
        this.registerOutputs({ ingressName: this.ingress.metadata.name });
    }
}
