// Rule 5: the Jenkins controller has startup, liveness and readiness probes (no fixed delays).
import { ResourceValidationPolicy } from "@pulumi/policy";
import { describe, podOf } from "../lib/workloads";

const JENKINS_IMAGE = /(^|\/)jenkins\/jenkins([:@]|$)/;

export const controllerProbes: ResourceValidationPolicy = {
    name: "controller-probes",
    description: "The Jenkins controller container (a jenkins/jenkins image, or a pod labelled app.kubernetes.io/name=jenkins and component=controller) has startup, liveness and readiness probes.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        const pod = podOf(args.type, args.props);
        if (!pod) {
            return;
        }
        const labelled = pod.labels["app.kubernetes.io/name"] === "jenkins" && pod.labels["app.kubernetes.io/component"] === "controller";
        const containers = pod.spec?.containers ?? [];
        const controllers = containers.filter(c => JENKINS_IMAGE.test(c.image ?? ""));
        if (controllers.length === 0 && labelled) {
            controllers.push(...containers.slice(0, 1));
            if (containers.length === 0) {
                reportViolation(`${describe(args.type, args.props)} is labelled as the Jenkins controller but has no containers.`);
            }
        }
        for (const c of controllers) {
            const missing = (["startupProbe", "livenessProbe", "readinessProbe"] as const).filter(p => !c[p]);
            if (missing.length > 0) {
                reportViolation(`${describe(args.type, args.props)}, controller container ${c.name ?? "?"} has no ${missing.join(", ")}.`);
            }
        }
    },
};
