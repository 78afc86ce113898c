// The stack's outputs: an API other stacks read with StackReference.
import * as pulumi from "@pulumi/pulumi";

/** Outputs present when externalAccessEnabled is true. */
export interface ExternalAccessOutputs {
    /** ServiceAccount of the outside Jenkins, in the agent namespace. */
    serviceAccountName: pulumi.Output<string>;
    /** Its bearer token. Secret. */
    token: pulumi.Output<string>;
    /** The cluster CA certificate (PEM). Secret. */
    caCertificate: pulumi.Output<string>;
    /** API server URL the outside Jenkins uses. */
    apiServer: pulumi.Output<string>;
}

/** Every output of a jenkins-on-k8s stack. */
export interface StackOutputs {
    /** Version of this contract; raised on any incompatible change. */
    contractVersion: number;
    /** Web UI through the NodePort: http://<nodeAddress>:<serviceNodePort>. */
    url: pulumi.Output<string>;
    /** Administrator user name. */
    adminUsername: pulumi.Output<string>;
    /** Administrator password. Secret. */
    adminPassword: pulumi.Output<string>;
    /** Namespace of the controller. */
    namespace: pulumi.Output<string>;
    /** Namespace where agent pods run. */
    agentNamespace: pulumi.Output<string>;
    /** Name of the controller's Service. */
    serviceName: pulumi.Output<string>;
    /** URL of Jenkins inside the cluster. */
    inClusterUrl: pulumi.Output<string>;
    /** host:port inbound agents connect to inside the cluster. */
    agentTunnel: pulumi.Output<string>;
    /** StorageClass of JENKINS_HOME and the agent caches. */
    storageClassName: pulumi.Output<string>;
    /** Credentials for a Jenkins outside the cluster; absent unless enabled. */
    externalAccess?: ExternalAccessOutputs;
}
