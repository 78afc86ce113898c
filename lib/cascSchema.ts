// What the pinned Jenkins core and plugins accept in jenkins.yaml, and the check of a JCasC
// document against it. The description (cascSchema.generated.json) is generated from the sources at the
// pinned tags by scripts/generateCascSchema.ts; tests and CI read only the committed file.
import * as fs from "fs";
import * as path from "path";
import { splitJavaOpts } from "./jvm";

/** Where a fact was read: repository@tag:path#Lline. */
export type Provenance = string;

export interface CascAttribute {
    /** Key of the value's type in {@link CascSchema.types}. */
    type: string;
    /** The value is a YAML sequence. */
    multiple?: true;
    /** JCasC rejects the attribute by default (`deprecation: reject`). */
    deprecated?: true;
    /** JCasC rejects it by default (`restricted: reject`): the @Restricted argument. */
    restricted?: string;
    /** How JCasC finds it: a @DataBoundConstructor parameter, a setter with a getter, a list field or getter, or a configurator. */
    via: "constructor" | "setter" | "field" | "getter" | "configurator";
    source: Provenance;
}

export type CascType =
    | { kind: "scalar"; scalar: "string" | "integer" | "long" | "boolean" | "number" }
    | { kind: "enum"; values: string[]; source: Provenance }
    | { kind: "object"; attributes: Record<string, CascAttribute>; source: Provenance; configurator?: Provenance }
    /** An abstract Describable: a one-key map {symbol: {...}} or a bare symbol. Symbols map to implementation types. */
    | { kind: "describable"; symbols: Record<string, string>; source: Provenance }
    /** Reachable but not described (outside the sources read, or not a shape JCasC configures). */
    | { kind: "opaque"; reason: string };

export interface CascSource {
    repository: string;
    tag: string;
    commit: string;
    /** For plugins: the oldest core the plugin's pom asks for. */
    requiredCore?: string;
}

/** What else Jenkins reads at start, besides jenkins.yaml: checked against the same pinned sources. */
export interface LauncherFacts {
    /** Environment variables the image's entrypoint scripts read or its Dockerfile sets (jenkinsci/docker). */
    imageEnv: string[];
    /** Options the Jenkins launcher (war/src/main/java/executable/Main.java) names. */
    launcherOptions: string[];
    /** System properties core reads (hudson.* and jenkins.* names). */
    systemProperties: string[];
    /** Environment variables the configuration-as-code plugin reads. */
    cascEnv: string[];
    /** jenkins-plugin-cli: its options, by name and alias (whether each takes a value), and the environment its wrapper script reads. */
    pluginCli: { version: string; env: string[]; options: Record<string, { takesValue: boolean }> };
}

export interface CascSchema {
    generatedBy: string;
    /** The pins the description was generated for: jenkinsImage and jenkinsPlugins defaults. */
    pins: { jenkinsImage: string; jenkinsPlugins: string[] };
    /** Sources read, by component: "core" and each plugin by name. */
    sources: Record<string, CascSource>;
    /** Root elements of jenkins.yaml and their type keys. */
    roots: Record<string, string>;
    types: Record<string, CascType>;
    launcher: LauncherFacts;
}

// Not cascSchema.json: next to cascSchema.ts, require("./cascSchema") under ts-node (how
// Pulumi runs the program) would load the JSON instead of this module.
export const SCHEMA_FILE = path.join(__dirname, "cascSchema.generated.json");

let loaded: CascSchema | undefined;

/** The committed description of the pinned versions. */
export function cascSchema(): CascSchema {
    if (!loaded) {
        // Read at run time (not `import`), so the compiled copy in bin/ reads the committed file.
        const file = fs.existsSync(SCHEMA_FILE) ? SCHEMA_FILE : path.resolve(__dirname, "..", "..", "lib", path.basename(SCHEMA_FILE));
        loaded = JSON.parse(fs.readFileSync(file, "utf8")) as CascSchema;
    }
    return loaded;
}

const INT_RANGE = { integer: [-(2 ** 31), 2 ** 31 - 1], long: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER] } as const;

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Every place where a JCasC document leaves what the pinned versions accept, as "path: problem".
 * Follows JCasC 2115: attribute keys and symbols match without regard to case, unknown, deprecated
 * and restricted attributes are rejected (its defaults), numbers must parse as Java numbers.
 */
export function checkCasc(doc: unknown, schema: CascSchema = cascSchema()): string[] {
    const problems: string[] = [];
    if (!isRecord(doc)) {
        return ["(document): must be a mapping of root elements"];
    }
    for (const [root, value] of Object.entries(doc)) {
        const type = schema.roots[root];
        if (root.startsWith("x-")) continue; // JCasC ignores x- roots (YAML anchors live there)
        if (type === undefined) {
            problems.push(`${root}: a root element the description does not cover (it covers ${Object.keys(schema.roots).join(", ")}); ` +
                "extend the generator before writing it");
            continue;
        }
        walk(value, type, root);
    }
    return problems;

    function walk(value: unknown, typeKey: string, at: string): void {
        const type = schema.types[typeKey];
        if (type === undefined) {
            problems.push(`${at}: type ${typeKey} is missing from the description (regenerate it)`);
            return;
        }
        switch (type.kind) {
            case "scalar":
                return scalar(value, type.scalar, at);
            case "enum":
                if (typeof value !== "string" || !type.values.includes(value)) {
                    problems.push(`${at}: ${JSON.stringify(value)} is not one of ${type.values.join(", ")} (${typeKey})`);
                }
                return;
            case "opaque":
                problems.push(`${at}: ${typeKey} is not described (${type.reason}); extend the generator before writing it`);
                return;
            case "describable": {
                const entries = typeof value === "string" ? [[value, {}] as const] : isRecord(value) ? Object.entries(value) : [];
                if (entries.length !== 1) {
                    problems.push(`${at}: a ${typeKey} is one symbol, as a string or a one-key mapping`);
                    return;
                }
                const [symbol, inner] = entries[0];
                const match = Object.keys(type.symbols).find(s => s.toLowerCase() === symbol.toLowerCase());
                if (match === undefined) {
                    problems.push(`${at}.${symbol}: no ${typeKey} implementation has that symbol (known: ${Object.keys(type.symbols).join(", ")})`);
                    return;
                }
                walk(inner ?? {}, type.symbols[match], `${at}.${symbol}`);
                return;
            }
            case "object": {
                if (!isRecord(value)) {
                    problems.push(`${at}: must be a mapping (${typeKey})`);
                    return;
                }
                for (const [key, inner] of Object.entries(value)) {
                    const name = Object.keys(type.attributes).find(a => a.toLowerCase() === key.toLowerCase());
                    if (name === undefined) {
                        problems.push(`${at}.${key}: ${typeKey} has no such attribute at the pinned versions` +
                            ` (it has: ${Object.keys(type.attributes).sort().join(", ")})`);
                        continue;
                    }
                    const attribute = type.attributes[name];
                    if (attribute.deprecated) {
                        problems.push(`${at}.${key}: deprecated, and JCasC rejects deprecated attributes (${attribute.source})`);
                        continue;
                    }
                    if (attribute.restricted) {
                        problems.push(`${at}.${key}: restricted (${attribute.restricted}), and JCasC rejects it (${attribute.source})`);
                        continue;
                    }
                    if (attribute.multiple) {
                        if (!Array.isArray(inner)) {
                            problems.push(`${at}.${key}: must be a sequence of ${attribute.type}`);
                            continue;
                        }
                        inner.forEach((item, i) => walk(item, attribute.type, `${at}.${key}[${i}]`));
                    } else {
                        walk(inner, attribute.type, `${at}.${key}`);
                    }
                }
                return;
            }
        }
    }

    function scalar(value: unknown, kind: "string" | "integer" | "long" | "boolean" | "number", at: string): void {
        const text = typeof value === "number" || typeof value === "boolean" || typeof value === "string" ? String(value) : undefined;
        if (text === undefined) {
            problems.push(`${at}: must be a ${kind} scalar`);
            return;
        }
        if (kind === "integer" || kind === "long") {
            const [min, max] = INT_RANGE[kind];
            if (!/^-?[0-9]+$/.test(text) || Number(text) < min || Number(text) > max) {
                problems.push(`${at}: ${text} is not a Java ${kind === "integer" ? "int" : "long"}`);
            }
        } else if (kind === "boolean" && text !== "true" && text !== "false") {
            problems.push(`${at}: ${text} is not true or false`);
        } else if (kind === "number" && !Number.isFinite(Number(text))) {
            problems.push(`${at}: ${text} is not a number`);
        }
    }
}

/**
 * Problems of JVM options for the controller: a -D property in the hudson.* or jenkins.*
 * namespace that the pinned core never reads is a typo or a setting that no longer exists.
 */
export function checkJavaOpts(javaOpts: string, schema: CascSchema = cascSchema()): string[] {
    const known = new Set(schema.launcher.systemProperties);
    const split = splitJavaOpts(javaOpts);
    const words = "words" in split ? split.words : [];
    return words
        .map(word => /^-D((?:hudson|jenkins)\.[^=]+)/.exec(word)?.[1])
        .filter((name): name is string => name !== undefined && !known.has(name))
        .map(name => `-D${name}: core ${schema.sources.core.tag} reads no such system property`);
}

/** Problems of a jenkins-plugin-cli argument list against the options of the image's version. */
export function checkPluginCliArgs(args: string[], schema: CascSchema = cascSchema()): string[] {
    const { version, options } = schema.launcher.pluginCli;
    const problems: string[] = [];
    for (let i = 0; i < args.length; i++) {
        const option = options[args[i]];
        if (option === undefined) {
            problems.push(`${args[i]}: jenkins-plugin-cli ${version} has no such option` + (args[i].startsWith("-") ? "" : " (a value without its option?)"));
            continue;
        }
        if (option.takesValue) {
            if (args[i + 1] === undefined || args[i + 1].startsWith("-")) {
                problems.push(`${args[i]}: takes a value in jenkins-plugin-cli ${version}`);
            } else {
                i++;
            }
        }
    }
    return problems;
}

/**
 * Why a stack's own pins are not what jenkins.yaml was checked against: a jenkinsImage or a
 * plugin of the description that the stack pins at another version. Stacks may do so; they
 * then run versions these checks did not read.
 */
export function uncheckedPins(image: string, plugins: string[], schema: CascSchema = cascSchema()): string[] {
    const warnings: string[] = [];
    if (image !== schema.pins.jenkinsImage) {
        warnings.push(`jenkinsImage ${image} is not ${schema.pins.jenkinsImage}, the version jenkins.yaml and the JVM options ` +
            "were checked against: regenerate lib/cascSchema.generated.json for it (npm run casc-schema) before relying on it");
    }
    const pinned = new Map(plugins.map(p => p.split(":") as [string, string]));
    for (const name of Object.keys(schema.sources).filter(n => n !== "core" && n !== "docker" && n !== "plugin-cli")) {
        const version = pinned.get(name);
        if (version !== undefined && version !== schema.sources[name].tag) {
            warnings.push(`plugin ${name}:${version} is not ${name}:${schema.sources[name].tag}, the version jenkins.yaml ` +
                "was checked against: regenerate lib/cascSchema.generated.json for it (npm run casc-schema) before relying on it");
        }
    }
    return warnings;
}
