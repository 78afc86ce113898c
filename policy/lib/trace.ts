// Optional evidence that the real analyzer ran each policy: when JENKINS_ON_K8S_POLICY_TRACE
// names a file, each policy appends its name there the first time it validates something. The
// engine tests (npm run test:engine) read it; unset, the policies are returned unchanged.
import * as fs from "fs";
import { Policies, ResourceValidation } from "@pulumi/policy";
import { resourceValidations } from "./validations";

export function traced(policies: Policies, file: string | undefined = process.env.JENKINS_ON_K8S_POLICY_TRACE): Policies {
    if (!file) {
        return policies;
    }
    const seen = new Set<string>();
    const note = (name: string) => {
        if (!seen.has(name)) {
            seen.add(name);
            fs.appendFileSync(file, `${name}\n`);
        }
    };
    return policies.map(policy => {
        if ("validateStack" in policy) {
            const validateStack = policy.validateStack;
            return { ...policy, validateStack: (args, report) => { note(policy.name); return validateStack(args, report); } };
        }
        return {
            ...policy,
            validateResource: resourceValidations(policy).map(validate => ((args, report) => { note(policy.name); return validate(args, report); }) as ResourceValidation),
        };
    });
}
