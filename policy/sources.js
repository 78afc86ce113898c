// Whether compiled JavaScript is exactly the build of the current TypeScript sources: `npm run
// build` records a hash of the sources next to its output (bin/.sources.json); the launchers
// (policy/main.js, lib/launch.js) run the compiled files only when the hash still matches, and
// otherwise compile on the fly. Fast, and never stale. Plain JavaScript: it runs before any compiler.
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

/** Top-level folders that hold no program or pack sources (nested folders are always read). */
const SKIP = new Set(["node_modules", "bin", "test", "scripts", "examples", "toolchain", "docs", ".git"]);

/**
 * A hash of everything a build depends on below `dir`: every .ts file (names and contents,
 * symlinked folders followed), the tsconfig.json files, and the TypeScript version.
 */
function sourcesHash(dir) {
    const files = [];
    (function walk(at, top) {
        for (const entry of fs.readdirSync(at, { withFileTypes: true })) {
            const full = path.join(at, entry.name);
            const isDir = entry.isDirectory() || (entry.isSymbolicLink() && fs.statSync(full).isDirectory());
            if (isDir) {
                if (!(top && SKIP.has(entry.name))) walk(full, false);
            } else if ((entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) || entry.name === "tsconfig.json") {
                files.push(full);
            }
        }
    })(dir, true);
    const hash = crypto.createHash("sha256");
    hash.update(`typescript ${require("typescript/package.json").version}\0`);
    for (const file of files.sort()) {
        hash.update(path.relative(dir, file)).update("\0").update(fs.readFileSync(file)).update("\0");
    }
    return hash.digest("hex");
}

/** The project root: the folder above policy/. */
const ROOT = path.resolve(__dirname, "..");
const STAMP = path.join(ROOT, "bin", ".sources.json");

/** The hashes of the program's and the pack's sources, as the stamp records them. */
function hashes() {
    return { program: sourcesHash(ROOT), policy: sourcesHash(__dirname) };
}

/**
 * Writes the stamp after a build, given the hashes taken before it: a source saved while the
 * compiler ran would make the output older than the sources, so then no stamp is written.
 */
function stamp(before) {
    const after = hashes();
    if (before && (before.program !== after.program || before.policy !== after.policy)) {
        console.error("sources changed during the build: bin/ is not stamped, so it will not be used (run npm run build again)");
        return;
    }
    fs.writeFileSync(STAMP, JSON.stringify(after) + "\n");
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

/**
 * Loads `compiled` when fresh, else `source` through ts-node in transpile-only mode. A ts-node
 * registered before (run-policy-pack registers one that type-checks) is switched off first: a new
 * registration wraps the old one instead of replacing it, so both would compile every file.
 */
function launch(part, compiled, source, tsconfig) {
    if (fresh(part) && fs.existsSync(compiled)) {
        return require(compiled);
    }
    const earlier = process[Symbol.for("ts-node.register.instance")];
    if (earlier) earlier.enabled(false);
    require("ts-node").register({ transpileOnly: true, project: tsconfig });
    return require(source);
}

/** npm run build: compile into a clean bin/ and stamp it, if no source changed meanwhile. */
function build() {
    const { spawnSync } = require("child_process");
    fs.rmSync(path.join(ROOT, "bin"), { recursive: true, force: true });
    const before = hashes();
    const tsc = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", ROOT], { stdio: "inherit" });
    if (tsc.status !== 0) {
        process.exit(tsc.status ?? 1);
    }
    stamp(before);
}

module.exports = { sourcesHash, hashes, stamp, fresh, launch, build, ROOT };

if (require.main === module && process.argv[2] === "build") {
    build();
}
