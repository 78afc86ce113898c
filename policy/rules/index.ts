// Every rule of the pack, in the order the README lists them.
import { Policies } from "@pulumi/policy";
import { agentNamespaceLimitRange } from "./agentNamespaceLimitRange";
import { agentPodLimits } from "./agentPodLimits";
import { controllerProbes } from "./controllerProbes";
import { ingressTls } from "./ingressTls";
import { pinnedImages } from "./pinnedImages";
import { podHardening } from "./podHardening";
import { rbacLeastPrivilege } from "./rbacLeastPrivilege";
import { singleJenkinsHomeWriter } from "./singleJenkinsHomeWriter";
import { workloadResources } from "./workloadResources";

export const policies: Policies = [
    agentPodLimits,
    agentNamespaceLimitRange,
    workloadResources,
    pinnedImages,
    controllerProbes,
    singleJenkinsHomeWriter,
    rbacLeastPrivilege,
    podHardening,
    ingressTls,
];
