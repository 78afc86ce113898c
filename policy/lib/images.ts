// Image reference checks shared by the program's config validation and the policy pack.

/** Why an image reference is not pinned, or undefined when it is (a tag other than latest, or a digest). */
export function unpinnedImageReason(image: unknown): string | undefined {
    if (typeof image !== "string" || image.trim() === "") {
        return "no image is set";
    }
    if (/\s/.test(image)) {
        return `"${image}" contains white space`;
    }
    if (/@sha256:[0-9a-f]{64}$/.test(image)) {
        return undefined;
    }
    // The tag is after the last ':' of the last path segment (a registry port has a '/' after it).
    const lastSegment = image.slice(image.lastIndexOf("/") + 1);
    const colon = lastSegment.indexOf(":");
    if (colon < 0) {
        return `"${image}" has no tag (it would float to latest)`;
    }
    const tag = lastSegment.slice(colon + 1);
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag)) {
        return `"${image}" has an invalid tag "${tag}"`;
    }
    if (tag === "latest") {
        return `"${image}" uses the floating tag latest`;
    }
    return undefined;
}
