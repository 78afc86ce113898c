// Rule 8 (advisory): pods run as non-root, unprivileged, without host networking or the Docker socket.
import { ResourceValidationPolicy } from "@pulumi/policy";
import { cascTemplatesOf } from "../lib/casc";
import { allContainers, describe, podOf } from "../lib/workloads";
import { DOCKER_SOCKET } from "../shared/conventions";

export const podHardening: ResourceValidationPolicy = {
    name: "pod-hardening",
    description: "Containers run as non-root and unprivileged; pods use neither the host network nor the host's Docker socket (also in agent templates).",
    enforcementLevel: "advisory",
    validateResource: (args, reportViolation) => {
        const name = describe(args.type, args.props);
        const pod = podOf(args.type, args.props);
        if (pod?.spec) {
            const spec = pod.spec;
            if (spec.hostNetwork === true) {
                reportViolation(`${name} uses the host network.`);
            }
            if ((spec.volumes ?? []).some(v => v.hostPath?.path === DOCKER_SOCKET)) {
                reportViolation(`${name} mounts the host's Docker socket (root on the node).`);
            }
            for (const { where, container } of allContainers(spec)) {
                const sc = container.securityContext ?? {};
                if (sc.privileged === true) {
                    reportViolation(`${name}, ${where} is privileged.`);
                }
                const runAsUser = sc.runAsUser ?? spec.securityContext?.runAsUser;
                const nonRoot = sc.runAsNonRoot ?? spec.securityContext?.runAsNonRoot;
                if (runAsUser === 0 || (nonRoot !== true && (runAsUser === undefined))) {
                    reportViolation(`${name}, ${where} may run as root (set runAsNonRoot or a non-zero runAsUser).`);
                }
            }
        }
        for (const template of cascTemplatesOf(args.type, args.props)) {
            if ((template.volumes ?? []).some(v => v.hostPathVolume?.hostPath === DOCKER_SOCKET)) {
                reportViolation(`Pod template ${template.name ?? "?"} mounts the host's Docker socket.`);
            }
        }
    },
};
