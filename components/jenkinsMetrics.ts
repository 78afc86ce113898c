import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { labels } from "../lib/labels";

/** Where the prometheus plugin serves metrics; the trailing slash avoids its redirect. */
export const METRICS_PATH = "/prometheus/";

/** Annotations for a Prometheus that discovers Services by annotation (no operator). */
export function scrapeAnnotations(port: number): Record<string, string> {
    return { "prometheus.io/scrape": "true", "prometheus.io/path": METRICS_PATH, "prometheus.io/port": String(port) };
}

/** Arguments of {@link JenkinsMetrics}. */
export interface JenkinsMetricsArgs {
    /** Name of the ServiceMonitor (the Jenkins name). */
    name: string;
    /** The Jenkins namespace. */
    namespace: pulumi.Input<string>;
    /** Labels that select the web Service. */
    serviceLabels: Record<string, string>;
    /** Extra labels of the ServiceMonitor (what the Prometheus's serviceMonitorSelector wants). */
    extraLabels: Record<string, string>;
}

/**
 * A ServiceMonitor for the Prometheus operator, scraping the web Service's `http` port at
 * /prometheus/ every 60 s. Only created when the stack says the operator's CRDs are installed.
 */
export class JenkinsMetrics extends pulumi.ComponentResource {
    readonly serviceMonitor: k8s.apiextensions.CustomResource;

    constructor(name: string, args: JenkinsMetricsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("jenkins-on-k8s:jenkins:JenkinsMetrics", name, {}, opts);
        this.serviceMonitor = new k8s.apiextensions.CustomResource(`${name}-service-monitor`, {
            apiVersion: "monitoring.coreos.com/v1",
            kind: "ServiceMonitor",
            metadata: {
                name: args.name,
                namespace: args.namespace,
                labels: { ...args.extraLabels, ...labels({ name: "jenkins", instance: args.name, component: "controller" }) },
            },
            spec: {
                endpoints: [{ port: "http", path: METRICS_PATH, interval: "60s" }],
                namespaceSelector: { matchNames: [args.namespace] },
                selector: { matchLabels: args.serviceLabels },
            },
        }, { parent: this });
        this.registerOutputs({ serviceMonitorName: this.serviceMonitor.metadata.name });
    }
}
