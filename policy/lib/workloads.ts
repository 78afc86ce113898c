// Reading pod specs out of the workload kinds policies check. Plain data in, plain data out.

/** The container fields the rules read. */
export interface ContainerView {
    name?: string;
    image?: string;
    resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
    securityContext?: { privileged?: boolean; runAsNonRoot?: boolean; runAsUser?: number };
    startupProbe?: unknown;
    livenessProbe?: unknown;
    readinessProbe?: unknown;
    volumeMounts?: { name?: string; mountPath?: string }[];
}

/** The pod spec fields the rules read. */
export interface PodSpecView {
    containers?: ContainerView[];
    initContainers?: ContainerView[];
    hostNetwork?: boolean;
    securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
    volumes?: { name?: string; hostPath?: { path?: string }; persistentVolumeClaim?: { claimName?: string } }[];
}

export interface ObjectMetaView {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
}

/** Pulumi type tokens of the workloads whose pods the rules check, by kind. */
export const WORKLOAD_TYPES: Record<string, string> = {
    "kubernetes:apps/v1:Deployment": "Deployment",
    "kubernetes:apps/v1:StatefulSet": "StatefulSet",
    "kubernetes:apps/v1:DaemonSet": "DaemonSet",
    "kubernetes:apps/v1:ReplicaSet": "ReplicaSet",
    "kubernetes:batch/v1:Job": "Job",
    "kubernetes:batch/v1:CronJob": "CronJob",
    "kubernetes:core/v1:Pod": "Pod",
};

/** A workload's pod: its spec and labels, or undefined when the type is not a workload. */
export interface PodView {
    kind: string;
    spec?: PodSpecView;
    labels: Record<string, string>;
}

interface TemplateView { metadata?: ObjectMetaView; spec?: PodSpecView }

export function podOf(type: string, props: Record<string, unknown>): PodView | undefined {
    const kind = WORKLOAD_TYPES[type];
    if (!kind) {
        return undefined;
    }
    const spec = props.spec as Record<string, unknown> | undefined;
    if (kind === "Pod") {
        return { kind, spec: spec as PodSpecView | undefined, labels: (props.metadata as ObjectMetaView | undefined)?.labels ?? {} };
    }
    const template = (kind === "CronJob"
        ? ((spec?.jobTemplate as { spec?: { template?: TemplateView } } | undefined)?.spec?.template)
        : spec?.template as TemplateView | undefined);
    return { kind, spec: template?.spec, labels: template?.metadata?.labels ?? {} };
}

/** Every container of a pod spec, init containers included, with a display name. */
export function allContainers(spec: PodSpecView): { where: string; container: ContainerView }[] {
    return [
        ...(spec.initContainers ?? []).map(c => ({ where: `init container ${c.name ?? "?"}`, container: c })),
        ...(spec.containers ?? []).map(c => ({ where: `container ${c.name ?? "?"}`, container: c })),
    ];
}

/** A resource's display name for messages: Kind namespace/name. */
export function describe(type: string, props: Record<string, unknown>): string {
    const meta = props.metadata as ObjectMetaView | undefined;
    const kind = type.split(":").pop() ?? type;
    return `${kind} ${meta?.namespace ? `${meta.namespace}/` : ""}${meta?.name ?? "(unnamed)"}`;
}
