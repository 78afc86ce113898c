// agentTemplates: the Kubernetes cloud's pod templates, as typed data.
import * as path from "path";
import { DOCKER_SOCKET } from "../policy/shared/conventions";
import { isRecord, ItemReader, Reader, readItems } from "./reader";
import {
    dnsLabelProblem, imageProblem, labelKeyProblem, labelValueProblem, limitBelowRequest, limitsBelowRequests, quantityProblem, QuantityKind, show,
} from "./rules";
import { AgentCache, AgentContainer, AgentTemplate, AgentVolume, ContainerResources } from "./types";

const TEMPLATE_FIELDS = ["name", "label", "containers", "volumes", "idleMinutes", "instanceCap", "nodeSelector", "mountDockerSocket"] as const;
const CONTAINER_FIELDS = ["name", "image", "command", "args", "workingDir", "ttyEnabled", "env", "resources"] as const;
const VOLUME_FIELDS = ["cache", "emptyDir", "memory", "mountPath"] as const;

/** The template used when a stack sets no agentTemplates: a jnlp-only pod labelled "default". */
const DEFAULT_TEMPLATES = [{ name: "default", label: "default", containers: [] }];

/** The working directory the inbound agent uses (the workspace volume is mounted there). */
export const AGENT_WORKDIR = "/home/jenkins/agent";


/** The rules of each template field, for the README (scripts/generateDocs.ts renders them). */
export const TEMPLATE_FIELD_RULES: readonly [string, string][] = [
    ["name", "required; a DNS label, unique among templates (pod names and a label value come from it)"],
    ["label", "required; space-separated Jenkins labels, none shared with another template"],
    ["idleMinutes, instanceCap", "integers, 0 (idleMinutes) or 1 (instanceCap) to 2147483647 (Jenkins parses ints)"],
    ["nodeSelector", "a map of label keys to label values (Kubernetes' rules: no `,`, `=` or empty values)"],
    ["containers[].name", "a DNS label, unique in the template; `jnlp` replaces the inbound-agent container"],
    ["containers[].image", "a valid image reference, pinned to a tag other than `latest` or a digest"],
    ["containers[].command, args", "a string (one command line) or a list (joined with the quoting the plugin's splitter reads; an element may not hold both `'` and `\"`)"],
    ["containers[].env", "a map of variable names (letters, digits, `_`, `-`, `.`, not starting with a digit) to strings; written exactly as given (`${...}` is not expanded by JCasC)"],
    ["containers[].resources", "requests and limits of cpu and memory, all four required; optional `ephemeral-storage` request and limit; every limit at least its request; quantities above zero, no spaces, no millibytes"],
    ["volumes[]", "exactly one of `cache` (a name from agentCaches) or `emptyDir: true` (optional `memory`); an absolute `mountPath`, compared as the plugin tidies it (`/a/` is `/a`), unique in the template and not the agent workspace `/home/jenkins/agent`"],
];

/**
 * A command line from a list, quoted for the kubernetes plugin's splitter (PodTemplateUtils.splitCommandLine,
 * i.e. Ant's Commandline.translateCommandline): spaces separate words, '...' and "..." group them,
 * no escapes. Undefined when an element holds both quote characters.
 */
export function joinCommandLine(words: string[]): string | undefined {
    const quoted = words.map(word => {
        if (word !== "" && !/[\s"']/.test(word)) {
            return word;
        }
        if (!word.includes("\"")) {
            return `"${word}"`;
        }
        return word.includes("'") ? undefined : `'${word}'`;
    });
    return quoted.some(w => w === undefined) ? undefined : quoted.join(" ");
}

function readCommandLine(it: ItemReader, field: string): string | undefined {
    const value = it.raw(field);
    if (value === undefined) {
        return undefined;
    }
    if (typeof value === "string") {
        return value;
    }
    if (Array.isArray(value) && value.every(v => typeof v === "string")) {
        const joined = joinCommandLine(value as string[]);
        if (joined === undefined) {
            it.problem(field, "has an element with both ' and \": the kubernetes plugin's command-line splitter cannot keep it one word");
        }
        return joined;
    }
    it.problem(field, "must be a string or a list of strings");
    return undefined;
}

/** IsEnvVarName (k8s.io/apimachinery validation): letters, digits, '_', '-', '.', not a digit first. */
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

function readEnv(it: ItemReader): Record<string, string> {
    const env = it.stringMap("env");
    for (const name of Object.keys(env)) {
        if (!ENV_NAME.test(name)) {
            it.problem("env", `${show(name)} is not an environment variable name`);
        }
    }
    return env;
}

const RESOURCE_KINDS = ["cpu", "memory", "ephemeral-storage"] as const;

/** Requests and limits: cpu and memory required, ephemeral-storage optional (the plugin has fields for all three). */
function readResources(it: ItemReader): { resources: ContainerResources; ephemeralStorage?: AgentContainer["ephemeralStorage"] } {
    const value = it.raw("resources");
    const resources: ContainerResources = { requests: { cpu: "", memory: "" }, limits: { cpu: "", memory: "" } };
    const ephemeral: { request?: string; limit?: string } = {};
    if (!isRecord(value)) {
        it.problem("resources", "is required: requests and limits for cpu and memory (agents without limits get OOM-killed)");
        return { resources };
    }
    let failed = false;
    for (const side of ["requests", "limits"] as const) {
        const block = value[side];
        if (!isRecord(block)) {
            it.problem(`resources.${side}`, "is required (cpu and memory)");
            failed = true;
            continue;
        }
        for (const kind of Object.keys(block)) {
            if (!(RESOURCE_KINDS as readonly string[]).includes(kind)) {
                it.problem(`resources.${side}.${kind}`, `is not a resource agents can set (${RESOURCE_KINDS.join(", ")})`);
                failed = true;
            }
        }
        for (const kind of RESOURCE_KINDS) {
            const quantity = block[kind];
            if (quantity === undefined) {
                if (kind !== "ephemeral-storage") {
                    it.problem(`resources.${side}.${kind}`, "is required");
                    failed = true;
                }
                continue;
            }
            const problem = quantityProblem(quantity, (kind === "ephemeral-storage" ? "storage" : kind) as QuantityKind);
            if (problem) {
                it.problem(`resources.${side}.${kind}`, problem);
                failed = true;
            } else if (kind === "ephemeral-storage") {
                ephemeral[side === "requests" ? "request" : "limit"] = String(quantity);
            } else {
                resources[side][kind] = String(quantity);
            }
        }
    }
    if (!failed) {
        for (const { kind, message } of limitsBelowRequests(resources)) {
            it.problem(`resources.limits.${kind}`, message);
        }
        const ephemeralLimit = limitBelowRequest(ephemeral.request, ephemeral.limit);
        if (ephemeralLimit) {
            it.problem("resources.limits.ephemeral-storage", ephemeralLimit);
        }
    }
    return { resources, ...(ephemeral.request || ephemeral.limit ? { ephemeralStorage: ephemeral } : {}) };
}

function readContainer(it: ItemReader): AgentContainer {
    return {
        name: it.checked("name", dnsLabelProblem),
        image: it.checked("image", imageProblem),
        command: readCommandLine(it, "command"),
        args: readCommandLine(it, "args"),
        workingDir: it.checked("workingDir", v => v.startsWith("/") ? undefined : `${show(v)} must be absolute`, AGENT_WORKDIR),
        ttyEnabled: it.boolean("ttyEnabled", true),
        env: readEnv(it),
        ...readResources(it),
    };
}

/** A mount path as the kubernetes plugin uses it (PodTemplateBuilder tidies paths): /a//b/ is /a/b. */
function tidyPath(value: string): string {
    const tidy = path.posix.normalize(value);
    return tidy.length > 1 ? tidy.replace(/\/$/, "") : tidy;
}

function readVolume(it: ItemReader, caches: AgentCache[], cachesBad: boolean): AgentVolume | undefined {
    const mountPath = tidyPath(it.checked("mountPath", v => v.startsWith("/") ? undefined : `${show(v)} must be absolute`));
    if (it.has("cache") === it.has("emptyDir")) {
        it.problem("", "must set exactly one of cache (a name from agentCaches) or emptyDir: true");
        return undefined;
    }
    if (it.has("cache")) {
        // When agentCaches itself is wrong, that is the one problem to report.
        const cache = it.checked("cache", v => cachesBad || caches.some(c => c.name === v) ? undefined : `${show(v)} is not declared in agentCaches`);
        return { type: "cache", cache, mountPath };
    }
    if (it.raw("emptyDir") !== true) {
        it.problem("emptyDir", "must be true");
    }
    return { type: "emptyDir", mountPath, memory: it.boolean("memory", false) };
}

/**
 * Node labels a template's pods must match. The plugin joins them as `k=v,k2=v2` and splits on
 * ',' and '=' again, so a value holding either would smuggle in a second selector; Kubernetes'
 * own rules for label keys and values exclude both (and empty values, which the plugin drops).
 */
function readNodeSelector(it: ItemReader): Record<string, string> {
    const selector = it.stringMap("nodeSelector");
    for (const [key, value] of Object.entries(selector)) {
        const problem = labelKeyProblem(key) ?? (value === "" ? `${show(key)} needs a value (the kubernetes plugin ignores empty ones)` : labelValueProblem(value));
        if (problem) {
            it.problem("nodeSelector", problem);
        }
    }
    return selector;
}

/** Lists of items under a template field, each read by `read`. */
function readList<T>(r: Reader, it: ItemReader, field: string, fields: readonly string[], read: (item: ItemReader) => T | undefined): T[] {
    const raw = it.raw(field) ?? [];
    if (!Array.isArray(raw)) {
        it.problem(field, "must be a list");
        return [];
    }
    const out: T[] = [];
    raw.forEach((entry, j) => {
        if (!isRecord(entry)) {
            it.problem(`${field}[${j}]`, "must be a map");
            return;
        }
        const value = read(new ItemReader(r, "agentTemplates", `${it.path}.${field}[${j}]`, entry, fields));
        if (value !== undefined) {
            out.push(value);
        }
    });
    return out;
}

export function readTemplates(r: Reader, inboundImage: string, jnlpResources: ContainerResources, caches: AgentCache[]): AgentTemplate[] {
    const set = r.structured("agentTemplates");
    return readItems<AgentTemplate>(r, "agentTemplates", set === undefined ? DEFAULT_TEMPLATES : set,
        { list: "must be a list of pod templates", item: "must be a map" }, TEMPLATE_FIELDS, (it, templates) => {
        const name = it.checked("name", dnsLabelProblem);
        const label = it.string("label");
        if (name !== "" && dnsLabelProblem(name) === undefined && templates.some(t => t.name === name)) {
            it.problem("name", `${show(name)} is used by another template`);
        }
        const labels = label.split(/\s+/).filter(l => l !== "");
        for (const other of templates) {
            const shared = other.label.split(/\s+/).filter(l => labels.includes(l));
            if (shared.length > 0) {
                it.problem("label", `${show(shared.join(" "))} is also a label of template ${other.name}`);
            }
        }
        const containers = readList(r, it, "containers", CONTAINER_FIELDS, readContainer);
        containers.forEach((c, j) => {
            if (c.name !== "" && containers.findIndex(x => x.name === c.name) < j) {
                it.problem(`containers[${j}].name`, `${show(c.name)} is used twice in this template`);
            }
        });
        // The jnlp container connects the pod to Jenkins; without it the pod never comes online
        // ("Agent is not connected after 100 seconds"). A template may override it, never omit it.
        const jnlp = containers.find(c => c.name === "jnlp") ?? {
            name: "jnlp", image: inboundImage, workingDir: AGENT_WORKDIR, ttyEnabled: false, env: {}, resources: jnlpResources,
        };
        const volumes = readList(r, it, "volumes", VOLUME_FIELDS, v => readVolume(v, caches, r.bad("agentCaches")));
        const mountDockerSocket = it.boolean("mountDockerSocket", false);
        // Two volumes on one path fail pod creation; the workspace volume is mounted at the agent's
        // workdir (a volume there would replace it: every build would share one workspace).
        const taken = [AGENT_WORKDIR, ...(mountDockerSocket ? [DOCKER_SOCKET] : [])];
        volumes.forEach((v, j) => {
            if (v.mountPath !== "" && (taken.includes(v.mountPath) || volumes.findIndex(x => x.mountPath === v.mountPath) < j)) {
                it.problem(`volumes[${j}].mountPath`, `${show(v.mountPath)} is already mounted in this template (workspace, docker socket or another volume)`);
            }
        });
        const mavenCaches = volumes.filter(v => v.type === "cache" && caches.find(c => c.name === v.cache)?.kind === "maven");
        if (mavenCaches.length > 1) {
            it.problem("volumes", "mounts more than one cache of kind maven: Maven has one local repository");
        }
        return {
            name,
            label,
            containers: [jnlp, ...containers.filter(c => c !== jnlp)],
            volumes,
            idleMinutes: it.integer("idleMinutes", 0, 0),
            instanceCap: it.integer("instanceCap", 10, 1),
            nodeSelector: readNodeSelector(it),
            mountDockerSocket,
        };
    });
}
