// Composes the components of one stack from its validated configuration.
import * as pulumi from "@pulumi/pulumi";
import { AdminCredentials } from "./components/adminCredentials";
import { AgentCapacity } from "./components/agentCapacity";
import { ExternalAccess } from "./components/externalAccess";
import { JenkinsAccess } from "./components/jenkinsAccess";
import { JenkinsController } from "./components/jenkinsController";
import { JenkinsHome } from "./components/jenkinsHome";
import { JenkinsIngress } from "./components/jenkinsIngress";
import { JenkinsMetrics, METRICS_PATH, scrapeAnnotations } from "./components/jenkinsMetrics";
import { JenkinsService, WEB_SERVICE_LABEL } from "./components/jenkinsService";
import { NfsProvisioner } from "./components/nfsProvisioner";
import { ConfigError, StackConfig } from "./config";
import { CASC_KEY } from "./policy/shared/conventions";
import { checkCasc, uncheckedPins } from "./lib/cascSchema";
import { buildCasc, HTTP_PORT, jenkinsHosts, proxySettings, renderCasc, renderPlugins } from "./lib/jcasc";
import { labels } from "./lib/labels";
import { asSecret, CONTRACT_MINOR_VERSION, CONTRACT_VERSION, ExternalAccessOutputs, StackOutputs } from "./outputs";

/** The most data a ConfigMap may hold (k8s.io/kubernetes pkg/apis/core/validation: 1 MiB). */
const CONFIG_MAP_MAX_BYTES = 1024 * 1024;

/** Creates every resource of a stack and returns its outputs. */
export function createStack(cfg: StackConfig, stack: string = pulumi.getStack()): StackOutputs {
    const { storage, jenkins, agents } = cfg;
    // Before any resource: a jenkins.yaml the pinned Jenkins would refuse is a crash-looping
    // controller; refuse it here (a bug of this program, never of the user's config).
    const casc = buildCasc(cfg, stack);
    const refused = checkCasc(casc);
    if (refused.length > 0) {
        throw new pulumi.RunError(`jenkins.yaml would not load in the pinned Jenkins; nothing was deployed:\n` +
            refused.map(p => `  - ${p}`).join("\n"));
    }
    // Kubernetes refuses a ConfigMap whose data exceeds 1 MiB (validation.go: MaxSecretSize applies to ConfigMaps too).
    const cascText = renderCasc(casc);
    const pluginsText = renderPlugins(cfg);
    const configBytes = Buffer.byteLength(cascText) + Buffer.byteLength(pluginsText) + CASC_KEY.length + "plugins.txt".length;
    if (configBytes > CONFIG_MAP_MAX_BYTES) {
        throw new ConfigError([{ key: "agentTemplates", message: `make jenkins.yaml ${configBytes} bytes with plugins.txt, ` +
            `over the ${CONFIG_MAP_MAX_BYTES}-byte ConfigMap limit: fewer or smaller templates` }]);
    }
    for (const warning of uncheckedPins(jenkins.image, jenkins.plugins)) {
        void pulumi.log.warn(warning);
    }

    const nfs = storage.provisioner && new NfsProvisioner("nfs", {
        ...storage.provisioner,
        storageClassName: storage.className,
        isDefault: storage.isDefault,
        archiveOnDelete: storage.archiveOnDelete,
        reclaimPolicy: storage.reclaimPolicy,
        mountOptions: storage.mountOptions,
    });
    const storageClassName = nfs ? nfs.storageClassName : pulumi.output(storage.className);

    const access = new JenkinsAccess("jenkins-access", {
        namespace: jenkins.namespace,
        agentNamespace: agents.namespace,
        serviceAccountName: jenkins.serviceAccount,
        instance: jenkins.name,
        watchConfigMaps: jenkins.cascReloadImage !== undefined,
    });

    const capacity = new AgentCapacity("agent-capacity", {
        namespace: access.agentNamespace,
        limitRange: agents.limitRange,
        quota: agents.quota,
        caches: agents.caches,
        storageClassName,
        instance: jenkins.name,
    });

    const home = new JenkinsHome("jenkins-home", {
        namespace: access.namespace,
        claimName: `${jenkins.name}-home`,
        storageClassName,
        size: jenkins.homeSize,
        protect: jenkins.protectHome,
        instance: jenkins.name,
    });

    const admin = new AdminCredentials("jenkins-admin", {
        namespace: access.namespace,
        secretName: `${jenkins.name}-admin`,
        username: jenkins.adminUser,
        password: jenkins.adminPassword,
        instance: jenkins.name,
    });

    const controller = new JenkinsController("jenkins", {
        name: jenkins.name,
        namespace: access.namespace,
        serviceAccountName: access.serviceAccountName,
        image: jenkins.image,
        resources: jenkins.resources,
        javaOpts: jenkins.javaOpts,
        timezone: jenkins.timezone,
        casc: cascText,
        plugins: pluginsText,
        updateCenterUrl: jenkins.updateCenterUrl,
        proxy: proxySettings(cfg),
        adminSecretName: admin.secretName,
        homeClaimName: home.claimName,
        fixPermissions: jenkins.fixPermissions,
        cascReloadImage: jenkins.cascReloadImage,
        cascReloadResources: jenkins.cascReloadResources,
        adminRevision: admin.revision,
    }, { dependsOn: [capacity, access] }); // access: the Role the reload containers need exists first

    const service = new JenkinsService("jenkins", {
        name: jenkins.name,
        namespace: access.namespace,
        selector: controller.selector,
        nodePort: jenkins.nodePort,
        agentNodePort: jenkins.agentNodePort,
        annotations: cfg.metrics ? scrapeAnnotations(HTTP_PORT) : undefined,
    // After the controller is available: the provider awaits a Service until it has endpoints, and
    // created alongside the Deployment it waited about 10 s a Service (npm run bench:engine).
    }, { dependsOn: [controller] });

    const ingress = cfg.ingress && new JenkinsIngress("jenkins", {
        name: jenkins.name,
        namespace: access.namespace,
        serviceName: service.serviceName,
        ...cfg.ingress,
        // The prometheus plugin's endpoint needs no login: scrape it in-cluster, never through the Ingress.
        blockedPaths: cfg.metrics ? [METRICS_PATH.replace(/\/$/, "")] : [],
    });

    if (cfg.metrics?.serviceMonitor) {
        new JenkinsMetrics("jenkins", {
            name: jenkins.name,
            namespace: access.namespace,
            serviceLabels: { ...labels({ name: "jenkins", instance: jenkins.name, component: "controller" }), ...WEB_SERVICE_LABEL },
            extraLabels: cfg.metrics.serviceMonitorLabels,
        });
    }

    const external = cfg.externalAccess && new ExternalAccess("external-access", {
        namespace: access.agentNamespace,
        serviceAccountName: cfg.externalAccess.serviceAccount,
        agentRoleName: access.agentRoleName,
        apiServer: cfg.externalAccess.apiServer,
        instance: jenkins.name,
    });

    const hosts = jenkinsHosts(cfg);
    // Outputs wait for the objects they describe, so a consumer never reads a URL before it serves.
    const whenServed = <T>(value: T) => pulumi.all([service.serviceName, service.agentServiceName, controller.deploymentName])
        .apply(() => value);
    return {
        contractVersion: CONTRACT_VERSION,
        contractMinorVersion: CONTRACT_MINOR_VERSION,
        url: whenServed(hosts.externalUrl),
        ...(hosts.nodePortUrl ? { nodePortUrl: whenServed(hosts.nodePortUrl) } : {}),
        ...(ingress ? { ingressHost: ingress.ingress.spec.rules.apply(rules => rules[0].host ?? "") } : {}),
        adminUsername: admin.username,
        adminPassword: asSecret(admin.password),
        namespace: access.namespace,
        agentNamespace: access.agentNamespace,
        serviceName: service.serviceName,
        inClusterUrl: whenServed(hosts.inClusterUrl),
        agentTunnel: whenServed(hosts.agentTunnel),
        storageClassName,
        // Absent rather than undefined: Pulumi warns about undefined outputs.
        ...(external ? {
            externalAccess: asSecret<ExternalAccessOutputs>(
                pulumi.all([external.serviceAccountName, external.token, external.caCertificate, external.apiServer])
                    .apply(([serviceAccountName, token, caCertificate, apiServer]) => ({ serviceAccountName, token, caCertificate, apiServer }))),
        } : {}),
    };
}
