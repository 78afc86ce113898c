import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { labels } from "../lib/labels";
import { JENKINS_HOME_LABEL } from "../policy/shared/conventions";

/** Arguments of {@link JenkinsHome}. */
export interface JenkinsHomeArgs {
    /** Namespace of the claim (the Jenkins namespace). */
    namespace: pulumi.Input<string>;
    /** Name of the claim. */
    claimName: string;
    /** StorageClass of the claim (the NFS class). */
    storageClassName: pulumi.Input<string>;
    /** Requested size, a Kubernetes quantity. */
    size: string;
    /** Protect the claim from deletion by Pulumi (production). */
    protect: boolean;
    /** app.kubernetes.io/instance of the claim (the Jenkins name). */
    instance: string;
}

/**
 * The ReadWriteMany claim that holds JENKINS_HOME. Losing it loses every job and build, so
 * production stacks protect it: `pulumi destroy` refuses until it is unprotected.
 */
export class JenkinsHome extends pulumi.ComponentResource {
    /** Name of the claim, known once it exists. */
    readonly claimName: pulumi.Output<string>;
    readonly claim: k8s.core.v1.PersistentVolumeClaim;

    constructor(name: string, args: JenkinsHomeArgs, opts?: pulumi.ComponentResourceOptions) {
        super("jenkins-on-k8s:jenkins:JenkinsHome", name, {}, opts);
        this.claim = new k8s.core.v1.PersistentVolumeClaim(`${name}-claim`, {
            metadata: {
                name: args.claimName,
                namespace: args.namespace,
                labels: { ...labels({ name: "jenkins", instance: args.instance, component: "controller" }), [JENKINS_HOME_LABEL]: "true" },
            },
            spec: {
                accessModes: ["ReadWriteMany"],
                storageClassName: args.storageClassName,
                resources: { requests: { storage: args.size } },
            },
        }, { parent: this, protect: args.protect });
        this.claimName = this.claim.metadata.name;
        this.registerOutputs({ claimName: this.claimName });
    }
}
