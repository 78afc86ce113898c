// The typed, validated configuration of a stack: what loadConfig returns and the components take.
import * as pulumi from "@pulumi/pulumi";

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
    /** The JCasC reload sidecar's image, when jenkins.yaml is reloaded live; undefined: restart instead. */
    cascReloadImage?: string;
    /** The sidecar's requests and limits (it runs next to the controller: quotas count it). */
    cascReloadResources: ContainerResources;
    timezone: string;
    adminUser: string;
    /** Set when the stack provides the password as secret config. */
    adminPassword?: pulumi.Output<string>;
    /** Every plugin as name:version, the required ones first. */
    plugins: string[];
    updateCenterUrl?: string;
    proxy?: { host: string; port: number; noProxy: string[] };
    /** Undefined when an Ingress serves the UI and no NodePort is wanted. */
    nodePort?: number;
    agentNodePort?: number;
    nodeAddress: string;
    clusterDomain: string;
}

/** One container of an agent pod template. */
export interface AgentContainer {
    name: string;
    image: string;
    /** One command line, as the kubernetes plugin splits it (lists are joined with quoting). */
    command?: string;
    args?: string;
    workingDir: string;
    ttyEnabled: boolean;
    env: Record<string, string>;
    resources: ContainerResources;
    /** Optional ephemeral-storage request and limit (the plugin's resource{Request,Limit}EphemeralStorage). */
    ephemeralStorage?: { request?: string; limit?: string };
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

/** The web UI through an Ingress with TLS. */
export interface IngressConfig {
    host: string;
    className?: string;
    tlsSecret: string;
    clusterIssuer?: string;
    annotations: Record<string, string>;
}

/** Prometheus metrics. */
export interface MetricsConfig {
    /** The pinned prometheus plugin, name:version; it is also in JenkinsConfig.plugins. */
    plugin: string;
    serviceMonitor: boolean;
    /** Extra labels of the ServiceMonitor. */
    serviceMonitorLabels: Record<string, string>;
}

/** The whole, validated configuration of a stack. */
export interface StackConfig {
    storage: StorageConfig;
    jenkins: JenkinsConfig;
    agents: AgentsConfig;
    externalAccess?: ExternalAccessConfig;
    ingress?: IngressConfig;
    metrics?: MetricsConfig;
}
