// Reading raw config values by type, collecting every problem (and warning) instead of throwing,
// and the one error that reports them all before the program registers any resource.
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_KEYS, PROJECT } from "./keys";
import {
    dnsLabelProblem, dnsSubdomainProblem, imageProblem, JAVA_INT_MAX, limitsBelowRequests, quantityProblem, QuantityKind, show,
} from "./rules";
import { ContainerResources } from "./types";

/** One bad key and why. */
export interface ConfigProblem {
    key: string;
    message: string;
}

/** One line per problem whatever a value held: control characters escaped, never a raw newline. */
function oneLine(text: string): string {
    return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * Every problem of a stack's configuration in one error. A RunError, so Pulumi prints the message
 * without a stack trace.
 */
export class ConfigError extends pulumi.RunError {
    constructor(readonly problems: ConfigProblem[]) {
        super(
            `Invalid configuration for stack ${pulumi.getStack()} (${problems.length} problem` +
            `${problems.length === 1 ? "" : "s"}); nothing was deployed:\n` +
            problems.map(p => `  - ${PROJECT}:${oneLine(p.key)}: ${oneLine(p.message)}`).join("\n"),
        );
        this.name = "ConfigError";
    }
}

/** Where raw values come from: Pulumi config in the program, anything in tests. */
export interface ConfigSource {
    /** The raw string value of a key, as `pulumi config get` shows it; undefined when unset. */
    get(key: string): string | undefined;
    /** The value as a secret output; undefined when unset. */
    getSecret(key: string): pulumi.Output<string> | undefined;
    /** Whether the stack stores the key as a secret (`pulumi config set --secret`). */
    isSecret(key: string): boolean;
    /** Every key set in the project namespace (to report unknown keys). */
    keys(): string[];
}

/** The SDK's own record of which keys are secret (not in its typings). */
const runtimeConfig = require("@pulumi/pulumi/runtime/config") as { isConfigSecret(key: string): boolean };

/** The stack's own Pulumi config. */
export function pulumiConfigSource(): ConfigSource {
    const config = new pulumi.Config(PROJECT);
    return {
        get: key => config.get(key),
        getSecret: key => config.getSecret(key),
        isSecret: key => runtimeConfig.isConfigSecret(`${PROJECT}:${key}`),
        keys: () => Object.keys(pulumi.runtime.allConfig())
            .filter(k => k.startsWith(`${PROJECT}:`))
            .map(k => k.slice(PROJECT.length + 1)),
    };
}

export function parseJson(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return undefined;
    }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Reads raw values by type, collecting problems and warnings instead of throwing. */
export class Reader {
    readonly problems: ConfigProblem[] = [];
    readonly warnings: ConfigProblem[] = [];

    constructor(readonly source: ConfigSource) {}

    problem(key: string, message: string): void {
        this.problems.push({ key, message: this.hideSecret(key, message) });
    }

    /** A message about a key stored as a secret never shows its value, nor part of a structured one. */
    private hideSecret(key: string, message: string): string {
        const raw = Object.hasOwn(CONFIG_KEYS, key) && this.source.isSecret(key) ? this.source.get(key) : undefined;
        if (raw === undefined || raw === "") {
            return message;
        }
        if (CONFIG_KEYS[key].type === "object" || CONFIG_KEYS[key].type === "array") {
            return "has a problem; details hidden because the value is stored as a secret";
        }
        return message.split(show(raw)).join("[secret]").split(raw).join("[secret]");
    }

    /** A value that is legal but almost surely a mistake. */
    warn(key: string, message: string): void {
        this.warnings.push({ key, message });
    }

    /** Whether a key already has a problem: checks that combine keys skip it (no follow-on errors). */
    bad(...keys: string[]): boolean {
        return this.problems.some(p => keys.includes(p.key));
    }

    /** Whether the stack sets the key at all. */
    isSet(key: string): boolean {
        return this.raw(key) !== undefined;
    }

    private raw(key: string): string | undefined {
        if (!Object.hasOwn(CONFIG_KEYS, key)) {
            throw new Error(`internal: config key ${key} is not declared in CONFIG_KEYS`);
        }
        return this.source.get(key);
    }

    /** A string key; its default when unset; "" when unset with no default. Refuses lists and maps. */
    string(key: string): string {
        const value = this.raw(key);
        if (value !== undefined) {
            const parsed = /^\s*[[{]/.test(value) ? parseJson(value) : undefined;
            if (typeof parsed === "object" && parsed !== null) {
                this.problem(key, `must be one string, not a ${Array.isArray(parsed) ? "list" : "map"}`);
                return "";
            }
            return value;
        }
        const fallback = CONFIG_KEYS[key].default;
        return typeof fallback === "string" ? fallback : "";
    }

    /** A string key that must be non-empty. */
    required(key: string, why: string): string {
        const value = this.string(key).trim();
        if (value === "" && !this.bad(key)) {
            this.problem(key, `is required ${why}`);
        }
        return value;
    }

    /** An integer key within [min, max] (max defaults to Java's int, which Jenkins parses). */
    integer(key: string, min: number, max = JAVA_INT_MAX): number | undefined {
        const value = this.raw(key);
        if (value === undefined) {
            const fallback = CONFIG_KEYS[key].default;
            return typeof fallback === "number" ? fallback : undefined;
        }
        if (!/^-?[0-9]+$/.test(value.trim())) {
            this.problem(key, `must be an integer, got ${show(value)}`);
            return undefined;
        }
        const n = Number(value);
        if (n < min || n > max) {
            this.problem(key, `must be from ${min} to ${max}, got ${value.trim()}`);
            return undefined;
        }
        return n;
    }

    boolean(key: string): boolean {
        const value = this.raw(key);
        if (value === undefined) {
            return CONFIG_KEYS[key].default === true;
        }
        if (value !== "true" && value !== "false") {
            this.problem(key, `must be true or false, got ${show(value)}`);
            return false;
        }
        return value === "true";
    }

    stringArray(key: string): string[] {
        const value = this.raw(key);
        if (value === undefined) {
            const fallback = CONFIG_KEYS[key].default;
            return Array.isArray(fallback) ? [...fallback] : [];
        }
        const parsed = parseJson(value);
        if (!Array.isArray(parsed) || parsed.some(item => typeof item !== "string")) {
            this.problem(key, "must be a list of strings");
            return [];
        }
        return parsed as string[];
    }

    /** A structured (object or list) key as parsed JSON; undefined when unset. */
    structured(key: string): unknown {
        const value = this.raw(key);
        if (value === undefined) {
            return undefined;
        }
        const parsed = parseJson(value);
        if (parsed === undefined) {
            this.problem(key, "must be structured YAML (a list or a map), not a plain string");
        }
        return parsed;
    }

    /**
     * A structured key holding a map of strings ({} when unset), each entry checked by `entry`
     * (which returns why it is refused); the map is returned either way.
     */
    stringMap(key: string, what: string, entry: (k: string, v: string) => string | undefined): Record<string, string> {
        const raw = this.structured(key) ?? {};
        if (!isRecord(raw) || Object.values(raw).some(v => typeof v !== "string")) {
            if (!this.bad(key)) {
                this.problem(key, `must be a map of ${what}`);
            }
            return {};
        }
        const map = raw as Record<string, string>;
        for (const [k, v] of Object.entries(map)) {
            const problem = entry(k, v);
            if (problem) {
                this.problem(key, problem);
            }
        }
        return map;
    }

    /**
     * A string key checked by a rule (rules.ts); the value is returned either way. Keys whose
     * default is "" are optional: left empty, they are not checked.
     */
    checked(key: string, rule: (value: string) => string | undefined): string {
        const value = this.string(key);
        const optionalAndEmpty = value.trim() === "" && CONFIG_KEYS[key].default === "";
        const problem = this.bad(key) || optionalAndEmpty ? undefined : rule(value);
        if (problem) {
            this.problem(key, problem);
        }
        return value;
    }

    quantity(key: string, kind: QuantityKind): string {
        return this.checked(key, value => quantityProblem(value, kind));
    }

    dnsLabel(key: string): string {
        return this.checked(key, dnsLabelProblem);
    }

    dnsSubdomain(key: string): string {
        return this.checked(key, dnsSubdomainProblem);
    }

    image(key: string): string {
        return this.checked(key, imageProblem);
    }

    /** A NodePort key; 0 means "none" when allowZero. */
    nodePort(key: string, allowZero = false): number | undefined {
        const raw = this.raw(key);
        const fallback = CONFIG_KEYS[key].default;
        if (raw === undefined) {
            return fallback === 0 ? undefined : fallback as number;
        }
        const text = raw.trim();
        if (!/^[0-9]+$/.test(text)) {
            this.problem(key, `must be an integer, got ${show(raw)}`);
            return undefined;
        }
        const value = Number(text);
        if (value === 0 && allowZero) {
            return undefined;
        }
        if (value < 30000 || value > 32767) {
            this.problem(key, `${text.length > 12 ? `${text.slice(0, 12)}...` : text} is outside the NodePort range 30000-32767`);
            return undefined;
        }
        return value;
    }

    /** Four keys <prefix>{Cpu,Memory}{Request,Limit} as one container's resources, limits checked against requests. */
    resources(prefix: string): ContainerResources {
        const resources = {
            requests: { cpu: this.quantity(`${prefix}CpuRequest`, "cpu"), memory: this.quantity(`${prefix}MemoryRequest`, "memory") },
            limits: { cpu: this.quantity(`${prefix}CpuLimit`, "cpu"), memory: this.quantity(`${prefix}MemoryLimit`, "memory") },
        };
        for (const { kind, message } of limitsBelowRequests(resources)) {
            const cap = kind === "cpu" ? "Cpu" : "Memory";
            if (!this.bad(`${prefix}${cap}Request`, `${prefix}${cap}Limit`)) {
                this.problem(`${prefix}${cap}Limit`, `limit ${message} (${prefix}${cap}Request)`);
            }
        }
        return resources;
    }
}

/** Checks the fields of one structured item, reporting unknown ones; returns a typed accessor. */
export class ItemReader {
    private failed = false;

    constructor(
        private readonly r: Reader,
        private readonly key: string,
        readonly path: string,
        private readonly item: Record<string, unknown>,
        allowed: readonly string[],
    ) {
        for (const field of Object.keys(item)) {
            if (!allowed.includes(field)) {
                this.problem("", `has ${show(field)}, which is not a known field (known: ${allowed.join(", ")})`);
            }
        }
    }

    problem(field: string, message: string): void {
        this.failed = true;
        this.r.problem(this.key, `${this.path}${field === "" ? "" : `.${field}`} ${message}`);
    }

    /** Whether this item had a problem (checks across items skip it: no follow-on errors). */
    get bad(): boolean {
        return this.failed;
    }

    has(field: string): boolean {
        return this.item[field] !== undefined;
    }

    raw(field: string): unknown {
        return this.item[field];
    }

    string(field: string, fallback?: string): string {
        const value = this.item[field];
        if (value === undefined && fallback !== undefined) {
            return fallback;
        }
        if (typeof value !== "string" || value.trim() === "") {
            this.problem(field, value === undefined ? "is required" : "must be a non-empty string");
            return "";
        }
        return value;
    }

    /** A string field checked by a rule (rules.ts). */
    checked(field: string, rule: (value: string) => string | undefined, fallback?: string): string {
        const value = this.string(field, fallback);
        const problem = value === "" ? undefined : rule(value);
        if (problem) {
            this.problem(field, problem);
        }
        return value;
    }

    integer(field: string, fallback: number, min: number, max = JAVA_INT_MAX): number {
        const value = this.item[field];
        if (value === undefined) {
            return fallback;
        }
        if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
            this.problem(field, `must be an integer from ${min} to ${max}`);
            return fallback;
        }
        return value;
    }

    boolean(field: string, fallback: boolean): boolean {
        const value = this.item[field];
        if (value === undefined) {
            return fallback;
        }
        if (typeof value !== "boolean") {
            this.problem(field, "must be true or false");
            return fallback;
        }
        return value;
    }

    stringMap(field: string): Record<string, string> {
        const value = this.item[field];
        if (value === undefined) {
            return {};
        }
        if (!isRecord(value) || Object.values(value).some(v => typeof v !== "string")) {
            this.problem(field, "must be a map of strings");
            return {};
        }
        return value as Record<string, string>;
    }
}

/**
 * The items of a top-level structured list (agentCaches, agentTemplates): `raw` as the caller read
 * it, each map item read by `read` with the items read so far (for checks across items).
 */
export function readItems<T>(r: Reader, key: string, raw: unknown, messages: { list: string; item: string },
    fields: readonly string[], read: (it: ItemReader, earlier: T[]) => T): T[] {
    if (!Array.isArray(raw)) {
        if (!r.bad(key)) {
            r.problem(key, messages.list);
        }
        return [];
    }
    const items: T[] = [];
    raw.forEach((item, i) => {
        if (!isRecord(item)) {
            r.problem(key, `[${i}] ${messages.item}`);
            return;
        }
        items.push(read(new ItemReader(r, key, `[${i}]`, item, fields), items));
    });
    return items;
}

function editDistance(a: string, b: string): number {
    const row = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
        let previous = row[0];
        row[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const current = row[j];
            row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
            previous = current;
        }
    }
    return row[b.length];
}

/** Keys the stack sets that the project does not know, with the nearest known key. */
export function unknownKeyProblems(r: Reader, keys: string[]): void {
    const known = Object.keys(CONFIG_KEYS);
    for (const key of keys) {
        if (Object.hasOwn(CONFIG_KEYS, key)) {
            continue;
        }
        const nearest = known.map(k => ({ k, d: editDistance(key, k) })).sort((x, y) => x.d - y.d)[0];
        r.problem(key.length > 80 ? `${key.slice(0, 77)}...` : key, "is not a configuration key of this project" +
            (nearest && nearest.d <= 3 ? ` (did you mean ${nearest.k}?)` : ""));
    }
}
