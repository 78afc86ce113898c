// Rule 9: an Ingress to Jenkins serves every host over TLS. Mandatory: the login form carries
// the admin password, and plain HTTP would hand it to anyone on the path.
import { ResourceValidationPolicy } from "@pulumi/policy";

interface IngressView {
    metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
    spec?: {
        tls?: { hosts?: string[]; secretName?: string }[];
        rules?: { host?: string }[];
        defaultBackend?: unknown;
    };
}

export const ingressTls: ResourceValidationPolicy = {
    name: "ingress-tls",
    description: "Every Ingress to Jenkins (labelled app.kubernetes.io/name=jenkins) has TLS, with a Secret, for every host it serves.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (args.type !== "kubernetes:networking.k8s.io/v1:Ingress") {
            return;
        }
        const ingress = args.props as IngressView;
        if (ingress.metadata?.labels?.["app.kubernetes.io/name"] !== "jenkins") {
            return;
        }
        const where = `Ingress ${ingress.metadata?.namespace ?? "?"}/${ingress.metadata?.name ?? "?"}`;
        const tls = ingress.spec?.tls ?? [];
        if (tls.length === 0) {
            reportViolation(`${where} serves Jenkins without TLS: the admin password would cross the network in clear text.`);
            return;
        }
        const covered = new Set(tls.filter(t => t.secretName).flatMap(t => t.hosts ?? []));
        for (const t of tls.filter(t => !t.secretName)) {
            reportViolation(`${where} has a TLS entry for ${(t.hosts ?? []).join(", ") || "no host"} without a Secret.`);
        }
        const hosts = (ingress.spec?.rules ?? []).map(r => r.host);
        if (hosts.some(h => h === undefined) || ingress.spec?.defaultBackend !== undefined) {
            reportViolation(`${where} answers requests for any host, which no certificate covers: give every rule a host.`);
        }
        for (const host of hosts.filter((h): h is string => h !== undefined && !covered.has(h))) {
            reportViolation(`${where} serves ${host} without a TLS certificate for it.`);
        }
    },
};
