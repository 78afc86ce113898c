// Typed stack configuration: one table declares every key (type, description, default), one
// function reads and validates them all and reports every problem in ONE error before the
// program registers any resource. Pulumi.yaml's `config:` block and the README's reference
// are generated from the same table (scripts/generateDocs.ts), and a test keeps them in sync.
import * as pulumi from "@pulumi/pulumi";
import { unpinnedImageReason } from "./policy/lib/images";
import { checkJavaOpts } from "./lib/cascSchema";
import { heapFitProblem, NON_HEAP_RESERVE } from "./lib/jvm";
import { parseQuantity } from "./policy/lib/quantity";

/** The Pulumi project name; every key below lives in its namespace (`jenkins-on-k8s:<key>`). */
export const PROJECT = "jenkins-on-k8s";

/** Types a key can declare in Pulumi.yaml; `object` keys hold structured YAML and are not declared there. */
export type KeyType = "string" | "integer" | "boolean" | "array" | "object";

/** One configuration key. */
export interface KeySpec {
    /** Area the key belongs to; keys are grouped (and prefixed) by area. */
    readonly area: string;
    readonly type: KeyType;
    readonly description: string;
    /** Value used when the stack does not set the key ("" for a required string); absent: optional, undeclared. */
    readonly default?: string | number | boolean | readonly string[];
    /** The value is a secret: set it with `pulumi config set --secret`. */
    readonly secret?: boolean;
}

/**
 * Whether Pulumi.yaml declares the key. The CLI requires every declared key that has no default,
 * so optional keys without a value (secrets, structured YAML) are documented but not declared.
 */
export function isDeclared(spec: KeySpec): boolean {
    return spec.type !== "object" && spec.default !== undefined;
}

/**
 * Half the memory limit as heap (the rest for metaspace, code cache and threads: lib/jvm.ts), and
 * the seed's tunings of the node provisioner (start agents without delay).
 */
const DEFAULT_JAVA_OPTS =
    "-XX:MaxRAMPercentage=50 -Dhudson.slaves.NodeProvisioner.initialDelay=0 " +
    "-Dhudson.slaves.NodeProvisioner.MARGIN=50 -Dhudson.slaves.NodeProvisioner.MARGIN0=0.85";

/** The plugins a working controller needs; pinned like the upstream Helm chart pins them. */
export const REQUIRED_PLUGINS = ["kubernetes", "workflow-aggregator", "git", "configuration-as-code"] as const;

function resourceKeys(prefix: string, area: string, what: string, d: [string, string, string, string]) {
    return {
        [`${prefix}CpuRequest`]: { area, type: "string", description: `CPU request of ${what}.`, default: d[0] },
        [`${prefix}MemoryRequest`]: { area, type: "string", description: `Memory request of ${what}.`, default: d[1] },
        [`${prefix}CpuLimit`]: { area, type: "string", description: `CPU limit of ${what}.`, default: d[2] },
        [`${prefix}MemoryLimit`]: { area, type: "string", description: `Memory limit of ${what}.`, default: d[3] },
    } as Record<string, KeySpec>;
}

/** Every configuration key of the project, in documentation order. */
export const CONFIG_KEYS: Readonly<Record<string, KeySpec>> = {
    // --- storage: the NFS provisioner and the StorageClass
    nfsProvisionerEnabled: {
        area: "storage", type: "boolean", default: true,
        description: "Deploy the NFS subdir external provisioner; false to use an existing StorageClass named storageClassName.",
    },
    nfsServer: {
        area: "storage", type: "string", default: "",
        description: "Address of the existing NFS server (required when nfsProvisionerEnabled).",
    },
    nfsPath: {
        area: "storage", type: "string", default: "",
        description: "Exported path on the NFS server (required when nfsProvisionerEnabled).",
    },
    nfsProvisionerName: {
        area: "storage", type: "string", default: "fuseim.pri/ifs",
        description: "Provisioner name shared by the provisioner (PROVISIONER_NAME) and the StorageClass.",
    },
    nfsProvisionerImage: {
        area: "storage", type: "string",
        default: "registry.k8s.io/sig-storage/nfs-subdir-external-provisioner:v4.0.2",
        description: "Pinned image of the NFS subdir external provisioner.",
    },
    nfsProvisionerNamespace: {
        area: "storage", type: "string", default: "nfs-provisioner",
        description: "Namespace the stack creates for the provisioner.",
    },
    ...resourceKeys("nfsProvisioner", "storage", "the provisioner container", ["10m", "32Mi", "100m", "128Mi"]),
    storageClassName: {
        area: "storage", type: "string", default: "managed-nfs-storage",
        description: "StorageClass for JENKINS_HOME and agent caches: created by the stack, or an existing one.",
    },
    storageClassDefault: {
        area: "storage", type: "boolean", default: true,
        description: "Mark the created StorageClass as the cluster default.",
    },
    storageArchiveOnDelete: {
        area: "storage", type: "boolean", default: false,
        description: "Archive (true) or delete (false) a volume's NFS directory when its claim is deleted.",
    },
    storageReclaimPolicy: {
        area: "storage", type: "string", default: "Delete",
        description: "Reclaim policy of the created StorageClass: Delete or Retain.",
    },
    storageMountOptions: {
        area: "storage", type: "array", default: [],
        description: "NFS mount options of the created StorageClass, e.g. [nfsvers=4.1, hard].",
    },
    // --- jenkins: the controller
    jenkinsNamespace: {
        area: "jenkins", type: "string", default: "devops",
        description: "Namespace the stack creates for the Jenkins controller.",
    },
    jenkinsName: {
        area: "jenkins", type: "string", default: "jenkins",
        description: "Name of the controller Deployment and Service (the in-cluster host name); the agent Service is <name>-agent.",
    },
    jenkinsServiceAccount: {
        area: "jenkins", type: "string", default: "jenkins-sa",
        description: "ServiceAccount of the controller; the Kubernetes plugin uses it to start agents.",
    },
    jenkinsImage: {
        area: "jenkins", type: "string", default: "jenkins/jenkins:2.568.2-jdk21",
        description: "Pinned Jenkins LTS image (never latest); change it to upgrade.",
    },
    jenkinsHomeSize: {
        area: "jenkins", type: "string", default: "5Gi",
        description: "Size of the ReadWriteMany claim holding JENKINS_HOME.",
    },
    jenkinsHomeProtect: {
        area: "jenkins", type: "boolean", default: false,
        description: "Protect the JENKINS_HOME claim from deletion by Pulumi (set true in production).",
    },
    jenkinsFixPermissions: {
        area: "jenkins", type: "boolean", default: false,
        description: "Run an init container that gives JENKINS_HOME to uid 1000 (for NFS exports owned by root).",
    },
    // 2Gi fits a 1Gi heap plus the non-heap memory of ~80 plugins; request = limit, so the
    // controller is not the first pod evicted under memory pressure.
    ...resourceKeys("jenkins", "jenkins", "the controller (and its init containers)", ["500m", "2Gi", "2", "2Gi"]),
    jenkinsJavaOpts: {
        area: "jenkins", type: "string", default: DEFAULT_JAVA_OPTS,
        description: "JAVA_OPTS of the controller (heap sizing and node provisioning tunings); the heap must leave " +
            `${NON_HEAP_RESERVE / 2 ** 20}Mi of jenkinsMemoryLimit for the rest of the JVM.`,
    },
    jenkinsTimezone: {
        area: "jenkins", type: "string", default: "Asia/Shanghai",
        description: "IANA time zone of the controller (TZ and -Duser.timezone).",
    },
    jenkinsAdminUser: {
        area: "jenkins", type: "string", default: "admin",
        description: "User name of the Jenkins administrator.",
    },
    jenkinsAdminPassword: {
        area: "jenkins", type: "string", secret: true,
        description: "Administrator password (set with --secret); generated with @pulumi/random when unset.",
    },
    jenkinsPlugins: {
        area: "jenkins", type: "array",
        default: [
            "kubernetes:4423.vb_59f230b_ce53",
            "workflow-aggregator:608.v67378e9d3db_1",
            "git:5.10.1",
            "configuration-as-code:2115.vf6de120eef70",
        ],
        description: "Pinned plugins (name:version) installed before the controller starts; must include " +
            REQUIRED_PLUGINS.join(", ") + ".",
    },
    jenkinsExtraPlugins: {
        area: "jenkins", type: "array", default: [],
        description: "Further pinned plugins (name:version) the stack adds to jenkinsPlugins.",
    },
    jenkinsUpdateCenterUrl: {
        area: "jenkins", type: "string", default: "",
        description: "Update-center mirror used to download plugins (empty: the Jenkins default).",
    },
    jenkinsProxy: {
        area: "jenkins", type: "string", default: "",
        description: "HTTP proxy for plugin downloads and Jenkins, as http://host:port (empty: none).",
    },
    jenkinsNoProxy: {
        area: "jenkins", type: "string", default: "",
        description: "Comma-separated hosts that bypass jenkinsProxy (the cluster's own are always added).",
    },
    // --- service: how users and agents reach the controller
    serviceNodePort: {
        area: "service", type: "integer", default: 30001,
        description: "NodePort of the web UI (30000-32767).",
    },
    serviceAgentNodePort: {
        area: "service", type: "integer", default: 0,
        description: "NodePort that publishes the inbound agent port 50000 to agents outside the cluster (30000-32767); " +
            "0 keeps it in-cluster on the ClusterIP Service <jenkinsName>-agent.",
    },
    nodeAddress: {
        area: "service", type: "string", default: "",
        description: "Host name or IP address of a node, used to build the exported url (required).",
    },
    clusterDomain: {
        area: "service", type: "string", default: "cluster.local",
        description: "DNS domain of the cluster, used for the in-cluster Jenkins URL and agent tunnel.",
    },
    // --- agents: the Kubernetes cloud
    agentNamespace: {
        area: "agents", type: "string", default: "",
        description: "Namespace where agent pods run (empty: the Jenkins namespace; otherwise created by the stack).",
    },
    agentInboundImage: {
        area: "agents", type: "string", default: "jenkins/inbound-agent:3385.vf1123fb_515da_-1",
        description: "Pinned image of the jnlp container every agent pod gets.",
    },
    ...resourceKeys("agentJnlp", "agents", "the jnlp container of every agent pod", ["100m", "256Mi", "500m", "512Mi"]),
    ...resourceKeys("agentDefault", "agents", "agent containers that set none (LimitRange default)", ["250m", "256Mi", "1", "1Gi"]),
    agentQuotaCpuRequests: {
        area: "agents", type: "string", default: "8",
        description: "ResourceQuota of the agent namespace: total CPU requests.",
    },
    agentQuotaMemoryRequests: {
        area: "agents", type: "string", default: "16Gi",
        description: "ResourceQuota of the agent namespace: total memory requests.",
    },
    agentQuotaCpuLimits: {
        area: "agents", type: "string", default: "16",
        description: "ResourceQuota of the agent namespace: total CPU limits.",
    },
    agentQuotaMemoryLimits: {
        area: "agents", type: "string", default: "32Gi",
        description: "ResourceQuota of the agent namespace: total memory limits.",
    },
    agentQuotaPods: {
        area: "agents", type: "integer", default: 20,
        description: "ResourceQuota of the agent namespace: number of pods.",
    },
    agentTemplates: {
        area: "agents", type: "object",
        description: "Agent pod templates (a YAML list; see \"Agent pod templates\"). Default: one template named default.",
    },
    agentCaches: {
        area: "agents", type: "object",
        description: "Shared ReadWriteMany caches for agents, as a list of {name, size, kind}; templates mount them by name; " +
            "kind maven (default generic) makes Maven use it safely from many pods at once.",
    },
    // --- externalAccess: a Jenkins outside the cluster
    externalAccessEnabled: {
        area: "externalAccess", type: "boolean", default: false,
        description: "Create a ServiceAccount and token for a Jenkins outside the cluster (agent rights only).",
    },
    externalAccessServiceAccount: {
        area: "externalAccess", type: "string", default: "jenkins-external",
        description: "Name of that ServiceAccount (in the agent namespace).",
    },
    externalAccessApiServer: {
        area: "externalAccess", type: "string", default: "",
        description: "API server URL the outside Jenkins uses (https://...; required when externalAccessEnabled).",
    },
};

/** CPU and memory requests and limits of one container, as Kubernetes quantities. */
export interface ContainerResources {
    requests: { cpu: string; memory: string };
    limits: { cpu: string; memory: string };
}

/** The NFS provisioner, present when the stack deploys it. */
export interface NfsProvisionerConfig {
    /** Address of the existing NFS server. */
    server: string;
    /** Exported path on that server; each claim gets a sub-directory of it. */
    path: string;
    /** Provisioner name: PROVISIONER_NAME of the Deployment and `provisioner` of the StorageClass. */
    provisionerName: string;
    /** Pinned image of the nfs-subdir-external-provisioner. */
    image: string;
    /** Namespace created for the provisioner. */
    namespace: string;
    /** Requests and limits of the provisioner container. */
    resources: ContainerResources;
}

export interface StorageConfig {
    /** Undefined when the stack uses an existing StorageClass. */
    provisioner?: NfsProvisionerConfig;
    className: string;
    isDefault: boolean;
    archiveOnDelete: boolean;
    reclaimPolicy: "Delete" | "Retain";
    mountOptions: string[];
}

export interface JenkinsConfig {
    namespace: string;
    name: string;
    serviceAccount: string;
    image: string;
    homeSize: string;
    protectHome: boolean;
    fixPermissions: boolean;
    resources: ContainerResources;
    javaOpts: string;
    timezone: string;
    adminUser: string;
    /** Set when the stack provides the password as secret config. */
    adminPassword?: pulumi.Output<string>;
    /** Every plugin as name:version, the required ones first. */
    plugins: string[];
    updateCenterUrl?: string;
    proxy?: { host: string; port: number; noProxy: string[] };
    nodePort: number;
    agentNodePort?: number;
    nodeAddress: string;
    clusterDomain: string;
}

/** One container of an agent pod template. */
export interface AgentContainer {
    name: string;
    image: string;
    command?: string;
    args?: string;
    workingDir: string;
    ttyEnabled: boolean;
    env: Record<string, string>;
    resources: ContainerResources;
}

/** A volume of an agent pod template: a shared cache claim or a scratch directory. */
export type AgentVolume =
    | { type: "cache"; cache: string; mountPath: string }
    | { type: "emptyDir"; mountPath: string; memory: boolean };

/** An agent pod template of the Kubernetes cloud. */
export interface AgentTemplate {
    name: string;
    label: string;
    /** Every container; the first is always the jnlp container. */
    containers: AgentContainer[];
    volumes: AgentVolume[];
    idleMinutes: number;
    instanceCap: number;
    nodeSelector: Record<string, string>;
    mountDockerSocket: boolean;
}

/** A shared ReadWriteMany claim agents mount by name (e.g. the Maven repository). */
export interface AgentCache {
    name: string;
    size: string;
    /**
     * "maven": a Maven local repository shared by pods on several nodes; containers of templates
     * that mount it get MAVEN_OPTS for it with named file locks (lib/jcasc.ts sharedMavenOpts).
     */
    kind: "generic" | "maven";
}

export interface AgentsConfig {
    /** Resolved: the Jenkins namespace unless agentNamespace is set. */
    namespace: string;
    /** True when agents run in a namespace of their own that the stack creates. */
    separateNamespace: boolean;
    inboundImage: string;
    templates: AgentTemplate[];
    caches: AgentCache[];
    limitRange: ContainerResources;
    quota: { cpuRequests: string; memoryRequests: string; cpuLimits: string; memoryLimits: string; pods: number };
}

export interface ExternalAccessConfig {
    serviceAccount: string;
    apiServer: string;
}

/** The whole, validated configuration of a stack. */
export interface StackConfig {
    storage: StorageConfig;
    jenkins: JenkinsConfig;
    agents: AgentsConfig;
    externalAccess?: ExternalAccessConfig;
}

/** One bad key and why. */
export interface ConfigProblem {
    key: string;
    message: string;
}

/**
 * Every problem of a stack's configuration in one error. A RunError, so Pulumi prints the message
 * without a stack trace.
 */
export class ConfigError extends pulumi.RunError {
    constructor(readonly problems: ConfigProblem[]) {
        super(
            `Invalid configuration for stack ${pulumi.getStack()} (${problems.length} problem` +
            `${problems.length === 1 ? "" : "s"}); nothing was deployed:\n` +
            problems.map(p => `  - ${PROJECT}:${p.key}: ${p.message}`).join("\n"),
        );
        this.name = "ConfigError";
    }
}

/** Where raw values come from: Pulumi config in the program, anything in tests. */
export interface ConfigSource {
    /** The raw string value of a key, as `pulumi config get` shows it; undefined when unset. */
    get(key: string): string | undefined;
    /** The value as a secret output; undefined when unset. */
    getSecret(key: string): pulumi.Output<string> | undefined;
    /** Every key set in the project namespace (to report unknown keys). */
    keys(): string[];
}

/** The stack's own Pulumi config. */
export function pulumiConfigSource(): ConfigSource {
    const config = new pulumi.Config(PROJECT);
    return {
        get: key => config.get(key),
        getSecret: key => config.getSecret(key),
        keys: () => Object.keys(pulumi.runtime.allConfig())
            .filter(k => k.startsWith(`${PROJECT}:`))
            .map(k => k.slice(PROJECT.length + 1)),
    };
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const HOST = /^(([A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?)\.)*[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?$/;
const PLUGIN = /^([A-Za-z0-9][A-Za-z0-9_.-]*):([A-Za-z0-9][A-Za-z0-9_.+-]*)$/;

/** Reads raw values by type, collecting problems instead of throwing. */
class Reader {
    readonly problems: ConfigProblem[] = [];

    constructor(private readonly source: ConfigSource) {}

    problem(key: string, message: string): void {
        this.problems.push({ key, message });
    }

    private raw(key: string): string | undefined {
        if (!(key in CONFIG_KEYS)) {
            throw new Error(`internal: config key ${key} is not declared in CONFIG_KEYS`);
        }
        return this.source.get(key);
    }

    /** A string key; its default when unset; "" when unset with no default. */
    string(key: string): string {
        const value = this.raw(key);
        if (value !== undefined) {
            return value;
        }
        const fallback = CONFIG_KEYS[key].default;
        return typeof fallback === "string" ? fallback : "";
    }

    /** A string key that must be non-empty. */
    required(key: string, why: string): string {
        const value = this.string(key).trim();
        if (value === "") {
            this.problem(key, `is required ${why}`);
        }
        return value;
    }

    integer(key: string): number | undefined {
        const value = this.raw(key);
        if (value === undefined) {
            const fallback = CONFIG_KEYS[key].default;
            return typeof fallback === "number" ? fallback : undefined;
        }
        if (!/^-?[0-9]+$/.test(value.trim())) {
            this.problem(key, `must be an integer, got "${value}"`);
            return undefined;
        }
        return Number(value);
    }

    boolean(key: string): boolean {
        const value = this.raw(key);
        if (value === undefined) {
            return CONFIG_KEYS[key].default === true;
        }
        if (value !== "true" && value !== "false") {
            this.problem(key, `must be true or false, got "${value}"`);
            return false;
        }
        return value === "true";
    }

    stringArray(key: string): string[] {
        const value = this.raw(key);
        if (value === undefined) {
            const fallback = CONFIG_KEYS[key].default;
            return Array.isArray(fallback) ? [...fallback] : [];
        }
        const parsed = parseJson(value);
        if (!Array.isArray(parsed) || parsed.some(item => typeof item !== "string")) {
            this.problem(key, "must be a list of strings");
            return [];
        }
        return parsed as string[];
    }

    /** A structured (object or list) key as parsed JSON; undefined when unset. */
    structured(key: string): unknown {
        const value = this.raw(key);
        if (value === undefined) {
            return undefined;
        }
        const parsed = parseJson(value);
        if (parsed === undefined) {
            this.problem(key, "must be structured YAML (a list or a map), not a plain string");
        }
        return parsed;
    }

    /** A Kubernetes quantity key. */
    quantity(key: string): string {
        const value = this.string(key);
        if (parseQuantity(value) === undefined) {
            this.problem(key, `"${value}" is not a Kubernetes quantity (e.g. 500m, 2, 512Mi, 5Gi)`);
        }
        return value;
    }

    dnsLabel(key: string): string {
        const value = this.string(key);
        if (!DNS_LABEL.test(value) || value.length > 63) {
            this.problem(key, `"${value}" is not a valid Kubernetes name (lower-case letters, digits and '-', at most 63)`);
        }
        return value;
    }

    image(key: string): string {
        const value = this.string(key);
        const reason = unpinnedImageReason(value);
        if (reason) {
            this.problem(key, `image must be pinned: ${reason}`);
        }
        return value;
    }

    /** A NodePort key; 0 means "let Kubernetes assign one" when allowZero. */
    nodePort(key: string, allowZero = false): number | undefined {
        const value = this.integer(key);
        if (value === 0 && allowZero) {
            return undefined;
        }
        if (value !== undefined && (value < 30000 || value > 32767)) {
            this.problem(key, `${value} is outside the NodePort range 30000-32767`);
        }
        return value;
    }

    /** Four keys <prefix>{Cpu,Memory}{Request,Limit} as one container's resources, limits checked against requests. */
    resources(prefix: string): ContainerResources {
        const resources = {
            requests: { cpu: this.quantity(`${prefix}CpuRequest`), memory: this.quantity(`${prefix}MemoryRequest`) },
            limits: { cpu: this.quantity(`${prefix}CpuLimit`), memory: this.quantity(`${prefix}MemoryLimit`) },
        };
        for (const kind of ["cpu", "memory"] as const) {
            const request = parseQuantity(resources.requests[kind]);
            const limit = parseQuantity(resources.limits[kind]);
            if (request !== undefined && limit !== undefined && limit < request) {
                const cap = kind === "cpu" ? "Cpu" : "Memory";
                this.problem(`${prefix}${cap}Limit`,
                    `limit ${resources.limits[kind]} is below the request ${resources.requests[kind]} (${prefix}${cap}Request)`);
            }
        }
        return resources;
    }
}

function parseJson(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return undefined;
    }
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

function editDistance(a: string, b: string): number {
    const row = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
        let previous = row[0];
        row[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const current = row[j];
            row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
            previous = current;
        }
    }
    return row[b.length];
}

function unknownKeyProblems(reader: Reader, keys: string[]): void {
    const known = Object.keys(CONFIG_KEYS);
    for (const key of keys) {
        if (key in CONFIG_KEYS) {
            continue;
        }
        const nearest = known.map(k => ({ k, d: editDistance(key, k) })).sort((x, y) => x.d - y.d)[0];
        reader.problem(key, "is not a configuration key of this project" +
            (nearest && nearest.d <= 3 ? ` (did you mean ${nearest.k}?)` : ""));
    }
}

function readStorage(r: Reader): StorageConfig {
    const enabled = r.boolean("nfsProvisionerEnabled");
    const reclaimPolicy = r.string("storageReclaimPolicy");
    if (reclaimPolicy !== "Delete" && reclaimPolicy !== "Retain") {
        r.problem("storageReclaimPolicy", `must be Delete or Retain, got "${reclaimPolicy}"`);
    }
    const className = r.string("storageClassName");
    if (!DNS_SUBDOMAIN.test(className)) {
        r.problem("storageClassName", `"${className}" is not a valid StorageClass name`);
    }
    let provisioner: NfsProvisionerConfig | undefined;
    if (enabled) {
        const why = "when nfsProvisionerEnabled is true";
        const server = r.required("nfsServer", why);
        if (server !== "" && !HOST.test(server)) {
            r.problem("nfsServer", `"${server}" is not a host name or IP address`);
        }
        const path = r.required("nfsPath", why);
        if (path !== "" && !path.startsWith("/")) {
            r.problem("nfsPath", `"${path}" must be an absolute path`);
        }
        const provisionerName = r.string("nfsProvisionerName");
        if (!/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(provisionerName)) {
            r.problem("nfsProvisionerName", `"${provisionerName}" is not a valid provisioner name`);
        }
        provisioner = {
            server, path, provisionerName,
            image: r.image("nfsProvisionerImage"),
            namespace: r.dnsLabel("nfsProvisionerNamespace"),
            resources: r.resources("nfsProvisioner"),
        };
    }
    return {
        provisioner,
        className,
        isDefault: r.boolean("storageClassDefault"),
        archiveOnDelete: r.boolean("storageArchiveOnDelete"),
        reclaimPolicy: reclaimPolicy === "Retain" ? "Retain" : "Delete",
        mountOptions: r.stringArray("storageMountOptions"),
    };
}

function readPlugins(r: Reader): string[] {
    const base = r.stringArray("jenkinsPlugins");
    const extra = r.stringArray("jenkinsExtraPlugins");
    const seen = new Map<string, string>();
    const check = (key: string, list: string[]) => {
        for (const plugin of list) {
            const match = PLUGIN.exec(plugin);
            if (!match) {
                r.problem(key, `"${plugin}" must be name:version with a pinned version`);
                continue;
            }
            const [, name, version] = match;
            if (version === "latest" || version === "experimental") {
                r.problem(key, `"${plugin}" must pin a version, not ${version}`);
            }
            if (seen.has(name)) {
                r.problem(key, `plugin ${name} is listed twice (${seen.get(name)} and ${plugin})`);
            }
            seen.set(name, plugin);
        }
    };
    check("jenkinsPlugins", base);
    check("jenkinsExtraPlugins", extra);
    const missing = REQUIRED_PLUGINS.filter(name => !seen.has(name) || !base.some(p => p.startsWith(`${name}:`)));
    if (missing.length > 0) {
        r.problem("jenkinsPlugins", `must include ${missing.join(", ")} (the stack configures them)`);
    }
    return [...base, ...extra];
}

function readProxy(r: Reader): JenkinsConfig["proxy"] {
    const text = r.string("jenkinsProxy").trim();
    if (text === "") {
        return undefined;
    }
    let url: URL | undefined;
    try {
        url = new URL(text);
    } catch {
        url = undefined;
    }
    if (!url || url.protocol !== "http:" || url.pathname !== "/" || url.username !== "") {
        r.problem("jenkinsProxy", `"${text}" must be http://host:port (no path, no credentials)`);
        return undefined;
    }
    const noProxy = r.string("jenkinsNoProxy").split(",").map(s => s.trim()).filter(s => s !== "");
    for (const entry of noProxy) {
        // Three consumers read the list (NO_PROXY, Jenkins, Java's http.nonProxyHosts): accept
        // only what all of them understand once formatted, and nothing that could split a JVM option.
        if (!/^(\*\.|\.)?[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?$/.test(entry)) {
            r.problem("jenkinsNoProxy", `"${entry}" must be a host name, an IP address, .domain or *.domain`);
        }
    }
    return { host: url.hostname, port: url.port === "" ? 80 : Number(url.port), noProxy };
}

/** JAVA_OPTS whose heap fits the controller's memory limit (lib/jvm.ts). */
function readJavaOpts(r: Reader, memoryLimit: string): string {
    const javaOpts = r.string("jenkinsJavaOpts").trim();
    const limit = parseQuantity(memoryLimit);
    const problem = limit === undefined ? undefined : heapFitProblem(javaOpts, limit, memoryLimit);
    if (problem) {
        r.problem("jenkinsJavaOpts", problem);
    }
    // A hudson.* or jenkins.* property that the pinned core never reads is a typo or a setting
    // that no longer exists (lib/cascSchema.generated.json lists what core 2.568.2 reads).
    for (const unknown of checkJavaOpts(javaOpts)) {
        r.problem("jenkinsJavaOpts", unknown);
    }
    return javaOpts;
}

/** The Jenkins name, short enough that `<name>-agent` is still a Service name. */
function readJenkinsName(r: Reader): string {
    const name = r.dnsLabel("jenkinsName");
    const suffixed = `${name}-agent`;
    if (DNS_LABEL.test(name) && suffixed.length > 63) {
        r.problem("jenkinsName", `"${name}" is too long: the agent Service ${suffixed} must have at most 63 characters`);
    }
    return name;
}

function readJenkins(r: Reader, source: ConfigSource): JenkinsConfig {
    const timezone = r.string("jenkinsTimezone");
    try {
        new Intl.DateTimeFormat("en-US", { timeZone: timezone });
    } catch {
        r.problem("jenkinsTimezone", `"${timezone}" is not an IANA time zone (e.g. UTC, Asia/Shanghai)`);
    }
    const homeSize = r.quantity("jenkinsHomeSize");
    const nodeAddress = r.required("nodeAddress", "to build the exported url");
    if (nodeAddress !== "" && !HOST.test(nodeAddress)) {
        r.problem("nodeAddress", `"${nodeAddress}" is not a host name or IP address`);
    }
    const clusterDomain = r.string("clusterDomain");
    if (!DNS_SUBDOMAIN.test(clusterDomain)) {
        r.problem("clusterDomain", `"${clusterDomain}" is not a DNS domain`);
    }
    const adminUser = r.string("jenkinsAdminUser");
    if (!/^[A-Za-z0-9_-]+$/.test(adminUser)) {
        r.problem("jenkinsAdminUser", `"${adminUser}" may only hold letters, digits, '_' and '-'`);
    }
    const passwordSet = source.get("jenkinsAdminPassword") !== undefined;
    if (passwordSet && (source.get("jenkinsAdminPassword") ?? "").length < 12) {
        r.problem("jenkinsAdminPassword", "must be at least 12 characters long");
    }
    const updateCenterUrl = r.string("jenkinsUpdateCenterUrl").trim();
    if (updateCenterUrl !== "" && !/^https?:\/\/\S+$/.test(updateCenterUrl)) {
        r.problem("jenkinsUpdateCenterUrl", `"${updateCenterUrl}" must be an http(s) URL`);
    }
    const resources = r.resources("jenkins");
    const nodePort = r.nodePort("serviceNodePort") ?? 30001;
    const agentNodePort = r.nodePort("serviceAgentNodePort", true);
    if (agentNodePort !== undefined && agentNodePort === nodePort) {
        r.problem("serviceAgentNodePort", `must differ from serviceNodePort (${nodePort})`);
    }
    return {
        namespace: r.dnsLabel("jenkinsNamespace"),
        name: readJenkinsName(r),
        serviceAccount: r.dnsLabel("jenkinsServiceAccount"),
        image: r.image("jenkinsImage"),
        homeSize,
        protectHome: r.boolean("jenkinsHomeProtect"),
        fixPermissions: r.boolean("jenkinsFixPermissions"),
        resources,
        javaOpts: readJavaOpts(r, resources.limits.memory),
        timezone,
        adminUser,
        adminPassword: passwordSet ? source.getSecret("jenkinsAdminPassword") : undefined,
        plugins: readPlugins(r),
        updateCenterUrl: updateCenterUrl === "" ? undefined : updateCenterUrl,
        proxy: readProxy(r),
        nodePort,
        agentNodePort,
        nodeAddress,
        clusterDomain,
    };
}

/** Checks the fields of one structured item, reporting unknown ones; returns a typed accessor. */
class ItemReader {
    constructor(
        private readonly r: Reader,
        private readonly key: string,
        readonly path: string,
        private readonly item: Record<string, unknown>,
        allowed: readonly string[],
    ) {
        for (const field of Object.keys(item)) {
            if (!allowed.includes(field)) {
                this.problem(field, `is not a known field (known: ${allowed.join(", ")})`);
            }
        }
    }

    problem(field: string, message: string): void {
        this.r.problem(this.key, `${this.path}${field === "" ? "" : `.${field}`} ${message}`);
    }

    has(field: string): boolean {
        return this.item[field] !== undefined;
    }

    raw(field: string): unknown {
        return this.item[field];
    }

    string(field: string, fallback?: string): string {
        const value = this.item[field];
        if (value === undefined && fallback !== undefined) {
            return fallback;
        }
        if (typeof value !== "string" || value.trim() === "") {
            this.problem(field, value === undefined ? "is required" : "must be a non-empty string");
            return "";
        }
        return value;
    }

    name(field: string): string {
        const value = this.string(field);
        if (value !== "" && (!DNS_LABEL.test(value) || value.length > 63)) {
            this.problem(field, `"${value}" is not a valid Kubernetes name (lower-case letters, digits and '-')`);
        }
        return value;
    }

    integer(field: string, fallback: number, min: number): number {
        const value = this.item[field];
        if (value === undefined) {
            return fallback;
        }
        if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
            this.problem(field, `must be an integer of at least ${min}`);
            return fallback;
        }
        return value;
    }

    boolean(field: string, fallback: boolean): boolean {
        const value = this.item[field];
        if (value === undefined) {
            return fallback;
        }
        if (typeof value !== "boolean") {
            this.problem(field, "must be true or false");
            return fallback;
        }
        return value;
    }

    stringMap(field: string): Record<string, string> {
        const value = this.item[field];
        if (value === undefined) {
            return {};
        }
        if (!isRecord(value) || Object.values(value).some(v => typeof v !== "string")) {
            this.problem(field, "must be a map of strings");
            return {};
        }
        return value as Record<string, string>;
    }

    /** A command or args value: a string, or a list joined with spaces (JCasC takes one string). */
    commandLine(field: string): string | undefined {
        const value = this.item[field];
        if (value === undefined) {
            return undefined;
        }
        if (typeof value === "string") {
            return value;
        }
        if (Array.isArray(value) && value.every(v => typeof v === "string")) {
            return value.join(" ");
        }
        this.problem(field, "must be a string or a list of strings");
        return undefined;
    }

    resources(field: string): ContainerResources {
        const value = this.item[field];
        const out: ContainerResources = { requests: { cpu: "", memory: "" }, limits: { cpu: "", memory: "" } };
        if (!isRecord(value)) {
            this.problem(field, "is required: requests and limits for cpu and memory (agents without limits get OOM-killed)");
            return out;
        }
        for (const side of ["requests", "limits"] as const) {
            const block = value[side];
            if (!isRecord(block)) {
                this.problem(`${field}.${side}`, "is required (cpu and memory)");
                continue;
            }
            for (const kind of ["cpu", "memory"] as const) {
                const quantity = block[kind];
                if (quantity === undefined) {
                    this.problem(`${field}.${side}.${kind}`, "is required");
                } else if (parseQuantity(quantity) === undefined) {
                    this.problem(`${field}.${side}.${kind}`, `"${String(quantity)}" is not a Kubernetes quantity`);
                } else {
                    out[side][kind] = String(quantity);
                }
            }
        }
        for (const kind of ["cpu", "memory"] as const) {
            const request = parseQuantity(out.requests[kind]);
            const limit = parseQuantity(out.limits[kind]);
            if (out.requests[kind] !== "" && out.limits[kind] !== "" && request !== undefined && limit !== undefined && limit < request) {
                this.problem(`${field}.limits.${kind}`, `${out.limits[kind]} is below the request ${out.requests[kind]}`);
            }
        }
        return out;
    }
}

const TEMPLATE_FIELDS = ["name", "label", "containers", "volumes", "idleMinutes", "instanceCap", "nodeSelector", "mountDockerSocket"] as const;
const CONTAINER_FIELDS = ["name", "image", "command", "args", "workingDir", "ttyEnabled", "env", "resources"] as const;
const VOLUME_FIELDS = ["cache", "emptyDir", "memory", "mountPath"] as const;
const CACHE_FIELDS = ["name", "size", "kind"] as const;

/** The template used when a stack sets no agentTemplates: a jnlp-only pod labelled "default". */
const DEFAULT_TEMPLATES = [{ name: "default", label: "default", containers: [] }];

/** The working directory the inbound agent uses. */
export const AGENT_WORKDIR = "/home/jenkins/agent";

function readCaches(r: Reader): AgentCache[] {
    const raw = r.structured("agentCaches") ?? [];
    if (!Array.isArray(raw)) {
        r.problem("agentCaches", "must be a list of {name, size}");
        return [];
    }
    const caches: AgentCache[] = [];
    raw.forEach((item, i) => {
        if (!isRecord(item)) {
            r.problem("agentCaches", `[${i}] must be a map with name and size`);
            return;
        }
        const it = new ItemReader(r, "agentCaches", `[${i}]`, item, CACHE_FIELDS);
        const name = it.name("name");
        const size = it.string("size");
        if (size !== "" && parseQuantity(size) === undefined) {
            it.problem("size", `"${size}" is not a Kubernetes quantity`);
        }
        if (name !== "" && caches.some(c => c.name === name)) {
            it.problem("name", `"${name}" is used by another cache`);
        }
        const kind = it.string("kind", "generic");
        if (kind !== "generic" && kind !== "maven") {
            it.problem("kind", `must be generic or maven, got "${kind}"`);
        }
        caches.push({ name, size, kind: kind === "maven" ? "maven" : "generic" });
    });
    return caches;
}

function readContainer(it: ItemReader): AgentContainer {
    const image = it.string("image");
    const reason = image === "" ? undefined : unpinnedImageReason(image);
    if (reason) {
        it.problem("image", `must be pinned: ${reason}`);
    }
    return {
        name: it.name("name"),
        image,
        command: it.commandLine("command"),
        args: it.commandLine("args"),
        workingDir: it.string("workingDir", AGENT_WORKDIR),
        ttyEnabled: it.boolean("ttyEnabled", true),
        env: it.stringMap("env"),
        resources: it.resources("resources"),
    };
}

function readVolume(it: ItemReader, caches: AgentCache[]): AgentVolume | undefined {
    const mountPath = it.string("mountPath");
    if (mountPath !== "" && !mountPath.startsWith("/")) {
        it.problem("mountPath", `"${mountPath}" must be absolute`);
    }
    if (it.has("cache") === it.has("emptyDir")) {
        it.problem("", "must set exactly one of cache (a name from agentCaches) or emptyDir: true");
        return undefined;
    }
    if (it.has("cache")) {
        const cache = it.string("cache");
        if (cache !== "" && !caches.some(c => c.name === cache)) {
            it.problem("cache", `"${cache}" is not declared in agentCaches`);
        }
        return { type: "cache", cache, mountPath };
    }
    if (it.raw("emptyDir") !== true) {
        it.problem("emptyDir", "must be true");
    }
    return { type: "emptyDir", mountPath, memory: it.boolean("memory", false) };
}

/** Node labels a template's pods must match; the kubernetes plugin drops `key=` entries with a warning. */
function readNodeSelector(it: ItemReader): Record<string, string> {
    const selector = it.stringMap("nodeSelector");
    for (const [key, value] of Object.entries(selector)) {
        if (key.trim() === "" || value.trim() === "") {
            it.problem("nodeSelector", `${JSON.stringify(key)}: ${JSON.stringify(value)} needs a label key and a value (the kubernetes plugin ignores empty ones)`);
        }
    }
    return selector;
}

function readTemplates(r: Reader, inboundImage: string, jnlpResources: ContainerResources, caches: AgentCache[]): AgentTemplate[] {
    const raw = r.structured("agentTemplates") ?? DEFAULT_TEMPLATES;
    if (!Array.isArray(raw)) {
        r.problem("agentTemplates", "must be a list of pod templates");
        return [];
    }
    const templates: AgentTemplate[] = [];
    raw.forEach((item, i) => {
        if (!isRecord(item)) {
            r.problem("agentTemplates", `[${i}] must be a map`);
            return;
        }
        const it = new ItemReader(r, "agentTemplates", `[${i}]`, item, TEMPLATE_FIELDS);
        const name = it.name("name");
        const label = it.string("label");
        if (name !== "" && templates.some(t => t.name === name)) {
            it.problem("name", `"${name}" is used by another template`);
        }
        const labels = label.split(/\s+/).filter(l => l !== "");
        for (const other of templates) {
            const shared = other.label.split(/\s+/).filter(l => labels.includes(l));
            if (shared.length > 0) {
                it.problem("label", `"${shared.join(" ")}" is also a label of template ${other.name}`);
            }
        }
        const rawContainers = it.raw("containers") ?? [];
        const containers: AgentContainer[] = [];
        if (!Array.isArray(rawContainers)) {
            it.problem("containers", "must be a list");
        } else {
            rawContainers.forEach((c, j) => {
                if (!isRecord(c)) {
                    it.problem(`containers[${j}]`, "must be a map");
                    return;
                }
                const container = readContainer(new ItemReader(r, "agentTemplates", `${it.path}.containers[${j}]`, c, CONTAINER_FIELDS));
                if (container.name !== "" && containers.some(x => x.name === container.name)) {
                    it.problem(`containers[${j}].name`, `"${container.name}" is used twice in this template`);
                }
                containers.push(container);
            });
        }
        // The jnlp container connects the pod to Jenkins; without it the pod never comes online
        // ("Agent is not connected after 100 seconds"). A template may override it, never omit it.
        const jnlp = containers.find(c => c.name === "jnlp") ?? {
            name: "jnlp", image: inboundImage, workingDir: AGENT_WORKDIR, ttyEnabled: false, env: {}, resources: jnlpResources,
        };
        const rawVolumes = it.raw("volumes") ?? [];
        const volumes: AgentVolume[] = [];
        if (!Array.isArray(rawVolumes)) {
            it.problem("volumes", "must be a list");
        } else {
            rawVolumes.forEach((v, j) => {
                if (!isRecord(v)) {
                    it.problem(`volumes[${j}]`, "must be a map");
                    return;
                }
                const volume = readVolume(new ItemReader(r, "agentTemplates", `${it.path}.volumes[${j}]`, v, VOLUME_FIELDS), caches);
                if (volume) {
                    volumes.push(volume);
                }
            });
        }
        const mavenCaches = volumes.filter(v => v.type === "cache" && caches.find(c => c.name === v.cache)?.kind === "maven");
        if (mavenCaches.length > 1) {
            it.problem("volumes", "mounts more than one cache of kind maven: Maven has one local repository");
        }
        templates.push({
            name,
            label,
            containers: [jnlp, ...containers.filter(c => c !== jnlp)],
            volumes,
            idleMinutes: it.integer("idleMinutes", 0, 0),
            instanceCap: it.integer("instanceCap", 10, 1),
            nodeSelector: readNodeSelector(it),
            mountDockerSocket: it.boolean("mountDockerSocket", false),
        });
    });
    return templates;
}

function readAgents(r: Reader, jenkinsNamespace: string): AgentsConfig {
    const configured = r.string("agentNamespace").trim();
    if (configured !== "" && (!DNS_LABEL.test(configured) || configured.length > 63)) {
        r.problem("agentNamespace", `"${configured}" is not a valid namespace name`);
    }
    const inboundImage = r.image("agentInboundImage");
    const jnlpResources = r.resources("agentJnlp");
    const caches = readCaches(r);
    const quota = {
        cpuRequests: r.quantity("agentQuotaCpuRequests"),
        memoryRequests: r.quantity("agentQuotaMemoryRequests"),
        cpuLimits: r.quantity("agentQuotaCpuLimits"),
        memoryLimits: r.quantity("agentQuotaMemoryLimits"),
        pods: r.integer("agentQuotaPods") ?? 20,
    };
    if (quota.pods < 1) {
        r.problem("agentQuotaPods", "must be at least 1");
    }
    return {
        namespace: configured === "" ? jenkinsNamespace : configured,
        separateNamespace: configured !== "" && configured !== jenkinsNamespace,
        inboundImage,
        templates: readTemplates(r, inboundImage, jnlpResources, caches),
        caches,
        limitRange: r.resources("agentDefault"),
        quota,
    };
}

function readExternalAccess(r: Reader): ExternalAccessConfig | undefined {
    if (!r.boolean("externalAccessEnabled")) {
        return undefined;
    }
    const apiServer = r.required("externalAccessApiServer", "when externalAccessEnabled is true");
    if (apiServer !== "" && !/^https:\/\/\S+$/.test(apiServer)) {
        r.problem("externalAccessApiServer", `"${apiServer}" must be an https:// URL`);
    }
    return { serviceAccount: r.dnsLabel("externalAccessServiceAccount"), apiServer };
}

/** Sums of a pod's container resources, in base units (what a ResourceQuota charges). */
function podTotals(containers: ContainerResources[]): Record<"requests" | "limits", Record<"cpu" | "memory", number>> {
    const sum = (side: "requests" | "limits", kind: "cpu" | "memory") =>
        containers.reduce((total, c) => total + (parseQuantity(c[side][kind]) ?? 0), 0);
    return {
        requests: { cpu: sum("requests", "cpu"), memory: sum("requests", "memory") },
        limits: { cpu: sum("limits", "cpu"), memory: sum("limits", "memory") },
    };
}

/** Each quota key, the pod total it bounds, and its field in AgentsConfig.quota. */
const QUOTA_BOUNDS = [
    { key: "agentQuotaCpuRequests", side: "requests", kind: "cpu", field: "cpuRequests" },
    { key: "agentQuotaMemoryRequests", side: "requests", kind: "memory", field: "memoryRequests" },
    { key: "agentQuotaCpuLimits", side: "limits", kind: "cpu", field: "cpuLimits" },
    { key: "agentQuotaMemoryLimits", side: "limits", kind: "memory", field: "memoryLimits" },
] as const;

/**
 * The agent quota must hold the largest agent pod, and, when agents share the Jenkins namespace,
 * the controller pod as well (the quota charges every pod of its namespace).
 */
function checkQuotaRoom(r: Reader, jenkins: JenkinsConfig, agents: AgentsConfig): void {
    const shared = !agents.separateNamespace;
    if (shared && agents.quota.pods < 2) {
        r.problem("agentQuotaPods", `must be at least 2 when agents share the Jenkins namespace (${agents.namespace}): the controller pod counts too`);
    }
    const controller = podTotals(shared ? [jenkins.resources] : []);
    for (const { key, side, kind, field } of QUOTA_BOUNDS) {
        const quota = parseQuantity(agents.quota[field]);
        const largest = agents.templates
            .map(t => ({ name: t.name, amount: podTotals(t.containers.map(c => c.resources))[side][kind] }))
            .sort((x, y) => y.amount - x.amount)[0];
        if (quota === undefined || largest === undefined || largest.amount + controller[side][kind] <= quota) {
            continue;
        }
        r.problem(key, `${agents.quota[field]} cannot hold one pod of template ${largest.name} ` +
            `(${kind} ${side} ${formatAmount(largest.amount, kind)})` +
            (shared ? ` next to the controller (${formatAmount(controller[side][kind], kind)}), which shares the namespace` : ""));
    }
}

function formatAmount(value: number, kind: "cpu" | "memory"): string {
    return kind === "cpu" ? `${Math.round(value * 1000)}m` : `${Math.round(value / 2 ** 20)}Mi`;
}

/**
 * Reads and validates the whole configuration. Throws one ConfigError naming every bad key; call
 * it before creating any resource.
 */
export function loadConfig(source: ConfigSource = pulumiConfigSource()): StackConfig {
    const r = new Reader(source);
    unknownKeyProblems(r, source.keys());
    const storage = readStorage(r);
    const jenkins = readJenkins(r, source);
    const agents = readAgents(r, jenkins.namespace);
    const externalAccess = readExternalAccess(r);
    if (storage.provisioner && storage.provisioner.namespace === jenkins.namespace) {
        r.problem("nfsProvisionerNamespace", `must differ from jenkinsNamespace (${jenkins.namespace}): each is created by the stack`);
    }
    if (agents.separateNamespace && agents.namespace === storage.provisioner?.namespace) {
        r.problem("agentNamespace", `must differ from nfsProvisionerNamespace (${agents.namespace})`);
    }
    checkQuotaRoom(r, jenkins, agents);
    if (r.problems.length > 0) {
        throw new ConfigError(r.problems);
    }
    return { storage, jenkins, agents, externalAccess };
}
