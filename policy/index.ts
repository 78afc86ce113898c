// The CrossGuard pack: only assembles the rules (policy/rules/), so tests can import them
// without starting a policy analyzer. main.js (the package's main) loads it transpile-only.
import { PolicyPack } from "@pulumi/policy";
import { traced } from "./lib/trace";
import { policies } from "./rules";

new PolicyPack("jenkins-on-k8s", {
    description: "Keeps jenkins-on-k8s stacks safe: agent limits, pinned images, probes, one JENKINS_HOME writer, least-privilege RBAC, TLS on every Ingress to Jenkins.",
    enforcementLevel: "mandatory",
    policies: traced(policies),
});
