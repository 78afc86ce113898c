// Regenerates lib/cascSchema.generated.json: what the pinned Jenkins core and plugins accept in jenkins.yaml,
// read from their sources at the exact pinned tags (see scripts/cascSchema/describe.ts for the JCasC
// rules it mirrors), and what the image's launcher reads besides (environment, launcher options,
// system properties, jenkins-plugin-cli options). Needs local git clones (bare or not) with the tags:
//   npm run casc-schema -- --core DIR --configuration-as-code DIR --kubernetes DIR \
//       --docker DIR --plugin-cli DIR
// (jenkinsci/jenkins, configuration-as-code-plugin, kubernetes-plugin, docker, and
// plugin-installation-manager-tool at the version the image's Dockerfile installs).
// The pins come from the defaults of jenkinsImage and jenkinsPlugins in config/keys.ts; a plugin with
// no clone given is recorded as pinned but not read (the stack must then write no JCasC for it).
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CONFIG_KEYS } from "../config";
import { CascAttribute, CascSchema, CascSource, CascType, LauncherFacts, SCHEMA_FILE } from "../lib/cascSchema";
import { Configurator, describeAll, Model, readConfigurator, uncapitalize } from "./cascSchema/describe";
import { JavaType, parseJavaFile } from "./cascSchema/java";

/** Each component we read: its repository, tag for a version, and the source folder of its main code. */
const COMPONENTS: Record<string, { repository: string; tag: (version: string) => string; sources: string }> = {
    core: { repository: "jenkinsci/jenkins", tag: v => `jenkins-${v}`, sources: "core/src/main/java" },
    "configuration-as-code": { repository: "jenkinsci/configuration-as-code-plugin", tag: v => v, sources: "plugin/src/main/java" },
    kubernetes: { repository: "jenkinsci/kubernetes-plugin", tag: v => v, sources: "src/main/java" },
};

/** The image's launcher and its plugin installer, read at the tags the image pins. */
const LAUNCHER = {
    docker: { repository: "jenkinsci/docker", files: ["jenkins.sh", "jenkins-support", "jenkins-plugin-cli.sh", "debian/Dockerfile"] },
    "plugin-cli": {
        repository: "jenkinsci/plugin-installation-manager-tool",
        options: "plugin-management-cli/src/main/java/io/jenkins/tools/pluginmanager/cli/CliOptions.java",
    },
} as const;

const USAGE = "usage: generateCascSchema --core DIR --configuration-as-code DIR --kubernetes DIR --docker DIR --plugin-cli DIR";

function args(): Record<string, string> {
    const out: Record<string, string> = {};
    const argv = process.argv.slice(2);
    for (let i = 0; i < argv.length; i += 2) {
        const name = argv[i].replace(/^--/, "");
        if (!(name in COMPONENTS || name in LAUNCHER) || argv[i + 1] === undefined) {
            throw new Error(`${USAGE} (got ${argv[i]})`);
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
            const requiredCore = component === "core" ? undefined : pomCore(git(dir, "show", `${commit}:pom.xml`));
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
        if (configurator.rootName && t.interfaces.some(i => /^RootElementConfigurator\b/.test(i))) {
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
    const launcher = launcherFacts(clones, pinned.versions.core, model, types, sources);

    const schema: CascSchema = {
        generatedBy: "scripts/generateCascSchema.ts",
        pins: { jenkinsImage: pinned.image, jenkinsPlugins: pinned.plugins },
        sources,
        roots,
        types: described,
        launcher,
    };
    // Run from bin/scripts: write the committed copy in lib/.
    fs.writeFileSync(path.resolve(__dirname, "..", "..", "lib", path.basename(SCHEMA_FILE)), JSON.stringify(schema, null, 1) + "\n");
    const counts = Object.values(described).reduce<Record<string, number>>((c, t) => ({ ...c, [t.kind]: (c[t.kind] ?? 0) + 1 }), {});
    console.error(`wrote ${Object.keys(described).length} types: ${JSON.stringify(counts)}`);
}

/** Environment, launcher options, system properties and plugin-cli options, with their sources recorded. */
function launcherFacts(clones: Record<string, string>, core: string, model: Model, types: JavaType[],
    sources: Record<string, CascSource>): LauncherFacts {
    for (const name of Object.keys(LAUNCHER)) {
        if (!clones[name]) throw new Error(`--${name} DIR is required\n${USAGE}`);
    }
    // The image: jenkinsci/docker tags releases by core version.
    const dockerCommit = git(clones.docker, "rev-parse", `${core}^{commit}`).trim();
    sources.docker = { repository: LAUNCHER.docker.repository, tag: core, commit: dockerCommit };
    const imageEnv = new Set<string>();
    const pluginCliEnv = new Set<string>();
    let cliVersion: string | undefined;
    for (const file of LAUNCHER.docker.files) {
        const text = git(clones.docker, "show", `${dockerCommit}:${file}`);
        const names = [...text.matchAll(/\$\{?([A-Z_][A-Z0-9_]*)/g), ...text.matchAll(/^ENV\s+([A-Z_][A-Z0-9_]*)=/gm)].map(m => m[1]);
        for (const name of names) imageEnv.add(name);
        if (file === "jenkins-plugin-cli.sh") for (const name of names) pluginCliEnv.add(name);
        cliVersion ??= /^ARG PLUGIN_CLI_VERSION=(\S+)/m.exec(text)?.[1];
    }
    if (!cliVersion) throw new Error("no PLUGIN_CLI_VERSION in the image's Dockerfile");

    const cliCommit = git(clones["plugin-cli"], "rev-parse", `${cliVersion}^{commit}`).trim();
    sources["plugin-cli"] = { repository: LAUNCHER["plugin-cli"].repository, tag: cliVersion, commit: cliCommit };
    const optionsType = parseJavaFile("plugin-cli", git(clones["plugin-cli"], "show", `${cliCommit}:${LAUNCHER["plugin-cli"].options}`))[0];
    const options: Record<string, { takesValue: boolean }> = {};
    for (const field of optionsType.members.filter(m => m.kind === "field")) {
        const option = field.annotations.find(a => a.name === "Option");
        if (!option) continue;
        const strings = optionsType.context.strings;
        const name = /\bname\s*=\s*"#(\d+)"/.exec(option.args);
        const aliases = /\baliases\s*=\s*(\{[^}]*\}|"#\d+")/.exec(option.args)?.[1] ?? "";
        const handler = /\bhandler\s*=\s*(\w+)\.class/.exec(option.args)?.[1];
        // args4j: a BooleanOptionHandler, a help option, or a plain boolean field is a flag.
        const flag = handler === "BooleanOptionHandler" || /\bhelp\s*=\s*true/.test(option.args) ||
            (handler === undefined && /^(boolean|Boolean)$/.test(field.type));
        for (const m of [...(name ? [name] : []), ...aliases.matchAll(/"#(\d+)"/g)]) {
            options[strings[Number(m[1])]] = { takesValue: !flag };
        }
    }

    // Core: SystemProperties.getX("name") and Foo.class.getName() + ".suffix" names.
    const systemProperties = new Set<string>();
    for (const t of types.filter(t => t.file.startsWith("core:") && !t.outer)) {
        const strings = t.context.strings;
        for (const m of t.body.matchAll(/SystemProperties\.get\w*\(\s*"#(\d+)"/g)) systemProperties.add(strings[Number(m[1])]);
        for (const m of t.body.matchAll(/\b([A-Z]\w*(?:\.\w+)*)\.class\.getName\(\)\s*\+\s*"#(\d+)"/g)) {
            systemProperties.add(model.resolve(m[1], t) + strings[Number(m[2])]);
        }
    }
    const launcherMain = git(clones.core, "show", `${sources.core.commit}:war/src/main/java/executable/Main.java`);
    const launcherOptions = new Set([...launcherMain.matchAll(/"(--[a-zA-Z-]+)=?"/g)].map(m => m[1]));
    const cascEnv = new Set<string>();
    for (const t of types.filter(t => t.file.startsWith("configuration-as-code:"))) {
        for (const s of t.context.strings) if (/^CASC_[A-Z_]+$/.test(s)) cascEnv.add(s);
    }
    const sorted = (set: Set<string>) => [...set].sort();
    return {
        imageEnv: sorted(imageEnv),
        launcherOptions: sorted(launcherOptions),
        systemProperties: sorted(new Set([...systemProperties].filter(p => /^(hudson|jenkins)\./.test(p)))),
        cascEnv: sorted(cascEnv),
        pluginCli: { version: cliVersion, env: sorted(pluginCliEnv), options: Object.fromEntries(Object.entries(options).sort(([a], [b]) => a.localeCompare(b))) },
    };
}

function* walk(dir: string): Generator<string> {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) yield* walk(full);
        else if (entry.name.endsWith(".java")) yield full;
    }
}

main();
