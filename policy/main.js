// The pack's entry point (package.json main). Type checking is npm test's job: this runs the
// compiled pack when it is exactly the build of the current sources (sources.js), else index.ts
// transpile-only (run-policy-pack's type-checking ts-node is switched off first).
"use strict";
const path = require("path");
const { launch, ROOT } = require("./sources");

launch("policy", path.join(ROOT, "bin", "policy", "index.js"), path.join(__dirname, "index.ts"), path.join(__dirname, "tsconfig.json"));
