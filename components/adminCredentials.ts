import { createHash, createHmac } from "crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { labels } from "../lib/labels";

/** Arguments of {@link AdminCredentials}. */
export interface AdminCredentialsArgs {
    /** Namespace of the Secret (the Jenkins namespace). */
    namespace: pulumi.Input<string>;
    /** Name of the Secret. */
    secretName: string;
    /** Jenkins administrator user name. */
    username: string;
    /** A password from secret config; when undefined one is generated with @pulumi/random. */
    password?: pulumi.Output<string>;
    /** app.kubernetes.io/instance of the Secret (the Jenkins name). */
    instance: string;
}

/** Keys of the Secret the controller reads. */
export const ADMIN_SECRET_KEYS = { username: "username", password: "password", cascReloadToken: "casc-reload-token" } as const;

/**
 * The token that lets the JCasC reload sidecar ask Jenkins to reload (TokenReloadAction):
 * derived from the password, so it is as secret, stable across updates, and changes with it.
 */
export function cascReloadToken(password: string): string {
    return createHmac("sha256", password).update("jenkins-on-k8s casc reload").digest("hex");
}

/**
 * The administrator's credentials in a Kubernetes Secret. The controller reads the password from
 * the Secret into an environment variable; it never appears in a ConfigMap or a literal.
 */
export class AdminCredentials extends pulumi.ComponentResource {
    /** Name of the Secret. */
    readonly secretName: pulumi.Output<string>;
    readonly username: pulumi.Output<string>;
    /** The password, always a secret output. */
    readonly password: pulumi.Output<string>;
    /** A short, non-secret digest that changes with the password (for the controller's pod template). */
    readonly revision: pulumi.Output<string>;

    constructor(name: string, args: AdminCredentialsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("jenkins-on-k8s:jenkins:AdminCredentials", name, {}, opts);
        const password = args.password ?? new random.RandomPassword(`${name}-password`, {
            length: 24,
            special: false, // shells and URLs take it without quoting
            minLower: 2,
            minUpper: 2,
            minNumeric: 2,
        }, { parent: this }).result;
        this.password = pulumi.secret(password);

        const secret = new k8s.core.v1.Secret(`${name}-secret`, {
            metadata: {
                name: args.secretName,
                namespace: args.namespace,
                labels: labels({ name: "jenkins", instance: args.instance, component: "controller" }),
            },
            type: "Opaque",
            stringData: {
                [ADMIN_SECRET_KEYS.username]: args.username,
                [ADMIN_SECRET_KEYS.password]: this.password,
                [ADMIN_SECRET_KEYS.cascReloadToken]: pulumi.secret(this.password.apply(cascReloadToken)),
            },
        }, { parent: this });
        this.secretName = secret.metadata.name;
        // A hash of the HMAC: it reveals nothing of the password, so it need not be secret.
        this.revision = pulumi.unsecret(this.password.apply(p => createHash("sha256").update(cascReloadToken(p)).digest("hex").slice(0, 16)));
        this.username = pulumi.output(args.username);
        this.registerOutputs({ secretName: this.secretName, username: this.username, password: this.password, revision: this.revision });
    }
}
