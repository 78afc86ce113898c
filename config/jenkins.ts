// jenkins: the controller, its plugins, its JVM, its administrator, its proxy.
import { checkJavaOpts } from "../lib/cascSchema";
import { heapFitProblem } from "../lib/jvm";
import { parseQuantity } from "../policy/shared/quantity";
import { REQUIRED_PLUGINS } from "./keys";
import { Reader } from "./reader";
import { serviceNameProblem, show, timezoneProblem } from "./rules";
import { readService } from "./service";
import { namespaceProblem } from "./storage";
import { ContainerResources, JenkinsConfig } from "./types";

/** The reload sidecar watches one ConfigMap and posts one request: little CPU and memory. */
export const CASC_RELOAD_RESOURCES: ContainerResources = { requests: { cpu: "10m", memory: "64Mi" }, limits: { cpu: "100m", memory: "128Mi" } };

const PLUGIN = /^([A-Za-z0-9][A-Za-z0-9_.-]*):([A-Za-z0-9][A-Za-z0-9_.+-]*)$/;

/** jenkinsPlugins, jenkinsExtraPlugins and, with metrics, the pinned prometheus plugin. */
function readPlugins(r: Reader, metricsPlugin?: string): string[] {
    const base = r.stringArray("jenkinsPlugins");
    const extra = r.stringArray("jenkinsExtraPlugins");
    const seen = new Map<string, string>();
    const check = (key: string, list: string[]) => {
        for (const plugin of list) {
            const match = PLUGIN.exec(plugin);
            if (!match) {
                r.problem(key, `${show(plugin)} must be name:version with a pinned version`);
                continue;
            }
            const [, name, version] = match;
            if (version === "latest" || version === "experimental") {
                r.problem(key, `${show(plugin)} must pin a version, not ${version}`);
            }
            if (seen.has(name)) {
                r.problem(key, `plugin ${name} is listed twice (${seen.get(name)} and ${plugin})`);
            }
            seen.set(name, plugin);
        }
    };
    check("jenkinsPlugins", base);
    check("jenkinsExtraPlugins", extra);
    const metrics = metricsPlugin && !r.bad("metricsPlugin") ? [metricsPlugin] : [];
    check("metricsPlugin", metrics);
    const missing = REQUIRED_PLUGINS.filter(name => !base.some(p => p.startsWith(`${name}:`)));
    if (missing.length > 0 && !r.bad("jenkinsPlugins")) {
        r.problem("jenkinsPlugins", `must include ${missing.join(", ")} (the stack configures them)`);
    }
    return [...base, ...extra, ...metrics];
}

function readProxy(r: Reader): JenkinsConfig["proxy"] {
    const text = r.string("jenkinsProxy").trim();
    const noProxy = r.string("jenkinsNoProxy").split(",").map(s => s.trim()).filter(s => s !== "");
    if (text === "") {
        if (noProxy.length > 0) {
            r.warn("jenkinsNoProxy", "is ignored: it only applies with jenkinsProxy, which is not set");
        }
        return undefined;
    }
    let url: URL | undefined;
    try {
        url = new URL(text);
    } catch {
        url = undefined;
    }
    if (text.includes("@")) {
        // Never repeat a value that holds credentials, even masked.
        r.problem("jenkinsProxy", "must not hold credentials: Jenkins' proxy takes them apart from the URL, and this stack does not set them");
        return undefined;
    }
    if (!url || url.protocol !== "http:" || url.pathname !== "/" || url.search !== "" || url.hash !== "" || url.port === "0") {
        r.problem("jenkinsProxy", `${show(text)} must be http://host:port (no path; a port from 1 to 65535)`);
        return undefined;
    }
    for (const entry of noProxy) {
        // Three consumers read the list (NO_PROXY, Jenkins, Java's http.nonProxyHosts): accept
        // only what all of them understand once formatted, and nothing that could split a JVM option.
        if (!/^(\*\.|\.)?[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?$/.test(entry)) {
            r.problem("jenkinsNoProxy", `${show(entry)} must be a host name, an IP address, .domain or *.domain`);
        }
    }
    return { host: url.hostname, port: url.port === "" ? 80 : Number(url.port), noProxy };
}

/** JAVA_OPTS whose heap fits the controller's memory limit (lib/jvm.ts) and whose properties core reads. */
function readJavaOpts(r: Reader, memoryLimit: string): string {
    const javaOpts = r.string("jenkinsJavaOpts").trim();
    const limit = parseQuantity(memoryLimit);
    // A bad memory limit is reported on its own key; no second problem here.
    const problem = limit === undefined || r.bad("jenkinsMemoryLimit") ? undefined : heapFitProblem(javaOpts, limit, memoryLimit);
    if (problem) {
        r.problem("jenkinsJavaOpts", problem);
    }
    // A hudson.* or jenkins.* property that the pinned core never reads is a typo or a setting
    // that no longer exists (lib/cascSchema.generated.json lists what core 2.568.2 reads).
    for (const unknown of checkJavaOpts(javaOpts)) {
        r.problem("jenkinsJavaOpts", unknown);
    }
    return javaOpts;
}

/** The Jenkins name: it names two Services, `<name>` and `<name>-agent`. */
function readJenkinsName(r: Reader): string {
    return r.checked("jenkinsName", name => serviceNameProblem(name) ??
        (`${name}-agent`.length > 63 ? `${show(name)} is too long: the agent Service ${name}-agent must have at most 63 characters` : undefined));
}

/**
 * The administrator's password, when the stack sets one. It must be a secret, and JCasC must not
 * expand it: it reaches jenkins.yaml as ${JENKINS_ADMIN_PASSWORD}, and JCasC resolves variables
 * inside substituted values too. Messages never show it.
 */
function readAdminPassword(r: Reader): JenkinsConfig["adminPassword"] {
    const key = "jenkinsAdminPassword";
    const value = r.source.get(key);
    if (value === undefined) {
        return undefined;
    }
    if (!r.source.isSecret(key)) {
        r.problem(key, "is stored in plain text: set it with `pulumi config set --secret jenkinsAdminPassword`");
    }
    if (value.length < 12) {
        r.problem(key, "must be at least 12 characters long");
    }
    if (value.includes("${")) {
        r.problem(key, "must not contain \"${\": JCasC would expand it, and Jenkins' password would differ from the exported one");
    }
    return r.source.getSecret(key);
}

function readUpdateCenter(r: Reader): string | undefined {
    const url = r.checked("jenkinsUpdateCenterUrl", v => {
        try {
            const parsed = new URL(v.trim());
            return parsed.protocol === "http:" || parsed.protocol === "https:" ? undefined : `${show(v)} must be an http(s) URL`;
        } catch {
            return `${show(v)} must be an http(s) URL`;
        }
    }).trim();
    return url === "" ? undefined : url;
}

export function readJenkins(r: Reader, ingress: boolean, metricsPlugin?: string): JenkinsConfig {
    const resources = r.resources("jenkins");
    return {
        namespace: r.checked("jenkinsNamespace", namespaceProblem),
        name: readJenkinsName(r),
        serviceAccount: r.dnsSubdomain("jenkinsServiceAccount"),
        image: r.image("jenkinsImage"),
        homeSize: r.quantity("jenkinsHomeSize", "storage"),
        protectHome: r.boolean("jenkinsHomeProtect"),
        fixPermissions: r.boolean("jenkinsFixPermissions"),
        resources,
        javaOpts: readJavaOpts(r, resources.limits.memory),
        cascReloadImage: r.boolean("jenkinsCascReload") ? r.image("jenkinsCascReloadImage") : undefined,
        cascReloadResources: CASC_RELOAD_RESOURCES,
        timezone: r.checked("jenkinsTimezone", timezoneProblem),
        adminUser: r.checked("jenkinsAdminUser", v => /^[A-Za-z0-9_-]+$/.test(v) ? undefined : `${show(v)} may only hold letters, digits, '_' and '-'`),
        adminPassword: readAdminPassword(r),
        plugins: readPlugins(r, metricsPlugin),
        updateCenterUrl: readUpdateCenter(r),
        proxy: readProxy(r),
        ...readService(r, ingress),
    };
}
