// ingress and metrics: the web UI through an Ingress with TLS, and Prometheus metrics.
import { Reader } from "./reader";
import { dnsSubdomainProblem, labelKeyProblem, labelValueProblem, show } from "./rules";
import { IngressConfig, MetricsConfig } from "./types";

export function readIngress(r: Reader, jenkinsName: string): IngressConfig | undefined {
    if (!r.boolean("ingressEnabled")) {
        return undefined;
    }
    const host = r.required("ingressHost", "when ingressEnabled is true");
    if (host !== "" && !r.bad("ingressHost")) {
        // A certificate names a host; an IP address is no Ingress host (networking/v1 validation).
        const problem = /^[0-9.]+$/.test(host) ? `${show(host)} is an IP address; an Ingress host is a DNS name` : dnsSubdomainProblem(host);
        if (problem) {
            r.problem("ingressHost", problem);
        }
    }
    const className = r.checked("ingressClassName", dnsSubdomainProblem);
    const tlsSecret = r.checked("ingressTlsSecret", dnsSubdomainProblem);
    const clusterIssuer = r.checked("ingressClusterIssuer", dnsSubdomainProblem);
    const annotations = r.stringMap("ingressAnnotations", "strings", key => labelKeyProblem(key)?.replace("label key", "annotation key"));
    return {
        host,
        className: className === "" ? undefined : className,
        tlsSecret: tlsSecret === "" ? `${jenkinsName}-tls` : tlsSecret,
        clusterIssuer: clusterIssuer === "" ? undefined : clusterIssuer,
        annotations,
    };
}

export function readMetrics(r: Reader): MetricsConfig | undefined {
    const serviceMonitor = r.boolean("metricsServiceMonitor");
    if (!r.boolean("metricsEnabled")) {
        if (serviceMonitor) {
            r.problem("metricsServiceMonitor", "needs metricsEnabled: without the prometheus plugin there is nothing to scrape");
        }
        return undefined;
    }
    const plugin = r.checked("metricsPlugin", v => /^prometheus:[A-Za-z0-9][A-Za-z0-9_.+-]*$/.test(v) && !/:(latest|experimental)$/.test(v)
        ? undefined : `${show(v)} must be prometheus:<pinned version>`);
    const serviceMonitorLabels = r.stringMap("metricsServiceMonitorLabels", "label keys to label values",
        (key, value) => labelKeyProblem(key) ?? labelValueProblem(value));
    return { plugin, serviceMonitor, serviceMonitorLabels };
}
