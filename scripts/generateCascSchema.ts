// Regenerates lib/cascSchema.json: what the pinned Jenkins core and plugins accept in jenkins.yaml,
// read from their sources at the exact pinned tags (see scripts/cascSchema/describe.ts for the JCasC
// rules it mirrors). Needs local git clones (bare or not) that hold the tags:
//   npm run casc-schema -- --core DIR --configuration-as-code DIR --kubernetes DIR
// The pins come from the defaults of jenkinsImage and jenkinsPlugins in config.ts; a plugin with
// no clone given is recorded as pinned but not read (the stack must then write no JCasC for it).
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CONFIG_KEYS } from "../config";
import { CascAttribute, CascSchema, CascSource, CascType, SCHEMA_FILE } from "../lib/cascSchema";
import { Configurator, describeAll, Model, readConfigurator, uncapitalize } from "./cascSchema/describe";
import { JavaType, parseJavaFile } from "./cascSchema/java";

/** Each component we read: its repository, tag for a version, and the source folder of its main code. */
const COMPONENTS: Record<string, { repository: string; tag: (version: string) => string; sources: string }> = {
    core: { repository: "jenkinsci/jenkins", tag: v => `jenkins-${v}`, sources: "core/src/main/java" },
    "configuration-as-code": { repository: "jenkinsci/configuration-as-code-plugin", tag: v => v, sources: "plugin/src/main/java" },
    kubernetes: { repository: "jenkinsci/kubernetes-plugin", tag: v => v, sources: "src/main/java" },
};
const POMS: Record<string, string> = { core: "pom.xml", "configuration-as-code": "plugin/pom.xml", kubernetes: "pom.xml" };

function args(): Record<string, string> {
    const out: Record<string, string> = {};
    const argv = process.argv.slice(2);
    for (let i = 0; i < argv.length; i += 2) {
        const name = argv[i].replace(/^--/, "");
        if (!(name in COMPONENTS) || argv[i + 1] === undefined) {
            throw new Error(`usage: generateCascSchema --core DIR --configuration-as-code DIR --kubernetes DIR (got ${argv[i]})`);
        }
        out[name] = argv[i + 1];
    }
    return out;
}

function git(dir: string, ...command: string[]): string {
    return execFileSync("git", ["-C", dir, ...command], { encoding: "utf8", maxBuffer: 512 * 1024 * 1024 });
}

/** The pinned versions: core from the jenkinsImage tag, plugins from jenkinsPlugins. */
function pins(): { image: string; plugins: string[]; versions: Record<string, string> } {
    const image = String(CONFIG_KEYS.jenkinsImage.default);
    const plugins = [...(CONFIG_KEYS.jenkinsPlugins.default as readonly string[])];
    const core = /:(\d+(?:\.\d+)+)/.exec(image)?.[1];
    if (!core) throw new Error(`cannot read a core version from ${image}`);
    const versions: Record<string, string> = { core };
    for (const plugin of plugins) {
        const [name, version] = plugin.split(":");
        versions[name] = version;
    }
    return { image, plugins, versions };
}

function pomCore(pom: string): string | undefined {
    const property = (name: string) => new RegExp(`<${name.replace(/\./g, "\\.")}>([^<]+)</`).exec(pom)?.[1];
    const version = property("jenkins.version");
    return version?.replace(/\$\{([\w.]+)\}/g, (_, name: string) => property(name) ?? "");
}

function main(): void {
    const clones = args();
    const pinned = pins();
    const sources: Record<string, CascSource> = {};
    const types: JavaType[] = [];
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "casc-schema-"));
    try {
        for (const [component, info] of Object.entries(COMPONENTS)) {
            const dir = clones[component];
            const version = pinned.versions[component];
            if (!dir || !version) throw new Error(`--${component} DIR is required (pinned ${version ?? "not at all"})`);
            const tag = info.tag(version);
            const commit = git(dir, "rev-parse", `${tag}^{commit}`).trim();
            const out = path.join(work, component);
            fs.mkdirSync(out);
            execFileSync("sh", ["-c", `git -C "$1" archive --format=tar "$2" "$3" | tar -x -C "$4"`, "sh", dir, commit, info.sources, out]);
            const requiredCore = component === "core" ? undefined : pomCore(git(dir, "show", `${commit}:${POMS[component]}`));
            sources[component] = { repository: info.repository, tag, commit, ...(requiredCore ? { requiredCore } : {}) };
            const root = path.join(out, info.sources);
            for (const file of walk(root)) {
                types.push(...parseJavaFile(`${component}:${info.sources}/${path.relative(root, file)}`, fs.readFileSync(file, "utf8")));
            }
            console.error(`${component} ${tag} (${commit.slice(0, 12)}): ${types.length} types so far`);
        }
    } finally {
        fs.rmSync(work, { recursive: true, force: true });
    }
    for (const [name, version] of Object.entries(pinned.versions)) {
        if (!(name in sources)) console.error(`${name} ${version}: pinned, not read (the stack writes no JCasC for it)`);
    }

    const cite = (t: JavaType, line?: number) => `${t.file}#L${line ?? t.line}`;
    const model = new Model(types);
    let rootName: string | undefined;
    let rootTarget: string | undefined;
    for (const t of types.filter(t => t.file.startsWith("configuration-as-code:") && /\/casc\/core\/\w+Configurator\.java$/.test(t.file) && !t.outer)) {
        const configurator = readConfigurator(model, t);
        if (!configurator) continue;
        model.configurators.set(configurator.target, configurator);
        if (configurator.rootName) {
            rootName = configurator.rootName;
            rootTarget = configurator.target;
        }
    }
    if (!rootName || !rootTarget) throw new Error("no root configurator (JenkinsConfigurator) found");

    // unclassified: every registered GlobalConfiguration left in the default category
    // (GlobalConfigurationCategory.Unclassified), by @Symbol or uncapitalized class name; each is
    // configured by reflection over the descriptor itself (DescriptorConfigurator).
    const unclassified: Record<string, CascAttribute> = {};
    for (const t of model.implementations("jenkins.model.GlobalConfiguration")) {
        if (/getCategory\s*\(/.test(t.body) && !/Unclassified/.test(t.body)) continue;
        const chosen = t.annotations.some(a => a.name === "Symbol")
            ? model.symbols(t, "jenkins.model.GlobalConfiguration")[0] : uncapitalize(t.simpleName);
        const configurator: Configurator = { type: t, target: t.fqn, reflects: true, dataBound: false, explicit: [], exclusions: [] };
        model.configurators.set(t.fqn, configurator);
        unclassified[chosen] = { type: t.fqn, via: "configurator", source: cite(t) };
    }
    const extraRoots: Record<string, CascType> = {
        "(unclassified)": { kind: "object", attributes: unclassified, source: "configuration-as-code:plugin/src/main/java/io/jenkins/plugins/casc/impl/configurators/GlobalConfigurationCategoryConfigurator.java" },
    };
    const roots = { [rootName]: rootTarget, unclassified: "(unclassified)" };
    const described = describeAll(model, roots, cite, extraRoots);

    const schema: CascSchema = {
        generatedBy: "scripts/generateCascSchema.ts",
        pins: { jenkinsImage: pinned.image, jenkinsPlugins: pinned.plugins },
        sources,
        roots,
        types: described,
    };
    // Run from bin/scripts: write the committed copy in lib/.
    fs.writeFileSync(path.resolve(__dirname, "..", "..", "lib", path.basename(SCHEMA_FILE)), JSON.stringify(schema, null, 1) + "\n");
    const counts = Object.values(described).reduce<Record<string, number>>((c, t) => ({ ...c, [t.kind]: (c[t.kind] ?? 0) + 1 }), {});
    console.error(`wrote ${Object.keys(described).length} types: ${JSON.stringify(counts)}`);
}

function* walk(dir: string): Generator<string> {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) yield* walk(full);
        else if (entry.name.endsWith(".java")) yield full;
    }
}

main();
