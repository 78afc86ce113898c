// Optional evidence that the real analyzer ran each policy: when JENKINS_ON_K8S_POLICY_TRACE
// names a file, each policy appends its name there the first time it validates something, and the
// pack first appends one `env {...}` line: the stack it was started for, as @pulumi/pulumi sees
// it (config key names only, never values). The engine tests (npm run test:engine) read it;
// unset, the policies are returned unchanged.
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import { Policies, ResourceValidation } from "@pulumi/policy";
import { resourceValidations } from "./validations";

/** The organization, or "" where none was given (getOrganization throws then). */
function organization(): string {
    try {
        return pulumi.getOrganization();
    } catch {
        return "";
    }
}

export function traced(policies: Policies, file: string | undefined = process.env.JENKINS_ON_K8S_POLICY_TRACE): Policies {
    if (!file) {
        return policies;
    }
    const config = JSON.parse(process.env.PULUMI_CONFIG ?? "{}") as Record<string, unknown>;
    fs.appendFileSync(file, `env ${JSON.stringify({
        project: pulumi.getProject(),
        stack: pulumi.getStack(),
        organization: organization(),
        dryRun: process.env.PULUMI_NODEJS_DRY_RUN,
        configKeys: Object.keys(config).sort(),
    })}\n`);
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
