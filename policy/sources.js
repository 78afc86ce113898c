// Whether compiled JavaScript is exactly the build of the current TypeScript sources: `npm run
// build` records a hash of the sources next to its output (bin/.sources.json); the launchers
// (policy/main.js, lib/launch.js) run the compiled files only when the hash still matches, and
// otherwise compile on the fly. Fast, and never stale. Plain JavaScript: it runs before any compiler.
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

/** Folders that hold no program or pack sources. */
const SKIP = new Set(["node_modules", "bin", "test", "scripts", "examples", "toolchain", "docs", ".git"]);

/** A hash of every .ts file below `dir` (names and contents), in a stable order. */
function sourcesHash(dir) {
    const files = [];
    (function walk(at) {
        for (const entry of fs.readdirSync(at, { withFileTypes: true })) {
            const full = path.join(at, entry.name);
            if (entry.isDirectory()) {
                if (!SKIP.has(entry.name)) walk(full);
            } else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) {
                files.push(full);
            }
        }
    })(dir);
    const hash = crypto.createHash("sha256");
    for (const file of files.sort()) {
        hash.update(path.relative(dir, file)).update("\0").update(fs.readFileSync(file)).update("\0");
    }
    return hash.digest("hex");
}

/** The project root: the folder above policy/. */
const ROOT = path.resolve(__dirname, "..");
const STAMP = path.join(ROOT, "bin", ".sources.json");

/** Writes the stamp after a build: one hash for the program, one for the pack. */
function stamp() {
    fs.writeFileSync(STAMP, JSON.stringify({ program: sourcesHash(ROOT), policy: sourcesHash(__dirname) }) + "\n");
}

/** Whether the compiled `part` ("program" or "policy") matches the sources. */
function fresh(part) {
    try {
        const recorded = JSON.parse(fs.readFileSync(STAMP, "utf8"))[part];
        return recorded === sourcesHash(part === "policy" ? __dirname : ROOT);
    } catch {
        return false;
    }
}

/** Loads `compiled` when fresh, else `source` through ts-node in transpile-only mode. */
function launch(part, compiled, source, tsconfig) {
    if (fresh(part) && fs.existsSync(compiled)) {
        return require(compiled);
    }
    require("ts-node").register({ transpileOnly: true, project: tsconfig });
    return require(source);
}

module.exports = { sourcesHash, stamp, fresh, launch, ROOT };
