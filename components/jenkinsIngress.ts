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
    /**
     * Path prefixes the Ingress must not expose (the anonymous metrics endpoint): routed to a
     * Service without endpoints, so every ingress controller answers 503 for them.
     */
    blockedPaths: string[];
}

/** Labels no pod carries: the selector of the Service that backs blocked paths. */
const NO_POD = { "jenkins-on-k8s/no-backend": "true" };

/**
 * The web UI through an Ingress, always with TLS: the login form carries the admin password. The
 * Ingress is not awaited: an address depends on the cluster's ingress controller, not on Jenkins.
 */
export class JenkinsIngress extends pulumi.ComponentResource {
    readonly ingress: k8s.networking.v1.Ingress;

    constructor(name: string, args: JenkinsIngressArgs, opts?: pulumi.ComponentResourceOptions) {
        super("jenkins-on-k8s:jenkins:JenkinsIngress", name, {}, opts);
        const meta = labels({ name: "jenkins", instance: args.name, component: "controller" });
        // A Service that selects no pod: the Ingress's longest-prefix match sends blocked paths there.
        const deny = args.blockedPaths.length === 0 ? undefined : new k8s.core.v1.Service(`${name}-deny`, {
            metadata: { name: `${args.name}-deny`, namespace: args.namespace, labels: meta, annotations: { "pulumi.com/skipAwait": "true" } },
            spec: { type: "ClusterIP", selector: NO_POD, ports: [{ name: "http", port: 80, targetPort: 8080, protocol: "TCP" }] },
        }, { parent: this });
        const denied = deny ? args.blockedPaths.map(p => ({
            path: p, pathType: "Prefix", backend: { service: { name: deny.metadata.name, port: { number: 80 } } },
        })) : [];
        this.ingress = new k8s.networking.v1.Ingress(`${name}-ingress`, {
            metadata: {
                name: args.name,
                namespace: args.namespace,
                labels: meta,
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
                    http: { paths: [
                        { path: "/", pathType: "Prefix", backend: { service: { name: args.serviceName, port: { number: HTTP_PORT } } } },
                        ...denied,
                    ] },
                }],
            },
        }, { parent: this });
        this.registerOutputs({ ingressName: this.ingress.metadata.name });
    }
}
