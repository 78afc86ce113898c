import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { labels } from "../lib/labels";

/** Arguments of {@link ExternalAccess}. */
export interface ExternalAccessArgs {
    /** The agent namespace: the only one the account gets rights in. */
    namespace: pulumi.Input<string>;
    /** Name of the ServiceAccount. */
    serviceAccountName: string;
    /** ClusterRole with the agent rules (bound here with a RoleBinding, never cluster-wide). */
    agentRoleName: pulumi.Input<string>;
    /** API server URL the outside Jenkins uses. */
    apiServer: string;
    /** app.kubernetes.io/instance of the objects (the Jenkins name). */
    instance: string;
}

/**
 * Credentials for a Jenkins outside the cluster (the seed gave one a cluster-admin client
 * certificate): a ServiceAccount with only the agent rights in the agent namespace, and a
 * long-lived token Secret. Token and CA are secret outputs.
 */
export class ExternalAccess extends pulumi.ComponentResource {
    readonly serviceAccountName: pulumi.Output<string>;
    /** The bearer token, a secret output. */
    readonly token: pulumi.Output<string>;
    /** The cluster CA certificate (PEM), a secret output. */
    readonly caCertificate: pulumi.Output<string>;
    readonly apiServer: pulumi.Output<string>;

    constructor(name: string, args: ExternalAccessArgs, opts?: pulumi.ComponentResourceOptions) {
        super("jenkins-on-k8s:agents:ExternalAccess", name, {}, opts);
        const meta = labels({ name: "jenkins", instance: args.instance, component: "external-access" });

        const account = new k8s.core.v1.ServiceAccount(`${name}-sa`, {
            metadata: { name: args.serviceAccountName, namespace: args.namespace, labels: meta },
            automountServiceAccountToken: false,
        }, { parent: this });
        this.serviceAccountName = account.metadata.name;

        new k8s.rbac.v1.RoleBinding(`${name}-binding`, {
            metadata: { name: args.serviceAccountName, namespace: args.namespace, labels: meta },
            subjects: [{ kind: "ServiceAccount", name: this.serviceAccountName, namespace: args.namespace }],
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: args.agentRoleName },
        }, { parent: this });

        // Kubernetes fills a service-account-token Secret with the token and the CA.
        const tokenSecret = new k8s.core.v1.Secret(`${name}-token`, {
            metadata: {
                name: `${args.serviceAccountName}-token`,
                namespace: args.namespace,
                labels: meta,
                annotations: { "kubernetes.io/service-account.name": args.serviceAccountName },
            },
            type: "kubernetes.io/service-account-token",
        }, { parent: this, dependsOn: [account], additionalSecretOutputs: ["data"] });

        const decoded = (key: string) => pulumi.secret(tokenSecret.data.apply(data =>
            data?.[key] ? Buffer.from(data[key], "base64").toString("utf8") : ""));
        this.token = decoded("token");
        this.caCertificate = decoded("ca.crt");
        this.apiServer = pulumi.output(args.apiServer);
        this.registerOutputs({
            serviceAccountName: this.serviceAccountName,
            token: this.token,
            caCertificate: this.caCertificate,
            apiServer: this.apiServer,
        });
    }
}
