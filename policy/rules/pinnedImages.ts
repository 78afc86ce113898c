// Rule 4: images are pinned (a tag other than latest, or a digest), in workloads and agent templates.
import { ResourceValidationPolicy } from "@pulumi/policy";
import { cascTemplatesOf } from "../lib/casc";
import { unpinnedImageReason } from "../shared/images";
import { allContainers, describe, podOf } from "../lib/workloads";

export const pinnedImages: ResourceValidationPolicy = {
    name: "pinned-images",
    description: "Every container image, in workloads and in JCasC agent pod templates, is pinned: no latest, no missing tag.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        const pod = podOf(args.type, args.props);
        for (const { where, container } of pod ? allContainers(pod.spec ?? {}) : []) {
            const reason = unpinnedImageReason(container.image);
            if (reason) {
                reportViolation(`${describe(args.type, args.props)}, ${where}: image ${reason}.`);
            }
        }
        for (const template of cascTemplatesOf(args.type, args.props)) {
            for (const c of template.containers ?? []) {
                const reason = unpinnedImageReason(c.image);
                if (reason) {
                    reportViolation(`Pod template ${template.name ?? "?"}, container ${c.name ?? "?"}: image ${reason}.`);
                }
            }
        }
    },
};
