// The key table: every configuration key of the project (type, description, default, rule).
// Pulumi.yaml's `config:` block and the README's reference are generated from it
// (scripts/generateDocs.ts), and a test keeps them in sync.
import { NON_HEAP_RESERVE } from "../lib/jvm";

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
    /** What validation requires beyond the type, for the README's reference. */
    readonly rule?: string;
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

const CPU_RULE = "a CPU quantity above zero (`500m`, `2`), no spaces";
const MEMORY_RULE = "a memory quantity above zero, no spaces (`512Mi`, `2Gi`; not `512m`, which is millibytes)";

function resourceKeys(prefix: string, area: string, what: string, d: [string, string, string, string]) {
    return {
        [`${prefix}CpuRequest`]: { area, type: "string", description: `CPU request of ${what}.`, default: d[0], rule: CPU_RULE },
        [`${prefix}MemoryRequest`]: { area, type: "string", description: `Memory request of ${what}.`, default: d[1], rule: MEMORY_RULE },
        [`${prefix}CpuLimit`]: { area, type: "string", description: `CPU limit of ${what}.`, default: d[2], rule: `${CPU_RULE}, at least the request` },
        [`${prefix}MemoryLimit`]: { area, type: "string", description: `Memory limit of ${what}.`, default: d[3], rule: `${MEMORY_RULE}, at least the request` },
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
        rule: "a host name or an IPv4 address",
    },
    nfsPath: {
        area: "storage", type: "string", default: "",
        description: "Exported path on the NFS server (required when nfsProvisionerEnabled).",
        rule: "an absolute path",
    },
    nfsProvisionerName: {
        area: "storage", type: "string", default: "fuseim.pri/ifs",
        description: "Provisioner name shared by the provisioner (PROVISIONER_NAME) and the StorageClass.",
        rule: "letters, digits, `.`, `_`, `-`, `/`",
    },
    nfsProvisionerImage: {
        area: "storage", type: "string",
        default: "registry.k8s.io/sig-storage/nfs-subdir-external-provisioner:v4.0.2",
        description: "Pinned image of the NFS subdir external provisioner.",
        rule: "a valid image reference, pinned to a tag other than `latest` or a digest",
    },
    nfsProvisionerNamespace: {
        area: "storage", type: "string", default: "nfs-provisioner",
        description: "Namespace the stack creates for the provisioner.",
        rule: "a DNS label; not `default` or `kube-*`, which Kubernetes owns; differs from jenkinsNamespace and agentNamespace",
    },
    ...resourceKeys("nfsProvisioner", "storage", "the provisioner container", ["10m", "32Mi", "100m", "128Mi"]),
    storageClassName: {
        area: "storage", type: "string", default: "managed-nfs-storage",
        description: "StorageClass for JENKINS_HOME and agent caches: created by the stack, or an existing one.",
        rule: "a DNS subdomain",
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
        rule: "`Delete` or `Retain`",
    },
    storageMountOptions: {
        area: "storage", type: "array", default: [],
        description: "NFS mount options of the created StorageClass, e.g. [nfsvers=4.1, hard].",
    },
    // --- jenkins: the controller
    jenkinsNamespace: {
        area: "jenkins", type: "string", default: "devops",
        description: "Namespace the stack creates for the Jenkins controller.",
        rule: "a DNS label; not `default` or `kube-*`, which Kubernetes owns",
    },
    jenkinsName: {
        area: "jenkins", type: "string", default: "jenkins",
        description: "Name of the controller Deployment and Service (the in-cluster host name); the agent Service is <name>-agent.",
        rule: "a DNS-1035 label (starts with a letter: it names Services) of at most 57 characters (`<name>-agent` is a Service too)",
    },
    jenkinsServiceAccount: {
        area: "jenkins", type: "string", default: "jenkins-sa",
        description: "ServiceAccount of the controller; the Kubernetes plugin uses it to start agents.",
        rule: "a DNS subdomain",
    },
    jenkinsImage: {
        area: "jenkins", type: "string", default: "jenkins/jenkins:2.568.2-jdk21",
        description: "Pinned Jenkins LTS image (never latest); change it to upgrade.",
        rule: "a valid image reference, pinned to a tag other than `latest` or a digest",
    },
    jenkinsHomeSize: {
        area: "jenkins", type: "string", default: "5Gi",
        description: "Size of the ReadWriteMany claim holding JENKINS_HOME.",
        rule: "a storage quantity above zero, no spaces (`5Gi`, not `5m`)",
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
    jenkinsCascReload: {
        area: "jenkins", type: "boolean", default: true,
        description: "Apply a changed jenkins.yaml to the running controller (a sidecar asks JCasC to reload) instead of restarting it.",
    },
    jenkinsCascReloadImage: {
        area: "jenkins", type: "string", default: "docker.io/kiwigrid/k8s-sidecar:2.10.1",
        description: "Pinned image of the sidecar that watches the JCasC ConfigMap (the Jenkins chart's).",
        rule: "a valid image reference, pinned to a tag other than `latest` or a digest",
    },
    jenkinsJavaOpts: {
        area: "jenkins", type: "string", default: DEFAULT_JAVA_OPTS,
        description: "JAVA_OPTS of the controller (heap sizing and node provisioning tunings); the heap must leave " +
            `${NON_HEAP_RESERVE / 2 ** 20}Mi of jenkinsMemoryLimit for the rest of the JVM.`,
        rule: `one string (not a list); the heap (\`-Xmx\`, \`-XX:MaxHeapSize\`, \`-XX:MaxRAMPercentage\`, else 25%) leaves ${NON_HEAP_RESERVE / 2 ** 20}Mi of jenkinsMemoryLimit; every \`-Dhudson.*\`/\`-Djenkins.*\` is a property Jenkins core reads`,
    },
    jenkinsTimezone: {
        area: "jenkins", type: "string", default: "Asia/Shanghai",
        description: "IANA time zone of the controller (TZ and -Duser.timezone).",
        rule: "an IANA time zone by its canonical name, spelled exactly (case matters on Linux and in Java; aliases and offsets are refused)",
    },
    jenkinsAdminUser: {
        area: "jenkins", type: "string", default: "admin",
        description: "User name of the Jenkins administrator.",
        rule: "letters, digits, `_` and `-`",
    },
    jenkinsAdminPassword: {
        area: "jenkins", type: "string", secret: true,
        description: "Administrator password (set with --secret); generated with @pulumi/random when unset.",
        rule: "set with `--secret`; at least 12 characters; no `${` (JCasC would expand it)",
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
        rule: "`name:version` each, no `latest`, no plugin twice; includes the required plugins",
    },
    jenkinsExtraPlugins: {
        area: "jenkins", type: "array", default: [],
        description: "Further pinned plugins (name:version) the stack adds to jenkinsPlugins.",
        rule: "`name:version` each, no `latest`, no plugin twice",
    },
    jenkinsUpdateCenterUrl: {
        area: "jenkins", type: "string", default: "",
        description: "Update-center mirror used to download plugins (empty: the Jenkins default).",
        rule: "an http(s) URL",
    },
    jenkinsProxy: {
        area: "jenkins", type: "string", default: "",
        description: "HTTP proxy for plugin downloads and Jenkins, as http://host:port (empty: none).",
        rule: "`http://host:port`, no path, a port from 1 to 65535; a value with credentials is refused and never repeated in errors",
    },
    jenkinsNoProxy: {
        area: "jenkins", type: "string", default: "",
        description: "Comma-separated hosts that bypass jenkinsProxy (the cluster's own are always added).",
        rule: "host names, IP addresses, `.domain` or `*.domain`; only with jenkinsProxy (a warning otherwise)",
    },
    // --- service: how users and agents reach the controller
    serviceNodePort: {
        area: "service", type: "integer", default: 30001,
        description: "NodePort of the web UI (30000-32767); 0 for none, when an Ingress serves the UI.",
        rule: "30000-32767, or 0 with ingressEnabled",
    },
    serviceAgentNodePort: {
        area: "service", type: "integer", default: 0,
        description: "NodePort that publishes the inbound agent port 50000 to agents outside the cluster (30000-32767); " +
            "0 keeps it in-cluster on the ClusterIP Service <jenkinsName>-agent.",
        rule: "0, or 30000-32767 and not serviceNodePort",
    },
    nodeAddress: {
        area: "service", type: "string", default: "",
        description: "Host name or IP address of a node, used to build the exported url (required without an Ingress).",
        rule: "a host name or an IPv4 address",
    },
    clusterDomain: {
        area: "service", type: "string", default: "cluster.local",
        description: "DNS domain of the cluster, used for the in-cluster Jenkins URL and agent tunnel.",
        rule: "a DNS subdomain",
    },
    // --- ingress: the web UI through an Ingress with TLS
    ingressEnabled: {
        area: "ingress", type: "boolean", default: false,
        description: "Serve the web UI through an Ingress with TLS; the exported url becomes https://<ingressHost>.",
    },
    ingressHost: {
        area: "ingress", type: "string", default: "",
        description: "Host name of the Ingress (required when ingressEnabled).",
        rule: "a DNS subdomain (lower case), not an IP address",
    },
    ingressClassName: {
        area: "ingress", type: "string", default: "",
        description: "IngressClass of the Ingress (empty: the cluster's default class).",
        rule: "empty or a DNS subdomain",
    },
    ingressTlsSecret: {
        area: "ingress", type: "string", default: "",
        description: "Secret holding the TLS certificate (empty: <jenkinsName>-tls); cert-manager fills it when ingressClusterIssuer is set.",
        rule: "empty or a DNS subdomain",
    },
    ingressClusterIssuer: {
        area: "ingress", type: "string", default: "",
        description: "cert-manager ClusterIssuer that issues the certificate (the cert-manager.io/cluster-issuer annotation); empty: bring your own Secret.",
        rule: "empty or a DNS subdomain",
    },
    ingressAnnotations: {
        area: "ingress", type: "object",
        description: "Further annotations of the Ingress, as a map of strings (e.g. for the ingress controller).",
        rule: "keys are label-style qualified names; values strings",
    },
    // --- metrics: Prometheus
    metricsEnabled: {
        area: "metrics", type: "boolean", default: false,
        description: "Install the pinned prometheus plugin (metricsPlugin): Jenkins serves metrics at /prometheus/, and the web Service carries prometheus.io scrape annotations.",
    },
    metricsPlugin: {
        area: "metrics", type: "string", default: "prometheus:852.v317db_5d17a_b_0",
        description: "The pinned prometheus plugin (name:version) that metricsEnabled installs.",
        rule: "`prometheus:version`, a pinned version",
    },
    metricsServiceMonitor: {
        area: "metrics", type: "boolean", default: false,
        description: "Create a ServiceMonitor for the Prometheus operator; only when its CRDs are installed (the API server refuses an unknown kind).",
        rule: "only with metricsEnabled",
    },
    metricsServiceMonitorLabels: {
        area: "metrics", type: "object",
        description: "Labels of the ServiceMonitor, for a Prometheus whose serviceMonitorSelector wants some (e.g. {release: kube-prometheus-stack}).",
        rule: "a map of label keys to label values",
    },
    // --- agents: the Kubernetes cloud
    agentNamespace: {
        area: "agents", type: "string", default: "",
        description: "Namespace where agent pods run (empty: the Jenkins namespace; otherwise created by the stack).",
        rule: "empty, or a DNS label; not `default` or `kube-*`, which Kubernetes owns",
    },
    agentInboundImage: {
        area: "agents", type: "string", default: "jenkins/inbound-agent:3385.vf1123fb_515da_-1",
        description: "Pinned image of the jnlp container every agent pod gets.",
        rule: "a valid image reference, pinned to a tag other than `latest` or a digest",
    },
    ...resourceKeys("agentJnlp", "agents", "the jnlp container of every agent pod", ["100m", "256Mi", "500m", "512Mi"]),
    ...resourceKeys("agentDefault", "agents", "agent containers that set none (LimitRange default)", ["250m", "256Mi", "1", "1Gi"]),
    agentQuotaCpuRequests: {
        area: "agents", type: "string", default: "8",
        description: "ResourceQuota of the agent namespace: total CPU requests.",
        rule: "a CPU quantity above zero; holds the largest agent pod (and the controller when it shares the namespace)",
    },
    agentQuotaMemoryRequests: {
        area: "agents", type: "string", default: "16Gi",
        description: "ResourceQuota of the agent namespace: total memory requests.",
        rule: "a memory quantity above zero, in bytes; holds the largest agent pod (and the controller when it shares the namespace)",
    },
    agentQuotaCpuLimits: {
        area: "agents", type: "string", default: "16",
        description: "ResourceQuota of the agent namespace: total CPU limits.",
        rule: "a CPU quantity above zero; holds the largest agent pod (and the controller when it shares the namespace)",
    },
    agentQuotaMemoryLimits: {
        area: "agents", type: "string", default: "32Gi",
        description: "ResourceQuota of the agent namespace: total memory limits.",
        rule: "a memory quantity above zero, in bytes; holds the largest agent pod (and the controller when it shares the namespace)",
    },
    agentQuotaPods: {
        area: "agents", type: "integer", default: 20,
        description: "ResourceQuota of the agent namespace: number of pods.",
        rule: "1 to 2147483647 (Jenkins parses it as an int); at least 2 when agents share the Jenkins namespace",
    },
    agentTemplates: {
        area: "agents", type: "object",
        description: "Agent pod templates (a YAML list; see \"Agent pod templates\"). Default: one template named default.",
        rule: "see \"Agent pod templates\"",
    },
    agentCaches: {
        area: "agents", type: "object",
        description: "Shared ReadWriteMany caches for agents, as a list of {name, size, kind}; templates mount them by name; " +
            "kind maven (default generic) makes Maven use it safely from many pods at once.",
        rule: "names are DNS labels, unique; sizes are storage quantities above zero; kind `generic` or `maven`",
    },
    // --- externalAccess: a Jenkins outside the cluster
    externalAccessEnabled: {
        area: "externalAccess", type: "boolean", default: false,
        description: "Create a ServiceAccount and token for a Jenkins outside the cluster (agent rights only).",
    },
    externalAccessServiceAccount: {
        area: "externalAccess", type: "string", default: "jenkins-external",
        description: "Name of that ServiceAccount (in the agent namespace).",
        rule: "a DNS subdomain; not jenkinsServiceAccount when both are in one namespace",
    },
    externalAccessApiServer: {
        area: "externalAccess", type: "string", default: "",
        description: "API server URL the outside Jenkins uses (https://...; required when externalAccessEnabled).",
        rule: "an `https://` URL",
    },
};
