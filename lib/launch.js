// What `pulumi` runs (Pulumi.yaml main, with TypeScript off): the compiled program when it is
// exactly the build of the current sources (policy/sources.js), else index.ts transpile-only.
// Type checking is npm test's job; either way no stale code runs, and no compiler loads when
// the build is current.
"use strict";
const path = require("path");
const { launch, ROOT } = require("../policy/sources");

module.exports = launch("program", path.join(ROOT, "bin", "index.js"), path.join(ROOT, "index.ts"), path.join(ROOT, "tsconfig.pulumi.json"));
