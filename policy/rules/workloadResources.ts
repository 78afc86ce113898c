// Rule 3: every container of every workload has CPU and memory requests and limits.
import { ResourceValidationPolicy } from "@pulumi/policy";
import { fromKubernetes, resourceProblems } from "../lib/resources";
import { allContainers, describe, podOf } from "../lib/workloads";

export const workloadResources: ResourceValidationPolicy = {
    name: "workload-resources",
    description: "Every container (init containers too) of every Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob and Pod has CPU and memory requests and limits, requests not above limits.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        const pod = podOf(args.type, args.props);
        if (!pod) {
            return;
        }
        const containers = allContainers(pod.spec ?? {});
        if (containers.length === 0) {
            reportViolation(`${describe(args.type, args.props)} has no pod spec with containers to check.`);
        }
        for (const { where, container } of containers) {
            for (const problem of resourceProblems(fromKubernetes(container.resources))) {
                reportViolation(`${describe(args.type, args.props)}, ${where} ${problem}.`);
            }
        }
    },
};
