// Typed stack configuration: the key table (keys.ts), a reader that collects every problem
// (reader.ts), one module per area, and the shared rules (rules.ts). loadConfig reads and
// validates every key and reports every problem in ONE error before the program registers any
// resource; values that are legal but almost surely mistakes become Pulumi warnings.
import * as pulumi from "@pulumi/pulumi";
import { checkQuotaRoom, readAgents } from "./agents";
import { readExternalAccess } from "./externalAccess";
import { readIngress, readMetrics } from "./ingress";
import { readJenkins } from "./jenkins";
import { CONFIG_KEYS, PROJECT } from "./keys";
import { ConfigError, ConfigSource, pulumiConfigSource, Reader, unknownKeyProblems } from "./reader";
import { readStorage } from "./storage";
import { StackConfig } from "./types";

export { CONFIG_KEYS, isDeclared, KeySpec, KeyType, PROJECT, REQUIRED_PLUGINS } from "./keys";
export { ConfigError, ConfigProblem, ConfigSource, pulumiConfigSource } from "./reader";
export { AGENT_WORKDIR, TEMPLATE_FIELD_RULES } from "./templates";
export * from "./types";

/** Where warnings go: Pulumi's log in the program, a list in tests. */
export type WarningSink = (key: string, message: string) => void;

const pulumiWarnings: WarningSink = (key, message) => void pulumi.log.warn(`${PROJECT}:${key}: ${message}`);

/** Objects that two keys could name alike, in the same namespace. */
function nameClashes(r: Reader, cfg: StackConfig): void {
    const { storage, jenkins, agents, externalAccess } = cfg;
    if (storage.provisioner && storage.provisioner.namespace === jenkins.namespace && !r.bad("nfsProvisionerNamespace", "jenkinsNamespace")) {
        r.problem("nfsProvisionerNamespace", `must differ from jenkinsNamespace (${jenkins.namespace}): each is created by the stack`);
    }
    if (agents.separateNamespace && agents.namespace === storage.provisioner?.namespace && !r.bad("agentNamespace", "nfsProvisionerNamespace")) {
        r.problem("agentNamespace", `must differ from nfsProvisionerNamespace (${agents.namespace})`);
    }
    if (cfg.ingress && cfg.ingress.tlsSecret === `${jenkins.name}-admin` && !r.bad("ingressTlsSecret")) {
        r.problem("ingressTlsSecret", `must not be ${jenkins.name}-admin: that Secret holds the admin password, and cert-manager would overwrite it`);
    }
    if (externalAccess && !r.bad("externalAccessServiceAccount")) {
        // The external ServiceAccount and its RoleBinding live in the agent namespace.
        if (externalAccess.serviceAccount === jenkins.serviceAccount && !agents.separateNamespace) {
            r.problem("externalAccessServiceAccount", `must differ from jenkinsServiceAccount (${jenkins.serviceAccount}): both are in namespace ${agents.namespace}`);
        }
        if (externalAccess.serviceAccount === `${jenkins.name}-agents`) {
            r.problem("externalAccessServiceAccount", `must not be ${jenkins.name}-agents: that is the name of the controller's RoleBinding in namespace ${agents.namespace}`);
        }
    }
}

/**
 * Keys the stack stores as secrets although the stack writes their values into Kubernetes objects
 * in plain text (ConfigMaps, pod specs): refused, rather than dropping the secrecy without a word.
 */
function secretsWrittenInPlainText(r: Reader): void {
    for (const key of r.source.keys()) {
        if (Object.hasOwn(CONFIG_KEYS, key) && !CONFIG_KEYS[key].secret && r.source.isSecret(key)) {
            r.problem(key, "is stored as a secret, but the stack writes it into Kubernetes objects in plain text: set it without --secret, " +
                "and keep credentials out of it");
        }
    }
}

/** Settings of a feature that is switched off: legal, but almost surely a mistake. */
function unusedSettings(r: Reader, cfg: StackConfig): void {
    const unused = (keys: string[], why: string) => {
        for (const key of keys.filter(k => r.isSet(k))) {
            r.warn(key, `is ignored: ${why}`);
        }
    };
    if (!cfg.storage.provisioner) {
        unused(["nfsServer", "nfsPath", "nfsProvisionerName", "nfsProvisionerImage", "nfsProvisionerNamespace", "storageClassDefault",
            "storageArchiveOnDelete", "storageReclaimPolicy", "storageMountOptions"], "nfsProvisionerEnabled is false (the stack uses an existing StorageClass)");
    }
    if (!cfg.externalAccess) {
        unused(["externalAccessServiceAccount", "externalAccessApiServer"], "externalAccessEnabled is false");
    }
    if (!cfg.ingress) {
        unused(["ingressHost", "ingressClassName", "ingressTlsSecret", "ingressClusterIssuer", "ingressAnnotations"], "ingressEnabled is false");
    }
    if (!cfg.metrics) {
        unused(["metricsPlugin", "metricsServiceMonitorLabels"], "metricsEnabled is false");
    } else if (!cfg.metrics.serviceMonitor) {
        unused(["metricsServiceMonitorLabels"], "metricsServiceMonitor is false");
    }
    if (cfg.agents.templates.length === 0 && !r.bad("agentTemplates")) {
        r.warn("agentTemplates", "is an empty list: no agent can start, and builds wait forever");
    }
}

/**
 * Reads and validates the whole configuration. Throws one ConfigError naming every bad key; call
 * it before creating any resource. Warnings go to `warn` (Pulumi's log by default).
 */
export function loadConfig(source: ConfigSource = pulumiConfigSource(), warn: WarningSink = pulumiWarnings): StackConfig {
    const r = new Reader(source);
    unknownKeyProblems(r, source.keys());
    const storage = readStorage(r);
    const metrics = readMetrics(r);
    const ingressEnabled = r.boolean("ingressEnabled");
    const jenkins = readJenkins(r, ingressEnabled, metrics?.plugin);
    const ingress = readIngress(r, jenkins.name);
    const agents = readAgents(r, jenkins.namespace);
    const externalAccess = readExternalAccess(r);
    const cfg: StackConfig = { storage, jenkins, agents, externalAccess, ingress, metrics };
    nameClashes(r, cfg);
    checkQuotaRoom(r, jenkins, agents);
    secretsWrittenInPlainText(r);
    unusedSettings(r, cfg);
    if (r.problems.length > 0) {
        throw new ConfigError(r.problems);
    }
    for (const { key, message } of r.warnings) {
        warn(key, message);
    }
    return cfg;
}
