// Every class of bad input is refused before anything exists, each with an accepted near miss;
// user text reaches jenkins.yaml exactly as written (escaped for JCasC); messages are one line a
// problem, with control characters escaped and credentials masked, and no follow-on problems.
import * as assert from "assert";
import * as YAML from "yaml";
import { ConfigError } from "../config";
import { maskCredentials } from "../config/rules";
import { joinCommandLine } from "../config/templates";
import { CascDocument } from "../lib/jcasc";
import { evaluate, Evaluation } from "./harness/evaluate";
import { assertProblem, configErrorOf, manifest } from "./helpers";
import type { IConfigMap } from "kubernetes-models/v1" with { "resolution-mode": "import" };

const RESOURCES = { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "1", memory: "2Gi" } };

/** One template, with fields and container fields overridden. */
function templates(over: Record<string, unknown> = {}, container: Record<string, unknown> = {}): string {
    return JSON.stringify([{
        name: "build", label: "build",
        containers: [{ name: "maven", image: "maven:3.9.16-eclipse-temurin-21", resources: RESOURCES, ...container }],
        ...over,
    }]);
}

function cascOf(e: Evaluation): CascDocument {
    return YAML.parse(manifest<IConfigMap>(e.resources, "ConfigMap", "jenkins-config").data!["jenkins.yaml"]) as CascDocument;
}

/** [class, refused overrides, key, pattern, accepted near miss]. */
type Case = [string, Record<string, string>, string, RegExp, Record<string, string>];

const CASES: Case[] = [
    // Values Kubernetes or Jenkins would refuse later.
    ["a zero size", { jenkinsHomeSize: "0" }, "jenkinsHomeSize", /"0" must be above zero/, { jenkinsHomeSize: "1Gi" }],
    ["a zero cache size", { agentCaches: JSON.stringify([{ name: "maven-repo", size: "0Gi", kind: "maven" }]) }, "agentCaches",
        /\[0\]\.size "0Gi" must be above zero/, { agentCaches: JSON.stringify([{ name: "maven-repo", size: "1Gi", kind: "maven" }]) }],
    ["memory in millibytes", { agentJnlpMemoryLimit: "512m" }, "agentJnlpMemoryLimit", /"512m" counts millibytes \(did you mean 512Mi\?\)/,
        { agentJnlpMemoryLimit: "512Mi" }],
    ["a size with spaces around it", { jenkinsHomeSize: " 5Gi " }, "jenkinsHomeSize", /" 5Gi " has spaces around it/, { jenkinsHomeSize: "1.5Gi" }],
    ["an ephemeral-storage limit below its request", { agentTemplates: templates({}, { resources: {
        requests: { ...RESOURCES.requests, "ephemeral-storage": "4Gi" }, limits: { ...RESOURCES.limits, "ephemeral-storage": "1Gi" } } }) },
        "agentTemplates", /\[0\]\.containers\[0\]\.resources\.limits\.ephemeral-storage 1Gi is below the request 4Gi/,
        { agentTemplates: templates({}, { resources: { requests: { ...RESOURCES.requests, "ephemeral-storage": "1Gi" }, limits: { ...RESOURCES.limits, "ephemeral-storage": "4Gi" } } }) }],
    ["a template number beyond a Java int", { agentTemplates: templates({ instanceCap: 2147483648 }) }, "agentTemplates",
        /\[0\]\.instanceCap must be an integer from 1 to 2147483647/, { agentTemplates: templates({ instanceCap: 2147483647 }) }],
    ["a pod count beyond a Java int", { agentQuotaPods: "3000000000" }, "agentQuotaPods", /must be from 1 to 2147483647, got 3000000000/,
        { agentQuotaPods: "2147483647" }],
    ["a quota without room for the reload sidecar next to the controller and one agent pod", { agentQuotaMemoryLimits: "4608Mi" }, "agentQuotaMemoryLimits",
        /4608Mi cannot hold one pod of template jenkins-agent-jnlp \(memory limits 2560Mi\) next to the controller \(2176Mi\)/, { agentQuotaMemoryLimits: "4736Mi" }],
    ["a quota smaller than one agent pod", { agentNamespace: "agents", agentQuotaMemoryLimits: "2Gi" }, "agentQuotaMemoryLimits",
        /2Gi cannot hold one pod of template jenkins-agent-jnlp \(memory limits 2560Mi\)$/, { agentNamespace: "agents", agentQuotaMemoryLimits: "2560Mi" }],
    ["a Service name that starts with a digit", { jenkinsName: "1jenkins" }, "jenkinsName", /"1jenkins" is not a valid Service name/,
        { jenkinsName: "jenkins1" }],
    ["a label value over 63 characters", { agentTemplates: templates({ nodeSelector: { pool: "a".repeat(64) } }) }, "agentTemplates",
        /\[0\]\.nodeSelector "a{64}" is not a label value/, { agentTemplates: templates({ nodeSelector: { pool: "a".repeat(63) } }) }],
    ["an upper-case repository", { agentInboundImage: "Jenkins/inbound-agent:3385.vf1123fb_515da_-1" }, "agentInboundImage",
        /has an invalid repository "Jenkins\/inbound-agent"/, { agentInboundImage: "jenkins/inbound-agent:3385.vf1123fb_515da_-1" }],
    ["a truncated digest", { agentTemplates: templates({}, { image: "maven@sha256:0123abcd" }) }, "agentTemplates",
        /\[0\]\.containers\[0\]\.image "maven@sha256:0123abcd" has an invalid digest/,
        { agentTemplates: templates({}, { image: `maven@sha256:${"0123abcd".repeat(8)}` }) }],
    ["two volumes on one mountPath", { agentTemplates: templates({ volumes: [{ emptyDir: true, mountPath: "/cache" }, { emptyDir: true, mountPath: "/cache" }] }) },
        "agentTemplates", /\[0\]\.volumes\[1\]\.mountPath "\/cache" is already mounted in this template/,
        { agentTemplates: templates({ volumes: [{ emptyDir: true, mountPath: "/cache" }, { emptyDir: true, mountPath: "/cache2" }] }) }],
    ["two volumes on one mountPath spelled apart", { agentTemplates: templates({ volumes: [{ emptyDir: true, mountPath: "/cache" }, { emptyDir: true, mountPath: "/cache/" }] }) },
        "agentTemplates", /\[0\]\.volumes\[1\]\.mountPath "\/cache" is already mounted in this template/,
        { agentTemplates: templates({ volumes: [{ emptyDir: true, mountPath: "/cache" }, { emptyDir: true, mountPath: "/cache/sub" }] }) }],
    ["a volume over the agent workspace, with a trailing slash", { agentTemplates: templates({ volumes: [{ emptyDir: true, mountPath: "/home/jenkins/agent/" }] }) },
        "agentTemplates", /\[0\]\.volumes\[0\]\.mountPath "\/home\/jenkins\/agent" is already mounted/,
        { agentTemplates: templates({ volumes: [{ emptyDir: true, mountPath: "/home/jenkins/agent/tools" }] }) }],
    ["a volume over the agent workspace", { agentTemplates: templates({ volumes: [{ emptyDir: true, mountPath: "/home/jenkins/agent" }] }) },
        "agentTemplates", /\[0\]\.volumes\[0\]\.mountPath "\/home\/jenkins\/agent" is already mounted/,
        { agentTemplates: templates({ volumes: [{ emptyDir: true, mountPath: "/home/jenkins/agent2" }] }) }],
    ["a node selector value that smuggles in a second selector", { agentTemplates: templates({ nodeSelector: { "kubernetes.io/os": "linux,evil=x" } }) },
        "agentTemplates", /\[0\]\.nodeSelector "linux,evil=x" is not a label value/,
        { agentTemplates: templates({ nodeSelector: { "kubernetes.io/os": "linux" } }) }],
    ["an IPv4 octet over 255", { nodeAddress: "192.168.300.1" }, "nodeAddress", /"192\.168\.300\.1" is not an IPv4 address/, { nodeAddress: "192.168.30.1" }],
    ["a time zone in the wrong case", { jenkinsTimezone: "asia/shanghai" }, "jenkinsTimezone", /"asia\/shanghai" is spelled "Asia\/Shanghai" in the tz database/,
        { jenkinsTimezone: "Asia/Shanghai" }],
    ["a time-zone alias", { jenkinsTimezone: "US/Pacific" }, "jenkinsTimezone", /"US\/Pacific" is an alias: use its canonical name "America\/Los_Angeles"/,
        { jenkinsTimezone: "America/Los_Angeles" }],
    ["UTC in the wrong case", { jenkinsTimezone: "utc" }, "jenkinsTimezone", /"utc" is spelled "UTC"/, { jenkinsTimezone: "UTC" }],
    ["a bare offset for a time zone", { jenkinsTimezone: "-0500" }, "jenkinsTimezone", /"-0500" is an offset, not a time zone/, { jenkinsTimezone: "Etc/GMT+5" }],
    ["a quoted -Xmx above the container limit", { jenkinsJavaOpts: "'-Xmx8g'" }, "jenkinsJavaOpts", /-Xmx8g gives a 8192Mi heap/, { jenkinsJavaOpts: "'-Xmx1g'" }],
    ["a quoted property core does not read", { jenkinsJavaOpts: "'-Dhudson.typo=1'" }, "jenkinsJavaOpts", /-Dhudson\.typo: core jenkins-2\.568\.2 reads no such system property/,
        { jenkinsJavaOpts: "'-Dhudson.slaves.NodeProvisioner.MARGIN=20'" }],
    ["an unbalanced quote in JAVA_OPTS", { jenkinsJavaOpts: "-Dfoo='abc -Xmx1g" }, "jenkinsJavaOpts", /has an unbalanced ': the image's xargs would fail/,
        { jenkinsJavaOpts: "-Dfoo='a b' -Xmx1g" }],
    ["-Xmx above the container limit", { jenkinsJavaOpts: "-Xmx2g" }, "jenkinsJavaOpts", /-Xmx2g gives a 2048Mi heap/, { jenkinsJavaOpts: "-Xmx1280m" }],
    ["JAVA_OPTS as a list", { jenkinsJavaOpts: JSON.stringify(["-Xmx1g"]) }, "jenkinsJavaOpts", /must be one string, not a list/, { jenkinsJavaOpts: "-Xmx1g" }],
    // Values that would silently do something else.
    ["a resource agents cannot set", { agentTemplates: templates({}, { resources: { ...RESOURCES, limits: { ...RESOURCES.limits, "nvidia.com/gpu": "1" } } }) },
        "agentTemplates", /\[0\]\.containers\[0\]\.resources\.limits\.nvidia\.com\/gpu is not a resource agents can set \(cpu, memory, ephemeral-storage\)/,
        { agentTemplates: templates({}, { resources: { ...RESOURCES, limits: { ...RESOURCES.limits, "ephemeral-storage": "4Gi" } } }) }],
    ["a command word with both quote characters", { agentTemplates: templates({}, { command: ["sh", "-c", "echo \"it's\""] }) }, "agentTemplates",
        /\[0\]\.containers\[0\]\.command has an element with both ' and "/, { agentTemplates: templates({}, { command: ["sh", "-c", "echo it's"] }) }],
    ["a proxy on port 0", { jenkinsProxy: "http://proxy:0" }, "jenkinsProxy", /"http:\/\/proxy:0" must be http:\/\/host:port/, { jenkinsProxy: "http://proxy:80" }],
    ["templates that are null", { agentTemplates: "null" }, "agentTemplates", /must be a list of pod templates/, { agentTemplates: templates() }],
    ["an admin password in plain text", { jenkinsAdminPassword: "plain-text-password-1" }, "jenkinsAdminPassword",
        /is stored in plain text: set it with `pulumi config set --secret jenkinsAdminPassword`/, {}],
    ["an admin password JCasC would expand", { jenkinsAdminPassword: "pa${ss}word-12345" }, "jenkinsAdminPassword",
        /must not contain "\$\{": JCasC would expand it/, {}],
    // Ownership.
    ["the default namespace for Jenkins", { jenkinsNamespace: "default" }, "jenkinsNamespace", /"default" is a namespace Kubernetes owns/,
        { jenkinsNamespace: "defaults" }],
    ["kube-system for agents", { agentNamespace: "kube-system" }, "agentNamespace", /"kube-system" is a namespace Kubernetes owns/,
        { agentNamespace: "kubeflow-agents" }],
    ["kube-public for the provisioner", { nfsProvisionerNamespace: "kube-public" }, "nfsProvisionerNamespace", /"kube-public" is a namespace Kubernetes owns/,
        { nfsProvisionerNamespace: "nfs" }],
    ["the external ServiceAccount equal to the controller's", { externalAccessEnabled: "true", externalAccessApiServer: "https://api:6443", externalAccessServiceAccount: "jenkins-sa" },
        "externalAccessServiceAccount", /must differ from jenkinsServiceAccount \(jenkins-sa\): both are in namespace devops/,
        { externalAccessEnabled: "true", externalAccessApiServer: "https://api:6443", externalAccessServiceAccount: "jenkins-sa", agentNamespace: "agents" }],
    ["the external ServiceAccount named like the controller's RoleBinding", { externalAccessEnabled: "true", externalAccessApiServer: "https://api:6443", externalAccessServiceAccount: "jenkins-agents" },
        "externalAccessServiceAccount", /must not be jenkins-agents: that is the name of the controller's RoleBinding/,
        { externalAccessEnabled: "true", externalAccessApiServer: "https://api:6443", externalAccessServiceAccount: "jenkins-agents-ext" }],
];

describe("config rules: each class refused, its near miss accepted", () => {
    for (const [what, refused, key, pattern, nearMiss] of CASES) {
        it(`refuses ${what}`, async () => {
            // A password is a secret, except where the case is about plain text.
            const secretKeys = "jenkinsAdminPassword" in refused && !what.includes("plain text") ? ["jenkinsAdminPassword"] : [];
            const error = await configErrorOf("dev", { overrides: refused, secretKeys });
            assertProblem(error, key, pattern);
            assert.strictEqual(error.problems.length, 1, `one problem, no follow-on:\n${error.message}`);
        });
        if (Object.keys(nearMiss).length > 0) {
            it(`accepts the near miss of ${what}`, async () => {
                await evaluate("dev", { overrides: nearMiss });
            });
        }
    }

    it("accepts an admin password set as a secret, even with other special characters", async () => {
        const e = await evaluate("dev", { overrides: { jenkinsAdminPassword: "pa$$word{}^-12345" }, secretKeys: ["jenkinsAdminPassword"] });
        assert.strictEqual(e.outputs.adminPassword, "pa$$word{}^-12345");
    });

    it("refuses a jenkins.yaml over the 1 MiB ConfigMap limit, and accepts one just under it", async () => {
        const big = (bytes: number) => templates({}, { env: { BIG: "x".repeat(bytes) } });
        await assert.rejects(evaluate("dev", { overrides: { agentTemplates: big(1024 * 1024) } }), (error: unknown) => {
            assert.ok(error instanceof ConfigError);
            assertProblem(error, "agentTemplates", /over the 1048576-byte ConfigMap limit/);
            return true;
        });
        await evaluate("dev", { overrides: { agentTemplates: big(1000 * 1000) } });
    });

    it("honours ephemeral-storage instead of dropping it", async () => {
        const e = await evaluate("dev", { overrides: { agentTemplates: templates({}, {
            resources: { requests: { ...RESOURCES.requests, "ephemeral-storage": "1Gi" }, limits: { ...RESOURCES.limits, "ephemeral-storage": "4Gi" } },
        }) } });
        const maven = cascOf(e).jenkins.clouds[0].kubernetes.templates[0].containers[1];
        assert.strictEqual(maven.resourceRequestEphemeralStorage, "1Gi");
        assert.strictEqual(maven.resourceLimitEphemeralStorage, "4Gi");
    });

    it("keeps each word of a command list one word for the plugin's splitter", async () => {
        const e = await evaluate("dev", { overrides: { agentTemplates: templates({}, { command: ["sh", "-c", "sleep 1d"], args: ["it's", "", "a\"b"] }) } });
        const maven = cascOf(e).jenkins.clouds[0].kubernetes.templates[0].containers[1];
        assert.strictEqual(maven.command, "sh -c \"sleep 1d\"");
        assert.strictEqual(maven.args, "\"it's\" \"\" 'a\"b'");
        // Ant's Commandline.translateCommandline, which PodTemplateUtils.splitCommandLine calls.
        assert.deepStrictEqual(antSplit(maven.command), ["sh", "-c", "sleep 1d"]);
        assert.deepStrictEqual(antSplit(maven.args), ["it's", "", "a\"b"]);
        assert.strictEqual(joinCommandLine(["a'b\"c"]), undefined);
    });

    it("warns about settings of a feature that is off, and about an empty template list", async () => {
        const warnings: string[] = [];
        await evaluate("dev", { overrides: { nfsProvisionerEnabled: "false", externalAccessApiServer: "https://api:6443" },
            onWarning: key => warnings.push(key) });
        assert.deepStrictEqual(warnings.sort(), ["externalAccessApiServer", "nfsPath", "nfsProvisionerName", "nfsServer", "storageArchiveOnDelete", "storageClassDefault"]);
        const empty: string[] = [];
        await evaluate("dev", { overrides: { agentTemplates: "[]" }, onWarning: (key, message) => empty.push(`${key}: ${message}`) });
        assert.deepStrictEqual(empty, ["agentTemplates: is an empty list: no agent can start, and builds wait forever"]);
    });

    it("warns, without failing, when jenkinsNoProxy is set without jenkinsProxy", async () => {
        const warnings: string[] = [];
        await evaluate("dev", { overrides: { jenkinsNoProxy: "git.corp" }, onWarning: (key, message) => warnings.push(`${key}: ${message}`) });
        assert.deepStrictEqual(warnings, ["jenkinsNoProxy: is ignored: it only applies with jenkinsProxy, which is not set"]);
        const none: string[] = [];
        await evaluate("dev", { overrides: { jenkinsNoProxy: "git.corp", jenkinsProxy: "http://proxy:3128" }, onWarning: k => none.push(k) });
        assert.deepStrictEqual(none, []);
    });
});

/** Ant's Commandline.translateCommandline: spaces split, '...' and "..." group, no escapes. */
function antSplit(line: string): string[] {
    const out: string[] = [];
    let current = "";
    let quote: string | undefined;
    let quoted = false;
    for (const c of line) {
        if (quote) {
            if (c === quote) {
                quote = undefined;
            } else {
                current += c;
            }
        } else if (c === "'" || c === "\"") {
            quote = c;
            quoted = true;
        } else if (c === " ") {
            if (quoted || current !== "") {
                out.push(current);
            }
            current = "";
            quoted = false;
        } else {
            current += c;
        }
    }
    if (quoted || current !== "") {
        out.push(current);
    }
    return out;
}

describe("user text reaches Jenkins exactly as written", () => {
    /** What JCasC 2115 leaves of a string (SecretSourceResolver): variables resolved, ^${ unescaped. */
    function afterJcasc(text: string, env: Record<string, string>): string {
        return text.replace(/(\^?)\$\{([^}]*)\}/g, (all, escape: string, name: string) => escape ? all.slice(1) : env[name] ?? "");
    }

    it("escapes every ${ in user fields, and leaves only the admin password to JCasC", async () => {
        const tricky = "${JENKINS_ADMIN_PASSWORD}";
        const e = await evaluate("dev", { overrides: {
            jenkinsUpdateCenterUrl: "https://mirror.example/${HOME}/update-center.json",
            jenkinsProxy: "http://proxy.corp:3128",
            agentTemplates: templates({ label: "build ${HOME}" }, {
                env: { LEAK: tricky, TOKEN: "${readFile:/var/run/secrets/kubernetes.io/serviceaccount/token}", MAVEN_OPTS: "-Dmaven.repo.local=${HOME}/.m2", LITERAL: "^${x}" },
                command: "sh -c 'echo ${HOME}'", args: ["${computer.jnlpmac}", "${computer.name}"], workingDir: "/work/${USER}",
            }),
        } });
        const text = manifest<IConfigMap>(e.resources, "ConfigMap", "jenkins-config").data!["jenkins.yaml"];
        const unescaped = [...text.matchAll(/(?<!\^)\$\{[^}]*\}/g)].map(m => m[0]);
        assert.deepStrictEqual(unescaped, ["${JENKINS_ADMIN_PASSWORD}"], "the password reference is the only variable JCasC resolves");
        const env = { JENKINS_ADMIN_PASSWORD: "the-password", HOME: "/var/jenkins_home", USER: "jenkins" };
        const doc = YAML.parse(text) as CascDocument;
        const maven = doc.jenkins.clouds[0].kubernetes.templates[0].containers[1];
        const seen = Object.fromEntries(maven.envVars!.map(v => [v.envVar.key, afterJcasc(v.envVar.value, env)]));
        assert.strictEqual(seen.LEAK, tricky, "the password does not reach agents");
        assert.strictEqual(seen.TOKEN, "${readFile:/var/run/secrets/kubernetes.io/serviceaccount/token}");
        assert.match(seen.MAVEN_OPTS, /-Dmaven\.repo\.local=\$\{HOME\}\/\.m2$/, "expanded on the agent, not on the controller");
        assert.strictEqual(seen.LITERAL, "^${x}");
        assert.strictEqual(afterJcasc(maven.command, env), "sh -c 'echo ${HOME}'");
        assert.strictEqual(afterJcasc(maven.args, env), "${computer.jnlpmac} ${computer.name}", "the plugin fills these itself");
        assert.strictEqual(afterJcasc(maven.workingDir, env), "/work/${USER}");
        assert.strictEqual(afterJcasc(doc.jenkins.clouds[0].kubernetes.templates[0].label, env), "build ${HOME}");
        assert.strictEqual(afterJcasc(doc.jenkins.updateCenter!.sites[0].url, env), "https://mirror.example/${HOME}/update-center.json");
        assert.strictEqual(afterJcasc(doc.jenkins.securityRealm.local.users[0].password, env), "the-password");
    });
});

describe("config error messages", () => {
    it("keep one line per problem: a newline in a value cannot forge a line", async () => {
        const error = await configErrorOf("dev", { overrides: { nfsPath: "exports\n  - jenkins-on-k8s:forged: looks real" } });
        assert.strictEqual(error.message.split("\n").length, 2, error.message);
        assert.match(error.message, /nfsPath: "exports\\n  - jenkins-on-k8s:forged: looks real" must be an absolute path/);
    });

    it("never repeat a proxy URL that holds credentials", async () => {
        for (const proxy of ["http://alice:s3cret@proxy.corp:3128", "http://alice:pa/ss@proxy.corp:3128", "http://alice:a@s3cret@proxy.corp:3128"]) {
            const error = await configErrorOf("dev", { overrides: { jenkinsProxy: proxy } });
            assertProblem(error, "jenkinsProxy", /must not hold credentials/);
            assert.ok(!error.message.includes("s3cret") && !error.message.includes("alice") && !error.message.includes("pa/ss"), error.message);
        }
    });

    it("mask credentials wherever a value shows them", () => {
        assert.strictEqual(maskCredentials("alice:s3cret@proxy.corp:3128"), "***@proxy.corp:3128");
        assert.strictEqual(maskCredentials("https://alice:pa/ss@mirror/uc.json"), "https://***@mirror/uc.json");
        assert.strictEqual(maskCredentials("http://a:b@c@host x"), "http://***@host x");
        assert.strictEqual(maskCredentials("https://mirror/uc.json"), "https://mirror/uc.json");
    });

    it("refuse a key stored as a secret that the stack would write in plain text, without showing it", async () => {
        const error = await configErrorOf("dev", {
            overrides: { jenkinsUpdateCenterUrl: "htps:/mirror?token=SECRET789", agentTemplates: templates({ label: 5 }) },
            secretKeys: ["jenkinsUpdateCenterUrl", "agentTemplates"],
        });
        assertProblem(error, "jenkinsUpdateCenterUrl", /is stored as a secret, but the stack writes it into Kubernetes objects in plain text/);
        assertProblem(error, "jenkinsUpdateCenterUrl", /^\[secret\] must be an http\(s\) URL$/);
        assertProblem(error, "agentTemplates", /details hidden because the value is stored as a secret/);
        assert.ok(!error.message.includes("SECRET789"), error.message);
    });

    it("escape line and paragraph separators too, and report unknown keys named like built-ins", async () => {
        const error = await configErrorOf("dev", { overrides: { nfsPath: "x\u2028y", toString: "1" } });
        assert.match(error.message, /nfsPath: "x\\u2028y" must be an absolute path/);
        assertProblem(error, "toString", /is not a configuration key of this project/);
    });

    it("report a bad value once, without follow-on problems on other keys", async () => {
        const bad: Record<string, string>[] = [{ jenkinsMemoryLimit: "lots" }, { agentJnlpMemoryLimit: "big" }, { jenkinsNamespace: "Dev" },
            { agentCaches: "maven-repo" }, { agentCaches: JSON.stringify({ name: "maven-repo" }) }];
        for (const overrides of bad) {
            const error = await configErrorOf("dev", { overrides });
            assert.strictEqual(error.problems.length, 1, error.message);
        }
        // Two bad names are two problems, not a third about their being equal.
        const twice = await configErrorOf("dev", { overrides: { agentTemplates: JSON.stringify([{ name: "Bad_Name", label: "a" }, { name: "Bad_Name", label: "b" }]) } });
        assert.strictEqual(twice.problems.length, 2, twice.message);
        assert.ok(!twice.message.includes("used by another template"), twice.message);
    });
});
