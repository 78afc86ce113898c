// Rule 7: no binding to cluster-admin, no wildcard verbs, resources or API groups.
import { ResourceValidationPolicy } from "@pulumi/policy";
import { describe } from "../lib/workloads";

interface RuleView { apiGroups?: string[]; resources?: string[]; verbs?: string[] }

export const rbacLeastPrivilege: ResourceValidationPolicy = {
    name: "rbac-least-privilege",
    description: "No RoleBinding or ClusterRoleBinding grants cluster-admin, and no Role or ClusterRole uses '*' in verbs, resources or API groups.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        const kind = args.type.split(":").pop();
        if (kind === "RoleBinding" || kind === "ClusterRoleBinding") {
            const roleRef = args.props.roleRef as { name?: string } | undefined;
            if (!roleRef?.name) {
                reportViolation(`${describe(args.type, args.props)} has no roleRef name to check.`);
            } else if (roleRef.name === "cluster-admin") {
                reportViolation(`${describe(args.type, args.props)} grants cluster-admin.`);
            }
        }
        if (kind === "Role" || kind === "ClusterRole") {
            ((args.props.rules ?? []) as RuleView[]).forEach((rule, i) => {
                for (const field of ["verbs", "resources", "apiGroups"] as const) {
                    if ((rule[field] ?? []).includes("*")) {
                        reportViolation(`${describe(args.type, args.props)}, rule ${i}: wildcard '*' in ${field}.`);
                    }
                }
            });
        }
    },
};
