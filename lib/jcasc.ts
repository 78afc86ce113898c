// The Jenkins Configuration as Code document, built as typed objects from plain config (never
// from resource outputs, so it is fully known at preview time and policies can read it) and
// serialised with a YAML library.
import { createHash } from "crypto";
import * as YAML from "yaml";
import { AGENT_WORKDIR, AgentCache, AgentContainer, AgentTemplate, StackConfig } from "../config";
import { AGENT_POD_LABEL, DOCKER_SOCKET, PART_OF } from "../policy/shared/conventions";

/** The environment variable the controller reads the admin password from (filled from the Secret). */
export const ADMIN_PASSWORD_ENV = "JENKINS_ADMIN_PASSWORD";
/** The inbound agent port, fixed so the Service and the cloud agree. */
export const AGENT_PORT = 50000;
/** The web port of the controller. */
export const HTTP_PORT = 8080;

export interface CascKeyValue { key: string; value: string }

/** A container of a pod template, as the Kubernetes plugin's JCasC reads it. */
export interface CascContainer {
    name: string;
    image: string;
    command: string;
    args: string;
    ttyEnabled: boolean;
    workingDir: string;
    resourceRequestCpu: string;
    resourceRequestMemory: string;
    resourceLimitCpu: string;
    resourceLimitMemory: string;
    resourceRequestEphemeralStorage?: string;
    resourceLimitEphemeralStorage?: string;
    envVars?: { envVar: CascKeyValue }[];
}

export type CascVolume =
    | { persistentVolumeClaim: { claimName: string; mountPath: string; readOnly: boolean } }
    | { emptyDirVolume: { mountPath: string; memory: boolean } }
    | { hostPathVolume: { hostPath: string; mountPath: string } };

export interface CascPodTemplate {
    /** Stable across restarts and reloads: derived from the template's content (see templateId). */
    id: string;
    name: string;
    label: string;
    namespace: string;
    idleMinutes: number;
    instanceCap: number;
    nodeSelector?: string;
    /** Raw pod YAML merged into the template: the plugin's PodTemplate has no field for pod labels. */
    yaml: string;
    containers: CascContainer[];
    volumes: CascVolume[];
    /**
     * The agent workspace: a scratch emptyDir on the node's disk. It is the plugin's default (which
     * it stores as null), written out so the file says where workspaces live.
     */
    workspaceVolume: { emptyDirWorkspaceVolume: { memory: boolean } };
}

export interface CascKubernetesCloud {
    name: string;
    serverUrl: string;
    namespace: string;
    jenkinsUrl: string;
    jenkinsTunnel: string;
    containerCapStr: string;
    connectTimeout: number;
    readTimeout: number;
    podLabels: CascKeyValue[];
    templates: CascPodTemplate[];
}

/** The subset of the JCasC schema this stack writes. */
export interface CascDocument {
    jenkins: {
        systemMessage: string;
        numExecutors: number;
        mode: "EXCLUSIVE" | "NORMAL";
        slaveAgentPort: number;
        disableRememberMe: boolean;
        securityRealm: { local: { allowsSignup: boolean; users: { id: string; password: string }[] } };
        authorizationStrategy: { loggedInUsersCanDoAnything: { allowAnonymousRead: boolean } };
        proxy?: { name: string; port: number; noProxyHost: string };
        updateCenter?: { sites: { id: string; url: string }[] };
        clouds: { kubernetes: CascKubernetesCloud }[];
    };
    unclassified: { location: { url: string } };
}

/** Name of the Service that carries the inbound agent port (the chart's `<name>-agent`). */
export function agentServiceName(jenkinsName: string): string {
    return `${jenkinsName}-agent`;
}

/** Host names the controller and agents derive from config (never typed twice). */
export function jenkinsHosts(cfg: StackConfig) {
    const { name, namespace, clusterDomain, nodeAddress, nodePort } = cfg.jenkins;
    const host = `${name}.${namespace}.svc.${clusterDomain}`;
    const nodePortUrl = nodePort !== undefined && nodeAddress !== "" ? `http://${nodeAddress}:${nodePort}` : undefined;
    return {
        inClusterUrl: `http://${host}:${HTTP_PORT}`,
        agentTunnel: `${agentServiceName(name)}.${namespace}.svc.${clusterDomain}:${AGENT_PORT}`,
        /** What users open: the Ingress's https URL when there is one, else the NodePort's. */
        externalUrl: cfg.ingress ? `https://${cfg.ingress.host}` : nodePortUrl ?? "",
        nodePortUrl,
        apiServer: `https://kubernetes.default.svc.${clusterDomain}`,
    };
}

/**
 * Cluster-internal domains and hosts that must never go through the HTTP proxy. One list for both
 * forms: Jenkins' noProxyHost takes `*.domain`, the NO_PROXY environment `.domain`.
 */
export function proxyBypass(cfg: StackConfig): { domains: string[]; hosts: string[] } {
    const { clusterDomain, namespace } = cfg.jenkins;
    // The user's entries: `.corp` and `*.corp` are domains (formatted per consumer), the rest hosts.
    const own = cfg.jenkins.proxy?.noProxy ?? [];
    const isDomain = (entry: string) => entry.startsWith(".") || entry.startsWith("*.");
    return {
        domains: [`svc.${clusterDomain}`, "svc", namespace, ...own.filter(isDomain).map(e => e.replace(/^\*?\./, ""))],
        hosts: ["localhost", "127.0.0.1", ...own.filter(e => !isDomain(e))],
    };
}

/** The proxy as the three consumers spell it: NO_PROXY, Java system properties, Jenkins' noProxyHost. */
export interface ProxySettings {
    host: string;
    port: number;
    /** http://host:port, for HTTP(S)_PROXY. */
    url: string;
    /** NO_PROXY: .domain and host entries, comma-separated. */
    noProxy: string;
    /** Java's proxy properties, for jenkins-plugin-cli (it reads only those). */
    javaOpts: string;
    /** Jenkins' noProxyHost: *.domain and host entries, one a line. */
    noProxyHost: string;
}

export function proxySettings(cfg: StackConfig): ProxySettings | undefined {
    const proxy = cfg.jenkins.proxy;
    if (!proxy) {
        return undefined;
    }
    const { domains, hosts } = proxyBypass(cfg);
    const wildcard = [...domains.map(d => `*.${d}`), ...hosts];
    const javaOpts = ["http", "https"].map(scheme => `-D${scheme}.proxyHost=${proxy.host} -D${scheme}.proxyPort=${proxy.port}`);
    return {
        host: proxy.host,
        port: proxy.port,
        url: `http://${proxy.host}:${proxy.port}`,
        noProxy: [...domains.map(d => `.${d}`), ...hosts].join(","),
        // http.nonProxyHosts also covers https; '|' separates, '*' is a wildcard.
        javaOpts: [...javaOpts, `-Dhttp.nonProxyHosts=${wildcard.join("|")}`].join(" "),
        noProxyHost: wildcard.join("\n"),
    };
}

/** Name of the claim backing an agent cache. */
export function cacheClaimName(cache: string): string {
    return `agent-cache-${cache}`;
}

/**
 * Maven options for a local repository that pods on several nodes share at `mountPath`: Maven
 * 3.9's resolver (1.9.27 in Maven 3.9.16) locks per artifact with lock files in the repository
 * (`file-lock`, with the file-system-friendly `file-gaecv` names it requires); its default locks
 * only coordinate threads of one JVM, and concurrent pods would read half-written artifacts.
 */
export function sharedMavenOpts(mountPath: string): string {
    return `-Dmaven.repo.local=${mountPath}/repository ` +
        "-Daether.syncContext.named.factory=file-lock -Daether.syncContext.named.nameMapper=file-gaecv";
}

function cascContainer(c: AgentContainer): CascContainer {
    const isJnlp = c.name === "jnlp";
    // Side containers idle on `cat` with a TTY until the pipeline execs steps into them;
    // the jnlp container runs its image's entrypoint.
    return {
        name: c.name,
        image: c.image,
        command: c.command ?? (isJnlp ? "" : "cat"),
        args: c.args ?? "",
        ttyEnabled: c.ttyEnabled && !isJnlp,
        workingDir: c.workingDir || AGENT_WORKDIR,
        resourceRequestCpu: c.resources.requests.cpu,
        resourceRequestMemory: c.resources.requests.memory,
        resourceLimitCpu: c.resources.limits.cpu,
        resourceLimitMemory: c.resources.limits.memory,
        ...(c.ephemeralStorage?.request ? { resourceRequestEphemeralStorage: c.ephemeralStorage.request } : {}),
        ...(c.ephemeralStorage?.limit ? { resourceLimitEphemeralStorage: c.ephemeralStorage.limit } : {}),
        ...(Object.keys(c.env).length > 0
            ? { envVars: Object.entries(c.env).map(([key, value]) => ({ envVar: { key, value } })) }
            : {}),
    };
}

/** A build container with MAVEN_OPTS for the template's maven cache, before the user's own options (which win). */
function withMavenCache(c: AgentContainer, t: AgentTemplate, caches: AgentCache[]): AgentContainer {
    const cache = t.volumes.find(v => v.type === "cache" && caches.find(x => x.name === v.cache)?.kind === "maven");
    if (!cache || c.name === "jnlp") {
        return c;
    }
    const own = c.env.MAVEN_OPTS;
    return { ...c, env: { ...c.env, MAVEN_OPTS: [sharedMavenOpts(cache.mountPath), ...(own ? [own] : [])].join(" ") } };
}

/**
 * A template id derived from the template's content, like the Jenkins chart's (helm-charts#271).
 * The kubernetes plugin gives a template without one a random UUID at every load; an agent pod
 * still running across a restart or JCasC reload then fails with "Unable to resolve pod template
 * from id=..." (helm-charts#270).
 */
export function templateId(template: Omit<CascPodTemplate, "id">): string {
    return createHash("sha256").update(JSON.stringify(template)).digest("hex");
}

function cascTemplate(t: AgentTemplate, namespace: string, caches: AgentCache[]): CascPodTemplate {
    const volumes: CascVolume[] = t.volumes.map(v => v.type === "cache"
        ? { persistentVolumeClaim: { claimName: cacheClaimName(v.cache), mountPath: v.mountPath, readOnly: false } }
        : { emptyDirVolume: { mountPath: v.mountPath, memory: v.memory } });
    if (t.mountDockerSocket) {
        volumes.push({ hostPathVolume: { hostPath: DOCKER_SOCKET, mountPath: DOCKER_SOCKET } });
    }
    const selector = Object.entries(t.nodeSelector).map(([k, v]) => `${k}=${v}`).join(",");
    const template: Omit<CascPodTemplate, "id"> = {
        name: t.name,
        label: t.label,
        namespace,
        idleMinutes: t.idleMinutes,
        instanceCap: t.instanceCap,
        ...(selector !== "" ? { nodeSelector: selector } : {}),
        yaml: YAML.stringify({
            metadata: { labels: { "app.kubernetes.io/component": "agent", "jenkins-on-k8s/template": t.name } },
        }),
        containers: t.containers.map(c => cascContainer(withMavenCache(c, t, caches))),
        volumes,
        workspaceVolume: { emptyDirWorkspaceVolume: { memory: false } },
    };
    return { id: templateId(template), ...template };
}

/**
 * JCasC resolves `${...}` in every string of jenkins.yaml when it loads it: environment variables
 * (the admin password among them), `readFile:` and more, recursively inside substituted values.
 * Every string the stack writes is therefore escaped the way JCasC escapes its own exports
 * (SecretSourceResolver.encode: `${` becomes `^${`), so Jenkins gets exactly what the user wrote.
 */
export function escapeCasc(text: string): string {
    return text.replace(/\$\{/g, "^${");
}

/** A copy of a document with every string escaped for JCasC. */
function escapeStrings<T>(value: T): T {
    if (typeof value === "string") {
        return escapeCasc(value) as T;
    }
    if (Array.isArray(value)) {
        return value.map(escapeStrings) as T;
    }
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [escapeCasc(k), escapeStrings(v)])) as T;
    }
    return value;
}

/** The one intended JCasC variable: the admin password, filled from the Secret at load time. */
export const ADMIN_PASSWORD_REFERENCE = `\${${ADMIN_PASSWORD_ENV}}`;

/** The JCasC document of a stack. */
export function buildCasc(cfg: StackConfig, stack: string): CascDocument {
    const hosts = jenkinsHosts(cfg);
    const { jenkins, agents } = cfg;
    const doc: CascDocument = {
        jenkins: {
            systemMessage: `Managed by Pulumi (${PART_OF}, stack ${stack}): changes made here are replaced at the next restart.`,
            numExecutors: 0, // builds run on agents only
            mode: "EXCLUSIVE",
            slaveAgentPort: AGENT_PORT,
            disableRememberMe: false,
            securityRealm: {
                local: {
                    allowsSignup: false,
                    // Set after escaping, below: the one string JCasC must resolve.
                    users: [{ id: jenkins.adminUser, password: "" }],
                },
            },
            authorizationStrategy: { loggedInUsersCanDoAnything: { allowAnonymousRead: false } },
            clouds: [{
                kubernetes: {
                    name: "kubernetes",
                    serverUrl: hosts.apiServer,
                    namespace: agents.namespace,
                    jenkinsUrl: hosts.inClusterUrl,
                    jenkinsTunnel: hosts.agentTunnel,
                    // The quota counts every pod of its namespace: leave the controller its place.
                    containerCapStr: String(agents.separateNamespace ? agents.quota.pods : agents.quota.pods - 1),
                    connectTimeout: 5,
                    readTimeout: 15,
                    podLabels: [
                        { key: AGENT_POD_LABEL, value: "true" },
                        { key: "app.kubernetes.io/part-of", value: PART_OF },
                        { key: "app.kubernetes.io/instance", value: jenkins.name },
                    ],
                    templates: agents.templates.map(t => cascTemplate(t, agents.namespace, agents.caches)),
                },
            }],
        },
        unclassified: { location: { url: `${hosts.externalUrl}/` } },
    };
    const proxy = proxySettings(cfg);
    if (proxy) {
        doc.jenkins.proxy = { name: proxy.host, port: proxy.port, noProxyHost: proxy.noProxyHost };
    }
    if (jenkins.updateCenterUrl) {
        doc.jenkins.updateCenter = { sites: [{ id: "default", url: jenkins.updateCenterUrl }] };
    }
    const escaped = escapeStrings(doc);
    escaped.jenkins.securityRealm.local.users[0].password = ADMIN_PASSWORD_REFERENCE;
    return escaped;
}

/** The JCasC document as the YAML text of the ConfigMap. */
export function renderCasc(doc: CascDocument): string {
    return YAML.stringify(doc, { lineWidth: 0 });
}

/** plugins.txt for jenkins-plugin-cli: one name:version a line. */
export function renderPlugins(cfg: StackConfig): string {
    return cfg.jenkins.plugins.join("\n") + "\n";
}

/** A short digest of the controller's configuration; in the pod template it restarts the pod on change. */
export function configChecksum(...parts: string[]): string {
    const hash = createHash("sha256");
    for (const part of parts) {
        hash.update(part).update("\0");
    }
    return hash.digest("hex");
}
