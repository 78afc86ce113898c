// Day two: the web UI through an Ingress with TLS, and Prometheus metrics, both opt-in.
import * as assert from "assert";
import * as YAML from "yaml";
import { CascDocument } from "../lib/jcasc";
import { evaluate } from "./harness/evaluate";
import { assertProblem, configErrorOf, manifest, manifests } from "./helpers";
import type { IIngress } from "kubernetes-models/networking.k8s.io/v1" with { "resolution-mode": "import" };
import type { IConfigMap, IService } from "kubernetes-models/v1" with { "resolution-mode": "import" };

const INGRESS = { ingressEnabled: "true", ingressHost: "ci.example.org" };

interface ServiceMonitorView {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace: string };
    spec: { endpoints: { port: string; path: string; interval: string }[]; selector: { matchLabels: Record<string, string> }; namespaceSelector: { matchNames: string[] } };
}

describe("Ingress with TLS (opt-in)", () => {
    it("routes the host to the web Service over TLS, with the class, issuer and annotations asked for", async () => {
        const e = await evaluate("dev", { overrides: {
            ...INGRESS, ingressClassName: "nginx", ingressClusterIssuer: "letsencrypt",
            ingressAnnotations: JSON.stringify({ "nginx.ingress.kubernetes.io/proxy-body-size": "50m" }),
        } });
        const ingress = manifest<IIngress>(e.resources, "Ingress", "jenkins");
        assert.strictEqual(ingress.metadata!.namespace, "devops");
        assert.deepStrictEqual(ingress.metadata!.annotations, {
            "nginx.ingress.kubernetes.io/proxy-body-size": "50m",
            "cert-manager.io/cluster-issuer": "letsencrypt",
            "pulumi.com/skipAwait": "true",
        });
        assert.strictEqual(ingress.spec!.ingressClassName, "nginx");
        assert.deepStrictEqual(ingress.spec!.tls, [{ hosts: ["ci.example.org"], secretName: "jenkins-tls" }]);
        assert.deepStrictEqual(ingress.spec!.rules, [{ host: "ci.example.org", http: { paths: [{
            path: "/", pathType: "Prefix", backend: { service: { name: "jenkins", port: { number: 8080 } } },
        }] } }]);
        const casc = YAML.parse(manifest<IConfigMap>(e.resources, "ConfigMap", "jenkins-config").data!["jenkins.yaml"]) as CascDocument;
        assert.strictEqual(casc.unclassified.location.url, "https://ci.example.org/", "Jenkins' own links follow the Ingress");
        assert.strictEqual(e.outputs.url, "https://ci.example.org");
    });

    it("keeps the anonymous metrics endpoint off the Ingress: /prometheus goes to a Service without pods", async () => {
        const e = await evaluate("dev", { overrides: { ...INGRESS, metricsEnabled: "true" } });
        const paths = manifest<IIngress>(e.resources, "Ingress", "jenkins").spec!.rules![0].http!.paths;
        assert.deepStrictEqual(paths.map(p => [p.path, p.pathType, p.backend.service!.name]), [["/", "Prefix", "jenkins"], ["/prometheus", "Prefix", "jenkins-deny"]]);
        const deny = manifest<IService>(e.resources, "Service", "jenkins-deny");
        assert.deepStrictEqual(deny.spec!.selector, { "jenkins-on-k8s/no-backend": "true" }, "a selector no pod of the stack carries");
        assert.strictEqual(deny.metadata!.annotations!["pulumi.com/skipAwait"], "true", "never awaited: it has no endpoints by design");
        for (const d of manifests<{ spec: { template: { metadata: { labels: Record<string, string> } } } }>(e.resources, "Deployment")) {
            assert.strictEqual(d.spec.template.metadata.labels["jenkins-on-k8s/no-backend"], undefined);
        }
        const noMetrics = await evaluate("dev", { overrides: INGRESS });
        assert.strictEqual(manifests(noMetrics.resources, "Service", "jenkins-deny").length, 0, "nothing to block without metrics");
    });

    it("keeps the NodePort unless it is set to 0, then the web Service is ClusterIP and no node address is needed", async () => {
        const both = await evaluate("dev", { overrides: INGRESS });
        assert.strictEqual(manifest<IService>(both.resources, "Service", "jenkins").spec!.type, "NodePort");
        const only = await evaluate("dev", { overrides: { ...INGRESS, serviceNodePort: "0", nodeAddress: "" } });
        const web = manifest<IService>(only.resources, "Service", "jenkins");
        assert.strictEqual(web.spec!.type, "ClusterIP");
        assert.deepStrictEqual(web.spec!.ports!.map(p => p.nodePort), [undefined]);
        assert.strictEqual(only.outputs.nodePortUrl, undefined);
        assert.strictEqual(manifests(await evaluate("dev").then(d => d.resources), "Ingress").length, 0, "no Ingress unless asked");
    });

    const cases: [string, Record<string, string>, string, RegExp, Record<string, string>][] = [
        ["an Ingress without a host", { ingressEnabled: "true" }, "ingressHost", /is required when ingressEnabled is true/, INGRESS],
        ["an IP address as the host", { ...INGRESS, ingressHost: "10.0.0.1" }, "ingressHost", /is an IP address; an Ingress host is a DNS name/, INGRESS],
        ["an upper-case host", { ...INGRESS, ingressHost: "CI.example.org" }, "ingressHost", /is not a DNS subdomain/, INGRESS],
        ["no NodePort and no Ingress", { serviceNodePort: "0" }, "serviceNodePort", /may be 0 only with ingressEnabled/, { ...INGRESS, serviceNodePort: "0" }],
        ["the admin Secret as the TLS Secret", { ...INGRESS, ingressTlsSecret: "jenkins-admin" }, "ingressTlsSecret", /must not be jenkins-admin: that Secret holds the admin password/,
            { ...INGRESS, ingressTlsSecret: "jenkins-admin-tls" }],
        ["annotations that are not strings", { ...INGRESS, ingressAnnotations: JSON.stringify({ a: 1 }) }, "ingressAnnotations", /must be a map of strings/,
            { ...INGRESS, ingressAnnotations: JSON.stringify({ a: "1" }) }],
    ];
    for (const [what, refused, key, pattern, nearMiss] of cases) {
        it(`refuses ${what}, accepts its near miss`, async () => {
            assertProblem(await configErrorOf("dev", { overrides: refused }), key, pattern);
            await evaluate("dev", { overrides: nearMiss });
        });
    }
});

describe("metrics (opt-in)", () => {
    it("installs the pinned prometheus plugin and annotates the web Service for scraping", async () => {
        const e = await evaluate("dev", { overrides: { metricsEnabled: "true" } });
        const plugins = manifest<IConfigMap>(e.resources, "ConfigMap", "jenkins-config").data!["plugins.txt"].trim().split("\n");
        assert.strictEqual(plugins[plugins.length - 1], "prometheus:852.v317db_5d17a_b_0");
        assert.deepStrictEqual(manifest<IService>(e.resources, "Service", "jenkins").metadata!.annotations, {
            "prometheus.io/scrape": "true", "prometheus.io/path": "/prometheus/", "prometheus.io/port": "8080", "pulumi.com/skipAwait": "true",
        });
        assert.strictEqual(manifests(e.resources, "ServiceMonitor").length, 0, "never a ServiceMonitor unless the CRDs are said to exist");
        const plain = await evaluate("dev");
        assert.ok(!manifest<IConfigMap>(plain.resources, "ConfigMap", "jenkins-config").data!["plugins.txt"].includes("prometheus"));
        assert.deepStrictEqual(manifest<IService>(plain.resources, "Service", "jenkins").metadata!.annotations, { "pulumi.com/skipAwait": "true" });
    });

    it("creates a ServiceMonitor on the web Service's http port when asked", async () => {
        const e = await evaluate("prod");
        const monitor = manifest<ServiceMonitorView>(e.resources, "ServiceMonitor", "jenkins");
        assert.strictEqual(monitor.apiVersion, "monitoring.coreos.com/v1");
        // The CRD requires spec.selector and spec.endpoints; port names a Service port.
        assert.deepStrictEqual(monitor.spec.endpoints, [{ port: "http", path: "/prometheus/", interval: "60s" }]);
        assert.deepStrictEqual(monitor.spec.namespaceSelector, { matchNames: ["jenkins"] });
        const web = manifest<IService>(e.resources, "Service", "jenkins");
        assert.ok(web.spec!.ports!.some(p => p.name === "http"));
        for (const [k, v] of Object.entries(monitor.spec.selector.matchLabels)) {
            assert.strictEqual(web.metadata!.labels![k], v, `the selector picks the web Service (${k})`);
        }
        const agent = manifest<IService>(e.resources, "Service", "jenkins-agent");
        assert.ok(Object.entries(monitor.spec.selector.matchLabels).some(([k, v]) => agent.metadata!.labels![k] !== v),
            "and not the agent Service, which shares the app labels");
    });

    it("labels the ServiceMonitor for the Prometheus that should pick it up", async () => {
        const e = await evaluate("prod", { overrides: { metricsServiceMonitorLabels: JSON.stringify({ release: "kube-prometheus-stack" }) } });
        const monitor = manifest<ServiceMonitorView & { metadata: { labels: Record<string, string> } }>(e.resources, "ServiceMonitor", "jenkins");
        assert.strictEqual(monitor.metadata.labels.release, "kube-prometheus-stack");
        assert.strictEqual(monitor.metadata.labels["app.kubernetes.io/name"], "jenkins", "the stack's own labels stay");
        assertProblem(await configErrorOf("prod", { overrides: { metricsServiceMonitorLabels: JSON.stringify({ release: "a,b" }) } }),
            "metricsServiceMonitorLabels", /"a,b" is not a label value/);
    });

    it("refuses a ServiceMonitor without metrics, and a metrics plugin that is not a pinned prometheus", async () => {
        assertProblem(await configErrorOf("dev", { overrides: { metricsServiceMonitor: "true" } }), "metricsServiceMonitor", /needs metricsEnabled/);
        assertProblem(await configErrorOf("dev", { overrides: { metricsEnabled: "true", metricsPlugin: "prometheus:latest" } }), "metricsPlugin",
            /must be prometheus:<pinned version>/);
        assertProblem(await configErrorOf("dev", { overrides: { metricsEnabled: "true", jenkinsExtraPlugins: JSON.stringify(["prometheus:1.0"]) } }),
            "metricsPlugin", /plugin prometheus is listed twice/);
    });
});
