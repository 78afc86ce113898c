import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ContainerResources } from "../config";
import { ADMIN_PASSWORD_ENV, AGENT_PORT, configChecksum, HTTP_PORT } from "../lib/jcasc";
import { labels, selectorLabels } from "../lib/labels";
import { CASC_KEY, CONFIG_CHECKSUM_ANNOTATION } from "../policy/shared/conventions";
import { ADMIN_SECRET_KEYS } from "./adminCredentials";

/** Arguments of {@link JenkinsController}. */
export interface JenkinsControllerArgs {
    /** Name of the Deployment and ConfigMap; also app.kubernetes.io/instance. */
    name: string;
    /** The Jenkins namespace. */
    namespace: pulumi.Input<string>;
    /** ServiceAccount the Kubernetes plugin acts as. */
    serviceAccountName: pulumi.Input<string>;
    /** Pinned Jenkins image; it also runs jenkins-plugin-cli in the init container. */
    image: string;
    /** Requests and limits of the controller and its init containers. */
    resources: ContainerResources;
    /** JVM options (the seed's provisioning tunings); the time zone and wizard switch are added. */
    javaOpts: string;
    /** IANA time zone of the controller. */
    timezone: string;
    /** The JCasC YAML text, built from plain config. */
    casc: string;
    /** plugins.txt for jenkins-plugin-cli. */
    plugins: string;
    /** Update-center URL for plugin downloads, if a mirror is used. */
    updateCenterUrl?: string;
    /**
     * HTTP proxy for plugin downloads and the controller: its URL, the NO_PROXY list, and the same
     * as Java system properties (jenkins-plugin-cli reads only those).
     */
    proxy?: { url: string; noProxy: string; javaOpts: string };
    /** Secret holding the admin password under the key `password`. */
    adminSecretName: pulumi.Input<string>;
    /** Claim holding JENKINS_HOME. */
    homeClaimName: pulumi.Input<string>;
    /** Add an init container that gives JENKINS_HOME to uid 1000 (NFS exports owned by root). */
    fixPermissions: boolean;
    /**
     * Image of the sidecar that applies a changed jenkins.yaml to the running controller; the
     * ServiceAccount must be allowed to watch the namespace's ConfigMaps. Undefined: a changed
     * jenkins.yaml restarts the controller instead.
     */
    cascReloadImage?: string;
    /** Requests and limits of the reload containers. */
    cascReloadResources: ContainerResources;
    /**
     * Changes whenever the admin password (and so the reload token) changes: on the pod template,
     * it restarts the controller, which reads both only at start. Not secret (a hash of a hash).
     */
    adminRevision: pulumi.Input<string>;
}

/** Pod-template annotation that follows the admin credentials. */
export const ADMIN_REVISION_ANNOTATION = "jenkins-on-k8s/admin-revision";

const JENKINS_HOME = "/var/jenkins_home";
const CASC_DIR = "/var/jenkins_casc";
/** Where the reload sidecar writes the ConfigMap's files (an emptyDir), with a reload loop. */
const CASC_LIVE_DIR = "/var/jenkins_casc_live";
/** Label of the ConfigMap the reload sidecar watches; its value is the Jenkins name. */
export const CASC_WATCH_LABEL = "jenkins-on-k8s/casc";
/** The sidecar's health port (its default, 8080, is Jenkins'). */
const SIDECAR_HEALTH_PORT = 8060;

const PLUGIN_DIR = "/var/jenkins_plugins";
/** Caches that may be lost at any restart, like the chart's /var/jenkins_cache. */
const CACHE_DIR = "/var/jenkins_cache";
const WEBROOT = `${CACHE_DIR}/war`;
const JENKINS_UID = 1000;

/**
 * A shell script that gives `dir` to uid:uid when another user owns it, and explains the NFS
 * export settings when root may not change it.
 */
export function fixPermissionsScript(dir: string, uid: number): string {
    // Jenkins needs to own the directory; its group does not matter (an export owned by
    // 1000:<another gid> is fine, and root_squash would refuse to change it anyway).
    return [
        `owner=$(stat -c %u:%g ${dir})`,
        `[ "\${owner%%:*}" = ${uid} ] && exit 0`,
        `chown ${uid}:${uid} ${dir} && { echo "${dir}: owner $owner changed to ${uid}:${uid}"; exit 0; }`,
        `echo "${dir} belongs to $owner and root may not change it (NFS root_squash?):` +
        ` chown the export directory to ${uid}:${uid} on the NFS server, or export it with no_root_squash" >&2`,
        "exit 1",
    ].join("\n");
}

/**
 * The Jenkins controller: its JCasC ConfigMap and a single-replica Deployment with the Recreate
 * strategy (one writer on JENKINS_HOME), pinned plugins installed by an init container, probes on
 * /login with a startup probe instead of a fixed delay, and a non-root security context.
 */
export class JenkinsController extends pulumi.ComponentResource {
    /** Name of the Deployment. */
    readonly deploymentName: pulumi.Output<string>;
    /** Name of the ConfigMap holding jenkins.yaml and plugins.txt. */
    readonly configMapName: pulumi.Output<string>;
    /** Digest of the configuration, set as a pod-template annotation. */
    readonly checksum: string;
    /** Labels selecting the controller pod (for the Service). */
    readonly selector: Record<string, string>;
    readonly deployment: k8s.apps.v1.Deployment;

    constructor(name: string, args: JenkinsControllerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("jenkins-on-k8s:jenkins:JenkinsController", name, {}, opts);
        const meta = labels({ name: "jenkins", instance: args.name, component: "controller" });
        this.selector = selectorLabels({ name: "jenkins", instance: args.name, component: "controller" });

        const reload = args.cascReloadImage;
        const configMap = new k8s.core.v1.ConfigMap(`${name}-config`, {
            metadata: {
                name: `${args.name}-config`,
                namespace: args.namespace,
                labels: { ...meta, ...(reload ? { [CASC_WATCH_LABEL]: args.name } : {}) },
            },
            data: { [CASC_KEY]: args.casc, "plugins.txt": args.plugins },
        }, { parent: this });
        this.configMapName = configMap.metadata.name;
        // What needs a restart: plugins, the mirror and the proxy. jenkins.yaml only when it is not reloaded live.
        this.checksum = configChecksum(reload ? "" : args.casc, args.plugins, args.updateCenterUrl ?? "", args.proxy?.url ?? "");

        const proxy = args.proxy;
        const proxyEnv = proxy
            ? [["HTTP_PROXY", proxy.url], ["HTTPS_PROXY", proxy.url], ["http_proxy", proxy.url], ["https_proxy", proxy.url],
                ["NO_PROXY", proxy.noProxy], ["no_proxy", proxy.noProxy]].map(([name, value]) => ({ name, value }))
            : [];
        const restricted: k8s.types.input.core.v1.SecurityContext = {
            allowPrivilegeEscalation: false,
            runAsNonRoot: true,
            runAsUser: JENKINS_UID,
            runAsGroup: JENKINS_UID,
            capabilities: { drop: ["ALL"] },
        };
        const initContainers: k8s.types.input.core.v1.Container[] = [];
        if (args.fixPermissions) {
            // The seed's "Wrong volume permissions?": the provisioner creates the claim's directory
            // as root. Only that directory is wrong (Jenkins creates everything below it as uid
            // 1000), so fix it alone, and only when it is wrong: never `chown -R` a large home at
            // every start. Under root_squash root cannot chown on NFS; say so instead of looping.
            initContainers.push({
                name: "fix-permissions",
                image: args.image,
                command: ["sh", "-c", fixPermissionsScript(JENKINS_HOME, JENKINS_UID)],
                resources: args.resources,
                securityContext: {
                    runAsUser: 0,
                    runAsNonRoot: false,
                    allowPrivilegeEscalation: false,
                    capabilities: { drop: ["ALL"], add: ["CHOWN"] },
                },
                volumeMounts: [{ name: "jenkins-home", mountPath: JENKINS_HOME }],
            });
        }
        initContainers.push({
            name: "install-plugins",
            image: args.image,
            command: [
                "jenkins-plugin-cli",
                "--war", "/usr/share/jenkins/jenkins.war",
                "--plugin-file", `${CASC_DIR}/plugins.txt`,
                "--plugin-download-directory", PLUGIN_DIR,
                "--latest", "false",
                ...(args.updateCenterUrl ? ["--jenkins-update-center", args.updateCenterUrl] : []),
            ],
            // jenkins-plugin-cli ignores HTTP_PROXY: it takes Java's proxy properties from JAVA_OPTS.
            env: proxy ? [{ name: "JAVA_OPTS", value: proxy.javaOpts }] : [],
            resources: args.resources,
            securityContext: restricted,
            volumeMounts: [
                { name: "config", mountPath: CASC_DIR, readOnly: true },
                { name: "plugins", mountPath: PLUGIN_DIR },
                { name: "tmp", mountPath: "/tmp" },
            ],
        });

        // Live reload, as the Jenkins chart does it: k8s-sidecar copies the watched ConfigMap's files
        // into an emptyDir (once before Jenkins starts, then on every change) and POSTs to JCasC's
        // TokenReloadAction with the token both containers read from the Secret.
        const tokenEnv: k8s.types.input.core.v1.EnvVar = {
            name: "CASC_RELOAD_TOKEN",
            valueFrom: { secretKeyRef: { name: args.adminSecretName, key: ADMIN_SECRET_KEYS.cascReloadToken } },
        };
        const sidecar = (name: string, watch: boolean): k8s.types.input.core.v1.Container => ({
            name,
            image: reload,
            env: [
                { name: "LABEL", value: CASC_WATCH_LABEL },
                { name: "LABEL_VALUE", value: args.name },
                { name: "FOLDER", value: CASC_LIVE_DIR },
                { name: "NAMESPACE", value: args.namespace },
                { name: "RESOURCE", value: "configmap" },
                { name: "HEALTH_PORT", value: String(SIDECAR_HEALTH_PORT) },
                // At INFO it logs the request URL, token included.
                { name: "LOG_LEVEL", value: "WARN" },
                ...(watch ? [
                    { name: "METHOD", value: "WATCH" },
                    tokenEnv,
                    // The trailing slash matters: TokenReloadCrumbExclusion matches the exact path.
                    { name: "REQ_URL", value: `http://localhost:${HTTP_PORT}/reload-configuration-as-code/?casc-reload-token=$(CASC_RELOAD_TOKEN)` },
                    { name: "REQ_METHOD", value: "POST" },
                    // Jenkins may be starting: retry longer than the default 5 (TOTAL caps CONNECT).
                    { name: "REQ_RETRY_TOTAL", value: "10" },
                    { name: "REQ_RETRY_CONNECT", value: "10" },
                ] : [{ name: "METHOD", value: "LIST" }]),
            ],
            resources: args.cascReloadResources,
            securityContext: { ...restricted, readOnlyRootFilesystem: true },
            volumeMounts: [{ name: "casc-live", mountPath: CASC_LIVE_DIR }],
        });
        if (reload) {
            initContainers.push(sidecar("casc-load", false));
        }

        const probe = (failureThreshold: number): k8s.types.input.core.v1.Probe => ({
            httpGet: { path: "/login", port: "http" },
            periodSeconds: 10,
            timeoutSeconds: 5,
            failureThreshold,
        });

        this.deployment = new k8s.apps.v1.Deployment(`${name}-deployment`, {
            metadata: { name: args.name, namespace: args.namespace, labels: meta },
            spec: {
                replicas: 1,
                // Never two controllers on one JENKINS_HOME, not even during a rollout.
                strategy: { type: "Recreate" },
                selector: { matchLabels: this.selector },
                template: {
                    metadata: { labels: meta, annotations: { [CONFIG_CHECKSUM_ANNOTATION]: this.checksum, [ADMIN_REVISION_ANNOTATION]: args.adminRevision } },
                    spec: {
                        serviceAccountName: args.serviceAccountName,
                        enableServiceLinks: false,
                        securityContext: {
                            fsGroup: JENKINS_UID,
                            fsGroupChangePolicy: "OnRootMismatch",
                            seccompProfile: { type: "RuntimeDefault" },
                        },
                        initContainers,
                        containers: [{
                            name: "jenkins",
                            image: args.image,
                            imagePullPolicy: "IfNotPresent",
                            env: [
                                {
                                    name: "JAVA_OPTS",
                                    value: [args.javaOpts, `-Duser.timezone=${args.timezone}`,
                                        "-Djenkins.install.runSetupWizard=false"].filter(s => s !== "").join(" "),
                                },
                                // The WAR unpacks to an emptyDir, not onto JENKINS_HOME on NFS at every start.
                                { name: "JENKINS_OPTS", value: `--webroot=${WEBROOT}` },
                                { name: "TZ", value: args.timezone },
                                { name: "JENKINS_HOME", value: JENKINS_HOME },
                                { name: "CASC_JENKINS_CONFIG", value: `${reload ? CASC_LIVE_DIR : CASC_DIR}/${CASC_KEY}` },
                                ...(reload ? [tokenEnv] : []),
                                {
                                    name: ADMIN_PASSWORD_ENV,
                                    valueFrom: { secretKeyRef: { name: args.adminSecretName, key: ADMIN_SECRET_KEYS.password } },
                                },
                                ...proxyEnv,
                            ],
                            ports: [
                                { name: "http", containerPort: HTTP_PORT, protocol: "TCP" },
                                { name: "agent", containerPort: AGENT_PORT, protocol: "TCP" },
                            ],
                            // Up to 10 minutes for a first start (plugin load, JCasC) before liveness applies.
                            startupProbe: probe(60),
                            livenessProbe: probe(5),
                            readinessProbe: probe(3),
                            resources: args.resources,
                            securityContext: restricted,
                            volumeMounts: [
                                { name: "jenkins-home", mountPath: JENKINS_HOME },
                                { name: "config", mountPath: CASC_DIR, readOnly: true },
                                // Exactly the pinned plugins at every start, over whatever JENKINS_HOME/plugins
                                // holds on NFS: the image's entrypoint would keep an installed plugin that is
                                // newer than the pin (jenkins-support skips "older" image versions).
                                { name: "plugins", mountPath: `${JENKINS_HOME}/plugins` },
                                { name: "jenkins-cache", mountPath: CACHE_DIR },
                                { name: "tmp", mountPath: "/tmp" },
                                ...(reload ? [{ name: "casc-live", mountPath: CASC_LIVE_DIR, readOnly: true }] : []),
                            ],
                        }, ...(reload ? [sidecar("casc-reload", true)] : [])],
                        volumes: [
                            { name: "jenkins-home", persistentVolumeClaim: { claimName: args.homeClaimName } },
                            { name: "config", configMap: { name: this.configMapName } },
                            { name: "plugins", emptyDir: {} },
                            { name: "jenkins-cache", emptyDir: {} },
                            { name: "tmp", emptyDir: {} },
                            ...(reload ? [{ name: "casc-live", emptyDir: {} }] : []),
                        ],
                    },
                },
            },
        }, { parent: this });
        this.deploymentName = this.deployment.metadata.name;
        this.registerOutputs({ deploymentName: this.deploymentName, configMapName: this.configMapName });
    }
}
