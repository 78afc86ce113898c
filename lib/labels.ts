import { PART_OF } from "../policy/shared/conventions";

/** The Kubernetes recommended labels (app.kubernetes.io/*) of one part of the stack. */
export interface LabelArgs {
    /** The application: "jenkins" or "nfs-subdir-external-provisioner". */
    name: string;
    /** This installation, e.g. the Jenkins name from config. */
    instance: string;
    /** The part: controller, agent, storage, rbac, ... */
    component: string;
}

/** Labels that select a workload's pods; they never change over its life. */
export function selectorLabels(args: LabelArgs): Record<string, string> {
    return {
        "app.kubernetes.io/name": args.name,
        "app.kubernetes.io/instance": args.instance,
        "app.kubernetes.io/component": args.component,
    };
}

/** All recommended labels for objects the stack creates. */
export function labels(args: LabelArgs): Record<string, string> {
    return {
        ...selectorLabels(args),
        "app.kubernetes.io/part-of": PART_OF,
        "app.kubernetes.io/managed-by": "pulumi",
    };
}
