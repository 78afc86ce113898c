// jenkins.yaml against what the pinned Jenkins core and plugins accept (lib/cascSchema.generated.json, generated
// from their sources at the pinned tags by scripts/generateCascSchema.ts).
import * as assert from "assert";
import * as YAML from "yaml";
import { CONFIG_KEYS } from "../config";
import { cascSchema, checkCasc, checkJavaOpts, checkPluginCliArgs, uncheckedPins } from "../lib/cascSchema";
import { CascDocument, templateId } from "../lib/jcasc";
import { evaluate } from "./harness/evaluate";
import { manifest } from "./helpers";
import type { IDeployment } from "kubernetes-models/apps/v1" with { "resolution-mode": "import" };
import type { IConfigMap } from "kubernetes-models/v1" with { "resolution-mode": "import" };

async function renderedCasc(stack: string, overrides: Record<string, string> = {}): Promise<CascDocument> {
    const e = await evaluate(stack, { overrides });
    return YAML.parse(manifest<IConfigMap>(e.resources, "ConfigMap", "jenkins-config").data!["jenkins.yaml"]) as CascDocument;
}

/** A stack that uses every template feature, a proxy and a mirror: every path the stack can write. */
const EVERY_FEATURE = {
    jenkinsProxy: "http://proxy.corp:3128",
    jenkinsNoProxy: "git.corp",
    jenkinsUpdateCenterUrl: "https://mirror.example/jenkins/updates/update-center.json",
    agentTemplates: JSON.stringify([{
        name: "full", label: "full java", idleMinutes: 5, instanceCap: 3, mountDockerSocket: true,
        nodeSelector: { "kubernetes.io/os": "linux" },
        containers: [
            { name: "jnlp", image: "jenkins/inbound-agent:3385.vf1123fb_515da_-1", resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } } },
            {
                name: "build", image: "maven:3.9.16-eclipse-temurin-21", command: "sleep", args: "infinity", workingDir: "/work", ttyEnabled: false,
                env: { MAVEN_OPTS: "-Xmx1g" }, resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "2", memory: "2Gi" } },
            },
        ],
        volumes: [{ cache: "maven-repo", mountPath: "/home/jenkins/.m2" }, { emptyDir: true, memory: true, mountPath: "/scratch" }],
    }]),
};

/** A document the check must refuse is no CascDocument: plants write through an untyped copy. */
type Plant = (d: Record<string, any>) => void;

/** Deep copy of a document with one value planted at a path. */
function planted(doc: CascDocument, plant: Plant): unknown {
    const copy = JSON.parse(JSON.stringify(doc)) as Record<string, any>;
    plant(copy);
    return copy;
}

function versionAtLeast(version: string, minimum: string): boolean {
    const a = version.split(".").map(Number);
    const b = minimum.split(".").map(Number);
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
        if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
    }
    return true;
}

describe("jenkins.yaml against the pinned Jenkins and plugins", () => {
    const stacks: [string, Record<string, string>][] = [["dev", {}], ["prod", {}], ["e2e", {}], ["dev", EVERY_FEATURE]];
    for (const [stack, overrides] of stacks) {
        const what = Object.keys(overrides).length > 0 ? `${stack} with every template feature, a proxy and a mirror` : stack;
        it(`accepts every attribute of the ${what} stack`, async () => {
            assert.deepStrictEqual(checkCasc(await renderedCasc(stack, overrides)), []);
        });
    }

    it("writes every template feature the config offers (the check above covers them)", async () => {
        const doc = await renderedCasc("dev", EVERY_FEATURE);
        const template = doc.jenkins.clouds[0].kubernetes.templates[0];
        assert.deepStrictEqual(Object.keys(template).sort(),
            ["containers", "id", "idleMinutes", "instanceCap", "label", "name", "namespace", "nodeSelector", "volumes", "workspaceVolume", "yaml"]);
        assert.deepStrictEqual(template.volumes.map(v => Object.keys(v)[0]), ["persistentVolumeClaim", "emptyDirVolume", "hostPathVolume"]);
        assert.ok(template.containers[1].envVars, "env vars are written");
        assert.ok(doc.jenkins.proxy && doc.jenkins.updateCenter, "proxy and update center are written");
    });

    it("catches a planted unknown attribute: the crumb issuer option removed in Jenkins 2.543", async () => {
        const doc = await renderedCasc("dev");
        const bad = planted(doc, d => { d.jenkins.crumbIssuer = { standard: { excludeClientIPFromCrumb: true } }; });
        const problems = checkCasc(bad);
        assert.strictEqual(problems.length, 1, problems.join("\n"));
        assert.match(problems[0], /^jenkins\.crumbIssuer\.standard\.excludeClientIPFromCrumb: hudson\.security\.csrf\.DefaultCrumbIssuer has no such attribute/);
    });

    it("catches unknown, deprecated and mistyped attributes anywhere in the tree, naming the path", async () => {
        const doc = await renderedCasc("dev");
        const cases: [Plant, RegExp][] = [
            [d => { d.jenkins.clouds[0].kubernetes.templates[0].labels = { a: "b" }; }, /^jenkins\.clouds\[0\]\.kubernetes\.templates\[0\]\.labels: .*PodTemplate has no such attribute/],
            [d => { d.jenkins.clouds[0].kubernetes.templates[0].command = "cat"; }, /^jenkins\.clouds\[0\]\.kubernetes\.templates\[0\]\.command: deprecated/],
            [d => { d.jenkins.clouds[0].kubernetes.templates[0].containers[0].envVars = [{ envVar: { key: "A", value: "b", secret: true } }]; },
                /containers\[0\]\.envVars\[0\]\.envVar\.secret: .*KeyValueEnvVar has no such attribute/],
            [d => { d.jenkins.clouds[0].kubernetes.templates[0].volumes[0] = { nfs: { serverAddress: "x" } }; }, /volumes\[0\]\.nfs: no .*PodVolume implementation has that symbol/],
            [d => { d.jenkins.clouds[0].kubernetes.templates[0].instanceCap = 2147483648; }, /templates\[0\]\.instanceCap: 2147483648 is not a Java int/],
            [d => { d.jenkins.mode = "exclusive"; }, /^jenkins\.mode: "exclusive" is not one of NORMAL, EXCLUSIVE/],
            [d => { d.jenkins.securityRealm.local.users = { id: "admin" }; }, /^jenkins\.securityRealm\.local\.users: must be a sequence/],
            [d => { d.unclassified.location.email = "x@y"; }, /^unclassified\.location\.email: .*JenkinsLocationConfiguration has no such attribute/],
            [d => { d.bogus = {}; }, /^bogus: a root element the description does not cover/],
        ];
        for (const [plant, expected] of cases) {
            const problems = checkCasc(planted(doc, plant));
            assert.strictEqual(problems.length, 1, `${expected}: ${problems.join("\n")}`);
            assert.match(problems[0], expected);
        }
        // Keys and symbols match without regard to case, as in JCasC.
        assert.deepStrictEqual(checkCasc(planted(doc, d => { d.jenkins.SystemMessage = d.jenkins.systemMessage; delete d.jenkins.systemMessage; })), []);
    });

    it("refuses to deploy a jenkins.yaml that the pinned Jenkins would refuse, before any resource", async () => {
        // Config validation refuses this already; mutate plants it past validation to prove the last check.
        await assert.rejects(evaluate("dev", { mutate: cfg => { cfg.agents.templates[0].instanceCap = 3000000000; } }),
            /jenkins\.yaml would not load in the pinned Jenkins; nothing was deployed:\n {2}- jenkins\.clouds\[0\]\.kubernetes\.templates\[0\]\.instanceCap: 3000000000 is not a Java int/);
    });

    it("was generated for exactly the pinned jenkinsImage and jenkinsPlugins", () => {
        const schema = cascSchema();
        // A changed pin without `npm run casc-schema` fails here: the description would be of other versions.
        assert.deepStrictEqual(schema.pins, {
            jenkinsImage: CONFIG_KEYS.jenkinsImage.default,
            jenkinsPlugins: CONFIG_KEYS.jenkinsPlugins.default,
        }, "the pins changed: regenerate lib/cascSchema.generated.json from the new tags (npm run casc-schema)");
        const core = /:(\d+(?:\.\d+)+)-/.exec(String(CONFIG_KEYS.jenkinsImage.default))![1];
        assert.strictEqual(schema.sources.core.tag, `jenkins-${core}`);
        const plugins = Object.fromEntries((CONFIG_KEYS.jenkinsPlugins.default as string[]).map(p => p.split(":")));
        for (const name of ["kubernetes", "configuration-as-code"]) {
            assert.strictEqual(schema.sources[name]?.tag, plugins[name], `${name} is read at its pinned tag`);
        }
        for (const [name, source] of Object.entries(schema.sources)) {
            assert.match(source.commit, /^[0-9a-f]{40}$/, `${name} names the commit it was read at`);
            if (source.requiredCore) {
                assert.ok(versionAtLeast(core, source.requiredCore), `${name} needs core ${source.requiredCore}, the image has ${core}`);
            }
        }
    });

    it("warns, at deploy time, about pins other than those the description was generated for", () => {
        const image = String(CONFIG_KEYS.jenkinsImage.default);
        const plugins = [...CONFIG_KEYS.jenkinsPlugins.default as string[]];
        assert.deepStrictEqual(uncheckedPins(image, plugins), []);
        assert.deepStrictEqual(uncheckedPins(image, [...plugins, "timestamper:1.28"]), [], "plugins whose JCasC we do not write are not described");
        const warnings = uncheckedPins("jenkins/jenkins:2.568.1-jdk21", plugins.map(p => p.startsWith("kubernetes:") ? "kubernetes:4540.v612369217f87" : p));
        assert.strictEqual(warnings.length, 2);
        assert.match(warnings[0], /^jenkinsImage jenkins\/jenkins:2\.568\.1-jdk21 is not jenkins\/jenkins:2\.568\.2-jdk21/);
        assert.match(warnings[1], /^plugin kubernetes:4540\.v612369217f87 is not kubernetes:4423\.vb_59f230b_ce53/);
    });

    it("cites where each attribute was read", () => {
        const schema = cascSchema();
        const cloud = schema.types["org.csanchez.jenkins.plugins.kubernetes.KubernetesCloud"];
        assert.ok(cloud.kind === "object");
        assert.match(cloud.attributes.jenkinsTunnel.source, /^kubernetes:src\/main\/java\/org\/csanchez\/jenkins\/plugins\/kubernetes\/KubernetesCloud\.java#L\d+$/);
        for (const type of Object.values(schema.types)) {
            if (type.kind === "object") {
                for (const attribute of Object.values(type.attributes)) {
                    assert.match(attribute.source, /^(core|kubernetes|configuration-as-code):[\w/.-]+\.java#L\d+$/);
                }
            }
        }
    });

    it("gives each pod template a stable id derived from its content", async () => {
        const [first, second] = [await renderedCasc("prod"), await renderedCasc("prod")];
        const ids = first.jenkins.clouds[0].kubernetes.templates.map(t => t.id);
        assert.deepStrictEqual(second.jenkins.clouds[0].kubernetes.templates.map(t => t.id), ids, "the same at every render");
        assert.strictEqual(new Set(ids).size, ids.length, "one per template");
        for (const template of first.jenkins.clouds[0].kubernetes.templates) {
            const { id, ...content } = template;
            assert.strictEqual(id, templateId(content));
        }
        const changed = await renderedCasc("prod", { agentJnlpMemoryLimit: "768Mi" });
        assert.notDeepStrictEqual(changed.jenkins.clouds[0].kubernetes.templates.map(t => t.id), ids, "a changed template is a new template");
    });
});

describe("the controller's launch against the pinned image, core and jenkins-plugin-cli", () => {
    async function pod(overrides: Record<string, string> = {}) {
        const e = await evaluate("dev", { overrides });
        return manifest<IDeployment>(e.resources, "Deployment", "jenkins").spec!.template.spec!;
    }
    const launcher = cascSchema().launcher;

    it("sets only environment variables that the image, JCasC or our own JCasC file read", async () => {
        const env = new Map((await pod(EVERY_FEATURE)).containers[0].env!.map(e => [e.name, e]));
        for (const name of ["JAVA_OPTS", "JENKINS_OPTS", "JENKINS_HOME"]) {
            assert.ok(env.has(name), `the controller sets ${name}`);
            assert.ok(launcher.imageEnv.includes(name), `the image (jenkinsci/docker ${cascSchema().sources.docker.tag}) reads ${name}`);
        }
        assert.ok(launcher.cascEnv.includes("CASC_JENKINS_CONFIG"), "configuration-as-code reads CASC_JENKINS_CONFIG");
        // The rest is for the OS (TZ), for tools (proxy) or referenced by jenkins.yaml itself.
        const others = [...env.keys()].filter(n => !launcher.imageEnv.includes(n) && !launcher.cascEnv.includes(n));
        assert.deepStrictEqual(others.sort(), ["HTTPS_PROXY", "HTTP_PROXY", "JENKINS_ADMIN_PASSWORD", "NO_PROXY", "TZ", "http_proxy", "https_proxy", "no_proxy"]);
    });

    it("passes only JVM system properties that core reads, and launcher options it knows", async () => {
        const env = new Map((await pod()).containers[0].env!.map(e => [e.name, e.value ?? ""]));
        const javaOpts = env.get("JAVA_OPTS")!;
        assert.deepStrictEqual(checkJavaOpts(javaOpts), []);
        assert.match(javaOpts, /-Dhudson\.slaves\.NodeProvisioner\.initialDelay=0/, "the check has names to look at");
        for (const option of env.get("JENKINS_OPTS")!.split(/\s+/)) {
            assert.ok(launcher.launcherOptions.includes(option.split("=")[0]), `${option} is a launcher option`);
        }
        assert.deepStrictEqual(checkJavaOpts("-Dhudson.slaves.NodeProvisioner.MARGINN=50 -Duser.timezone=UTC"),
            ["-Dhudson.slaves.NodeProvisioner.MARGINN: core jenkins-2.568.2 reads no such system property"]);
    });

    it("runs jenkins-plugin-cli with options of the version the image ships, values where they take one", async () => {
        const init = (await pod(EVERY_FEATURE)).initContainers!.find(c => c.name === "install-plugins")!;
        const [command, ...args] = init.command!;
        assert.strictEqual(command, "jenkins-plugin-cli");
        assert.ok(args.includes("--jenkins-update-center"), "every option the stack can pass is present");
        assert.deepStrictEqual(checkPluginCliArgs(args), []);
        assert.ok(launcher.pluginCli.env.includes("JAVA_OPTS"), "jenkins-plugin-cli.sh passes JAVA_OPTS (the proxy) to the JVM");
        assert.deepStrictEqual(checkPluginCliArgs(["--latest", "--war", "/w.war", "--skip-failed", "x"]), [
            "--latest: takes a value in jenkins-plugin-cli 2.15.0",
            "--skip-failed: jenkins-plugin-cli 2.15.0 has no such option",
            "x: jenkins-plugin-cli 2.15.0 has no such option (a value without its option?)",
        ]);
    });
});
