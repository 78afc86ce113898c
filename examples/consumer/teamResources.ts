import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { JenkinsStack } from "../../outputs";

/** Arguments of {@link TeamJenkinsResources}. */
export interface TeamJenkinsResourcesArgs {
    /** The shared Jenkins, read with readJenkinsStack. */
    jenkins: JenkinsStack;
    /** The team's name; prefixes the objects. */
    team: string;
    /** Namespace created for the team's apps. */
    appNamespace: string;
    /** Registry account the team's jobs push images with. */
    registryUser: string;
    /** Its password, a secret. */
    registryPassword: pulumi.Output<string>;
}

/**
 * What a team sets up around a shared Jenkins: a Secret with its jobs' registry credentials in the
 * agent namespace (where its pipeline pods can mount it), and a ConfigMap with the Jenkins URLs in
 * its own namespace, for apps that trigger jobs or link to them.
 */
export class TeamJenkinsResources extends pulumi.ComponentResource {
    readonly credentialsSecretName: pulumi.Output<string>;
    readonly endpointsConfigMapName: pulumi.Output<string>;

    constructor(name: string, args: TeamJenkinsResourcesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("jenkins-consumer:team:TeamJenkinsResources", name, {}, opts);
        const labels = {
            "app.kubernetes.io/name": "jenkins-consumer",
            "app.kubernetes.io/instance": args.team,
            "app.kubernetes.io/part-of": args.team,
            "app.kubernetes.io/managed-by": "pulumi",
        };

        const credentials = new k8s.core.v1.Secret(`${name}-registry`, {
            metadata: {
                name: `${args.team}-registry`,
                namespace: args.jenkins.agentNamespace,
                labels: { ...labels, "app.kubernetes.io/component": "ci-credentials" },
            },
            type: "kubernetes.io/basic-auth",
            stringData: { username: args.registryUser, password: args.registryPassword },
        }, { parent: this });
        this.credentialsSecretName = credentials.metadata.name;

        const namespace = new k8s.core.v1.Namespace(`${name}-apps`, {
            metadata: { name: args.appNamespace, labels: { ...labels, "app.kubernetes.io/component": "apps" } },
        }, { parent: this });

        const endpoints = new k8s.core.v1.ConfigMap(`${name}-jenkins-endpoints`, {
            metadata: {
                name: "jenkins-endpoints",
                namespace: namespace.metadata.name,
                labels: { ...labels, "app.kubernetes.io/component": "apps" },
            },
            data: {
                JENKINS_URL: args.jenkins.inClusterUrl,
                JENKINS_PUBLIC_URL: args.jenkins.url,
                JENKINS_AGENT_NAMESPACE: args.jenkins.agentNamespace,
            },
        }, { parent: this });
        this.endpointsConfigMapName = endpoints.metadata.name;
        this.registerOutputs({ credentialsSecretName: this.credentialsSecretName, endpointsConfigMapName: this.endpointsConfigMapName });
    }
}
