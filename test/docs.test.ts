// Pulumi.yaml's config block and the README's generated sections match the code.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { CONFIG_KEYS, isDeclared } from "../config";
import { OUTPUTS } from "../outputs";
import { ROOT } from "./harness/evaluate";
import { renderPulumiYaml, renderReadme } from "../scripts/generateDocs";

describe("generated docs", () => {
    it("Pulumi.yaml declares every declarable key with its type and default", () => {
        const text = fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8");
        assert.strictEqual(text, renderPulumiYaml(), "Pulumi.yaml is stale: run npm run docs");
        const declared = (YAML.parse(text) as { config: Record<string, { type: string; default?: unknown }> }).config;
        for (const [key, spec] of Object.entries(CONFIG_KEYS)) {
            if (isDeclared(spec)) {
                assert.strictEqual(declared[key]?.type, spec.type, key);
                assert.deepStrictEqual(declared[key]?.default, spec.default, key);
            } else {
                assert.strictEqual(declared[key], undefined, `${key} has no default, so the CLI would require it`);
            }
        }
    });

    it("the README's generated sections are current", () => {
        const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
        assert.strictEqual(readme, renderReadme(readme), "README.md is stale: run npm run docs");
        for (const key of [...Object.keys(CONFIG_KEYS), ...Object.keys(OUTPUTS)]) {
            assert.ok(readme.includes(`| \`${key}\` |`), `README lacks ${key}`);
        }
    });

    it("every stack file sets only known keys of this project", () => {
        for (const file of fs.readdirSync(ROOT).filter(f => /^Pulumi\.[^.]+\.yaml$/.test(f))) {
            const config = (YAML.parse(fs.readFileSync(path.join(ROOT, file), "utf8")) as { config: Record<string, unknown> }).config;
            for (const key of Object.keys(config)) {
                const [namespace, name] = key.split(":");
                if (namespace === "jenkins-on-k8s") {
                    assert.ok(name in CONFIG_KEYS, `${file}: unknown key ${key}`);
                }
            }
        }
    });
});
