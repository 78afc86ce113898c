// A resource policy's validateResource may be one function or a list; callers want the list.
import { ResourceValidation, ResourceValidationPolicy } from "@pulumi/policy";

export function resourceValidations(policy: ResourceValidationPolicy): ResourceValidation[] {
    const validate = policy.validateResource;
    return validate === undefined ? [] : Array.isArray(validate) ? validate : [validate];
}
