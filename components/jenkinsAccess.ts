import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { labels } from "../lib/labels";

/** Arguments of {@link JenkinsAccess}. */
export interface JenkinsAccessArgs {
    /** Namespace created for the controller. */
    namespace: string;
    /** Namespace where agent pods run; created too when it differs from `namespace`. */
    agentNamespace: string;
    /** ServiceAccount of the controller. */
    serviceAccountName: string;
    /** app.kubernetes.io/instance of the objects (the Jenkins name). */
    instance: string;
    /** Let the controller's pod read ConfigMaps of its namespace (the JCasC reload sidecar watches its own). */
    watchConfigMaps: boolean;
}

/** What the JCasC reload sidecar needs: read and watch the ConfigMaps of the Jenkins namespace. */
export const CONFIG_WATCH_RULES: k8s.types.input.rbac.v1.PolicyRule[] = [
    { apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list", "watch"] },
];

/**
 * The rules the Kubernetes plugin needs to run agents, and nothing else: manage agent pods, exec
 * into them, read their logs and events, and read the secrets pod templates reference.
 */
export const AGENT_RULES: k8s.types.input.rbac.v1.PolicyRule[] = [
    { apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch", "create", "delete", "patch", "update"] },
    { apiGroups: [""], resources: ["pods/exec"], verbs: ["get", "create"] },
    { apiGroups: [""], resources: ["pods/log"], verbs: ["get", "list", "watch"] },
    { apiGroups: [""], resources: ["events"], verbs: ["get", "list", "watch"] },
    { apiGroups: [""], resources: ["secrets"], verbs: ["get"] },
];

/**
 * The Jenkins namespace (and the agent namespace when separate), the controller's ServiceAccount,
 * and least-privilege RBAC: a ClusterRole holding {@link AGENT_RULES}, bound by a RoleBinding only
 * in the agent namespace, never cluster-wide (the seed bound a broad ClusterRole cluster-wide).
 */
export class JenkinsAccess extends pulumi.ComponentResource {
    /** The Jenkins namespace, known once it exists. */
    readonly namespace: pulumi.Output<string>;
    /** The agent namespace, known once it exists. */
    readonly agentNamespace: pulumi.Output<string>;
    /** The controller's ServiceAccount name. */
    readonly serviceAccountName: pulumi.Output<string>;
    /** The ClusterRole with the agent rules, for other bindings (external access). */
    readonly agentRoleName: pulumi.Output<string>;

    constructor(name: string, args: JenkinsAccessArgs, opts?: pulumi.ComponentResourceOptions) {
        super("jenkins-on-k8s:jenkins:JenkinsAccess", name, {}, opts);
        const parent = { parent: this };
        const meta = (component: string) => labels({ name: "jenkins", instance: args.instance, component });

        const namespace = new k8s.core.v1.Namespace(`${name}-namespace`, {
            metadata: { name: args.namespace, labels: meta("controller") },
        }, parent);
        this.namespace = namespace.metadata.name;
        this.agentNamespace = args.agentNamespace === args.namespace
            ? this.namespace
            : new k8s.core.v1.Namespace(`${name}-agent-namespace`, {
                metadata: { name: args.agentNamespace, labels: meta("agent") },
            }, parent).metadata.name;

        const serviceAccount = new k8s.core.v1.ServiceAccount(`${name}-sa`, {
            metadata: { name: args.serviceAccountName, namespace: this.namespace, labels: meta("controller") },
        }, parent);
        this.serviceAccountName = serviceAccount.metadata.name;

        const role = new k8s.rbac.v1.ClusterRole(`${name}-agents`, {
            metadata: { name: `${args.instance}-${args.namespace}-agents`, labels: meta("rbac") },
            rules: AGENT_RULES,
        }, parent);
        this.agentRoleName = role.metadata.name;

        new k8s.rbac.v1.RoleBinding(`${name}-agents`, {
            metadata: { name: `${args.instance}-agents`, namespace: this.agentNamespace, labels: meta("rbac") },
            subjects: [{ kind: "ServiceAccount", name: this.serviceAccountName, namespace: this.namespace }],
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: this.agentRoleName },
        }, parent);

        if (args.watchConfigMaps) {
            const watch = new k8s.rbac.v1.Role(`${name}-casc-reload`, {
                metadata: { name: `${args.instance}-casc-reload`, namespace: this.namespace, labels: meta("rbac") },
                rules: CONFIG_WATCH_RULES,
            }, parent);
            new k8s.rbac.v1.RoleBinding(`${name}-casc-reload`, {
                metadata: { name: `${args.instance}-casc-reload`, namespace: this.namespace, labels: meta("rbac") },
                subjects: [{ kind: "ServiceAccount", name: this.serviceAccountName, namespace: this.namespace }],
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: watch.metadata.name },
            }, parent);
        }

        this.registerOutputs({
            namespace: this.namespace,
            agentNamespace: this.agentNamespace,
            serviceAccountName: this.serviceAccountName,
            agentRoleName: this.agentRoleName,
        });
    }
}
