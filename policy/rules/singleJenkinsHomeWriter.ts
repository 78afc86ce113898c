// Rule 6: one writer on JENKINS_HOME: a workload that mounts the Jenkins home claim runs one
// replica, and a Deployment uses the Recreate strategy (a rolling update would run two).
import { StackValidationPolicy } from "@pulumi/policy";
import { JENKINS_HOME_LABEL } from "../shared/conventions";
import { describe, ObjectMetaView, podOf } from "../lib/workloads";

interface WorkloadSpecView { replicas?: number; strategy?: { type?: string } }

export const singleJenkinsHomeWriter: StackValidationPolicy = {
    name: "single-jenkins-home-writer",
    description: `A workload mounting a claim labelled ${JENKINS_HOME_LABEL} runs exactly 1 replica, and a Deployment uses the Recreate strategy; a DaemonSet may not mount it.`,
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const homes = new Set(args.resources
            .filter(r => r.type === "kubernetes:core/v1:PersistentVolumeClaim")
            .map(r => r.props.metadata as ObjectMetaView | undefined)
            .filter(m => m?.labels?.[JENKINS_HOME_LABEL] !== undefined)
            .map(m => `${m?.namespace ?? "default"}/${m?.name ?? ""}`));
        for (const r of args.resources) {
            const pod = podOf(r.type, r.props);
            const namespace = (r.props.metadata as ObjectMetaView | undefined)?.namespace ?? "default";
            const mounts = (pod?.spec?.volumes ?? []).some(v => homes.has(`${namespace}/${v.persistentVolumeClaim?.claimName ?? ""}`));
            if (!pod || !mounts) {
                continue;
            }
            const name = describe(r.type, r.props);
            const spec = (r.props.spec ?? {}) as WorkloadSpecView;
            if (pod.kind === "DaemonSet") {
                reportViolation(`${name} mounts JENKINS_HOME on every node: more than one writer.`, r.urn);
                continue;
            }
            if (["Deployment", "StatefulSet", "ReplicaSet"].includes(pod.kind) && (spec.replicas ?? 1) !== 1) {
                reportViolation(`${name} mounts JENKINS_HOME with ${String(spec.replicas)} replicas; it must run exactly 1.`, r.urn);
            }
            if (pod.kind === "Deployment" && spec.strategy?.type !== "Recreate") {
                reportViolation(`${name} mounts JENKINS_HOME with the ${spec.strategy?.type ?? "default RollingUpdate"} strategy; use Recreate so two controllers never share it.`, r.urn);
            }
        }
    },
};
