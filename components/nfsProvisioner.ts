import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { NfsProvisionerConfig } from "../config";
import { labels, selectorLabels } from "../lib/labels";

/** Arguments of {@link NfsProvisioner}: the provisioner's own settings (documented there) and its class. */
export interface NfsProvisionerArgs extends NfsProvisionerConfig {
    /** Name of the StorageClass to create. */
    storageClassName: string;
    /** Annotate the StorageClass as the cluster default. */
    isDefault: boolean;
    /** Keep (archive) a deleted claim's directory instead of deleting it. */
    archiveOnDelete: boolean;
    /** Reclaim policy of volumes of the class. */
    reclaimPolicy: "Delete" | "Retain";
    /** Mount options of volumes of the class. */
    mountOptions: string[];
}

const APP = "nfs-subdir-external-provisioner";

/**
 * Dynamic NFS provisioning against an existing NFS server: the maintained
 * nfs-subdir-external-provisioner (the seed's open-ali image breaks on Kubernetes >= 1.20), its
 * RBAC, and the StorageClass that hands out sub-directories of the export.
 */
export class NfsProvisioner extends pulumi.ComponentResource {
    /** Name of the StorageClass, known once the class exists. */
    readonly storageClassName: pulumi.Output<string>;
    /** Namespace of the provisioner. */
    readonly namespace: pulumi.Output<string>;
    readonly deployment: k8s.apps.v1.Deployment;
    readonly storageClass: k8s.storage.v1.StorageClass;

    constructor(name: string, args: NfsProvisionerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("jenkins-on-k8s:storage:NfsProvisioner", name, {}, opts);
        const parent = { parent: this };
        const meta = (component: string) => labels({ name: APP, instance: args.storageClassName, component });
        const commonLabels = meta("provisioner");

        const namespace = new k8s.core.v1.Namespace(`${name}-namespace`, {
            metadata: { name: args.namespace, labels: commonLabels },
        }, parent);
        const ns = namespace.metadata.name;

        const serviceAccount = new k8s.core.v1.ServiceAccount(`${name}-sa`, {
            metadata: { name: APP, namespace: ns, labels: commonLabels },
        }, parent);

        // What the provisioner does cluster-wide: create and delete volumes for claims of its class.
        const clusterRole = new k8s.rbac.v1.ClusterRole(`${name}-runner`, {
            metadata: { name: `${args.storageClassName}-provisioner-runner`, labels: commonLabels },
            rules: [
                { apiGroups: [""], resources: ["persistentvolumes"], verbs: ["get", "list", "watch", "create", "delete"] },
                { apiGroups: [""], resources: ["persistentvolumeclaims"], verbs: ["get", "list", "watch", "update"] },
                { apiGroups: ["storage.k8s.io"], resources: ["storageclasses"], verbs: ["get", "list", "watch"] },
                { apiGroups: [""], resources: ["events"], verbs: ["create", "update", "patch"] },
            ],
        }, parent);
        new k8s.rbac.v1.ClusterRoleBinding(`${name}-runner`, {
            metadata: { name: `${args.storageClassName}-provisioner-runner`, labels: commonLabels },
            subjects: [{ kind: "ServiceAccount", name: serviceAccount.metadata.name, namespace: ns }],
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: clusterRole.metadata.name },
        }, parent);

        // Leader election only needs its lock object, in its own namespace.
        const leaderRole = new k8s.rbac.v1.Role(`${name}-leader-locking`, {
            metadata: { name: `leader-locking-${APP}`, namespace: ns, labels: commonLabels },
            rules: [
                { apiGroups: [""], resources: ["endpoints"], verbs: ["get", "list", "watch", "create", "update", "patch"] },
            ],
        }, parent);
        const leaderBinding = new k8s.rbac.v1.RoleBinding(`${name}-leader-locking`, {
            metadata: { name: `leader-locking-${APP}`, namespace: ns, labels: commonLabels },
            subjects: [{ kind: "ServiceAccount", name: serviceAccount.metadata.name, namespace: ns }],
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: leaderRole.metadata.name },
        }, parent);

        const podLabels = selectorLabels({ name: APP, instance: args.storageClassName, component: "provisioner" });
        this.deployment = new k8s.apps.v1.Deployment(`${name}-deployment`, {
            metadata: { name: APP, namespace: ns, labels: commonLabels },
            spec: {
                replicas: 1,
                // Never two provisioners for one class at a time.
                strategy: { type: "Recreate" },
                selector: { matchLabels: podLabels },
                template: {
                    metadata: { labels: commonLabels },
                    spec: {
                        serviceAccountName: serviceAccount.metadata.name,
                        securityContext: { seccompProfile: { type: "RuntimeDefault" } },
                        containers: [{
                            name: "nfs-client-provisioner",
                            image: args.image,
                            imagePullPolicy: "IfNotPresent",
                            env: [
                                { name: "PROVISIONER_NAME", value: args.provisionerName },
                                { name: "NFS_SERVER", value: args.server },
                                { name: "NFS_PATH", value: args.path },
                            ],
                            resources: args.resources,
                            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
                            volumeMounts: [{ name: "nfs-client-root", mountPath: "/persistentvolumes" }],
                        }],
                        volumes: [{ name: "nfs-client-root", nfs: { server: args.server, path: args.path } }],
                    },
                },
            },
        }, { parent: this, dependsOn: [leaderBinding] });

        this.storageClass = new k8s.storage.v1.StorageClass(`${name}-class`, {
            metadata: {
                name: args.storageClassName,
                labels: commonLabels,
                annotations: { "storageclass.kubernetes.io/is-default-class": String(args.isDefault) },
            },
            provisioner: args.provisionerName,
            parameters: { archiveOnDelete: String(args.archiveOnDelete) },
            reclaimPolicy: args.reclaimPolicy,
            volumeBindingMode: "Immediate",
            allowVolumeExpansion: false,
            mountOptions: args.mountOptions,
        }, { parent: this, dependsOn: [this.deployment] }); // claims of the class bind only once it runs

        this.storageClassName = this.storageClass.metadata.name;
        this.namespace = ns;
        this.registerOutputs({ storageClassName: this.storageClassName, namespace: this.namespace });
    }
}
