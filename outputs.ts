// The stack's outputs are an API: other stacks read them with StackReference. This file is the
// contract: one type for what index.ts exports (checked by the compiler), one table describing
// each output (the README's outputs table is generated from it), and a typed reader for consumers.
import * as pulumi from "@pulumi/pulumi";

/** Raised on any incompatible change to the outputs (a rename, a removal, a changed type). */
export const CONTRACT_VERSION = 1;

/**
 * Raised when outputs are added or gain values a consumer of the same major version can still
 * read. A stack without `contractMinorVersion` is minor version 0.
 * - 1: `url` is `https://<ingressHost>` when the stack serves the UI through an Ingress;
 *   `nodePortUrl` (the NodePort's URL, when there is one) and `ingressHost` were added.
 *   Consumers may rely on `url` being the address users open, whatever serves it.
 */
export const CONTRACT_MINOR_VERSION = 1;

declare const secretBrand: unique symbol;

/** An output that is always a secret; only {@link asSecret} makes one, so the compiler checks it. */
export type SecretOutput<T> = pulumi.Output<T> & { readonly [secretBrand]: true };

/** Marks an output secret, for a {@link SecretOutput} field. */
export function asSecret<T>(value: pulumi.Input<T>): SecretOutput<T> {
    return pulumi.secret(value) as SecretOutput<T>;
}

/** Outputs present when externalAccessEnabled is true. */
export interface ExternalAccessOutputs {
    /** ServiceAccount of the outside Jenkins, in the agent namespace. */
    serviceAccountName: string;
    /** Its bearer token. */
    token: string;
    /** The cluster CA certificate (PEM). */
    caCertificate: string;
    /** API server URL the outside Jenkins uses. */
    apiServer: string;
}

/** Every output of a jenkins-on-k8s stack; `index.ts` exports exactly this. */
export interface StackOutputs {
    /** Version of this contract ({@link CONTRACT_VERSION}). */
    contractVersion: number;
    /** Minor version of this contract ({@link CONTRACT_MINOR_VERSION}). */
    contractMinorVersion: number;
    /** The address users open: https://<ingressHost> with an Ingress, else http://<nodeAddress>:<serviceNodePort>. */
    url: pulumi.Output<string>;
    /** The web UI through the NodePort, when the stack has one. */
    nodePortUrl?: pulumi.Output<string>;
    /** The Ingress's host, when the stack has an Ingress. */
    ingressHost?: pulumi.Output<string>;
    /** Administrator user name. */
    adminUsername: pulumi.Output<string>;
    /** Administrator password. */
    adminPassword: SecretOutput<string>;
    /** Namespace of the controller. */
    namespace: pulumi.Output<string>;
    /** Namespace where agent pods run (and where teams put their job credentials). */
    agentNamespace: pulumi.Output<string>;
    /** Name of the controller's Service. */
    serviceName: pulumi.Output<string>;
    /** URL of Jenkins inside the cluster. */
    inClusterUrl: pulumi.Output<string>;
    /** host:port inbound agents connect to inside the cluster. */
    agentTunnel: pulumi.Output<string>;
    /** StorageClass of JENKINS_HOME and the agent caches. */
    storageClassName: pulumi.Output<string>;
    /** Credentials for a Jenkins outside the cluster; absent unless externalAccessEnabled. */
    externalAccess?: SecretOutput<ExternalAccessOutputs>;
}

/** How one output is documented and read. */
export interface OutputSpec {
    type: "string" | "number" | "object";
    /** Whether the value is a secret; follows from the field's type (SecretOutput or not). */
    secret: boolean;
    /** Present on every stack; a consumer's read fails clearly when it is missing. */
    required: boolean;
    description: string;
}

type IsSecret<T> = T extends SecretOutput<unknown> ? true : NonNullable<T> extends SecretOutput<unknown> ? true : false;

/** The table of outputs: the compiler checks that it names every output and says true for exactly the secret ones. */
export const OUTPUTS: { [K in keyof StackOutputs]-?: OutputSpec & { secret: IsSecret<StackOutputs[K]> } } = {
    contractVersion: { type: "number", secret: false, required: true, description: `Version of this contract (${CONTRACT_VERSION}); raised on incompatible changes.` },
    contractMinorVersion: { type: "number", secret: false, required: false, description: `Minor version of this contract (${CONTRACT_MINOR_VERSION}); raised when outputs are added. Absent: 0.` },
    url: { type: "string", secret: false, required: true, description: "The address users open: `https://<ingressHost>` with an Ingress (since minor version 1), else `http://<nodeAddress>:<serviceNodePort>`." },
    nodePortUrl: { type: "string", secret: false, required: false, description: "The web UI through the NodePort `http://<nodeAddress>:<serviceNodePort>`, when there is one (since minor version 1)." },
    ingressHost: { type: "string", secret: false, required: false, description: "Host name of the Ingress, when there is one (since minor version 1)." },
    adminUsername: { type: "string", secret: false, required: true, description: "Administrator user name." },
    adminPassword: { type: "string", secret: true, required: true, description: "Administrator password." },
    namespace: { type: "string", secret: false, required: true, description: "Namespace of the controller." },
    agentNamespace: { type: "string", secret: false, required: true, description: "Namespace where agent pods run (and job credentials go)." },
    serviceName: { type: "string", secret: false, required: true, description: "Name of the controller's Service." },
    inClusterUrl: { type: "string", secret: false, required: true, description: "URL of Jenkins inside the cluster, e.g. `http://jenkins.devops.svc.cluster.local:8080`." },
    agentTunnel: { type: "string", secret: false, required: true, description: "host:port inbound agents connect to, e.g. `jenkins-agent.devops.svc.cluster.local:50000` (the `-agent` Service)." },
    storageClassName: { type: "string", secret: false, required: true, description: "StorageClass of JENKINS_HOME and the agent caches." },
    externalAccess: { type: "object", secret: true, required: false, description: "`{serviceAccountName, token, caCertificate, apiServer}` for a Jenkins outside the cluster; only when `externalAccessEnabled`." },
};

/** The value type behind an output field of {@link StackOutputs}. */
type ValueOf<T> = T extends pulumi.Output<infer U> ? U : T;

/**
 * A jenkins-on-k8s stack's outputs as a consumer sees them: every field of {@link StackOutputs}
 * (documented there) as an Output of its value, optional ones possibly undefined, secrets still
 * secret; plus the StackReference itself.
 */
export type JenkinsStack = { reference: pulumi.StackReference } & {
    [K in keyof StackOutputs]-?: pulumi.Output<ValueOf<NonNullable<StackOutputs[K]>> | (undefined extends StackOutputs[K] ? undefined : never)>;
};

/** Error of {@link readJenkinsStack} for a stack whose outputs follow another contract version. */
export class JenkinsStackError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "JenkinsStackError";
    }
}

/**
 * Reads a jenkins-on-k8s stack's outputs through a StackReference, e.g.
 * `readJenkinsStack("acme/jenkins-on-k8s/prod")`. A missing required output fails with an error
 * naming the stack and the output, an incompatible contract version with a JenkinsStackError;
 * secrets stay secrets.
 */
export function readJenkinsStack(stackName: string, opts?: pulumi.CustomResourceOptions): JenkinsStack {
    const reference = new pulumi.StackReference(`jenkins-${stackName.replace(/[^A-Za-z0-9-]/g, "-")}`, { name: stackName }, opts);
    const read = <T>(name: keyof StackOutputs): pulumi.Output<T> => {
        const spec: OutputSpec = OUTPUTS[name];
        // requireOutput fails with "Required output '<name>' does not exist on stack '<stack>'."
        const value = (spec.required ? reference.requireOutput(name) : reference.getOutput(name)) as pulumi.Output<T>;
        // A declared secret stays secret even if the producing stack forgot to mark it.
        return spec.secret ? pulumi.secret(value) as pulumi.Output<T> : value;
    };
    const contractVersion = read<number>("contractVersion").apply(version => {
        if (version !== CONTRACT_VERSION) {
            throw new JenkinsStackError(`Stack ${stackName} has outputs of contract version ${String(version)}; ` +
                `this reader understands version ${CONTRACT_VERSION}.`);
        }
        return version;
    });
    // Every output waits for the version check, so an incompatible stack fails loudly.
    const outputs = Object.fromEntries((Object.keys(OUTPUTS) as (keyof StackOutputs)[]).map(name =>
        [name, name === "contractVersion" ? contractVersion : pulumi.all([contractVersion, read(name)]).apply(([, v]) => v)]));
    return { reference, ...outputs } as JenkinsStack;
}
