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

// The grammar of github.com/distribution/reference (regexp.go), which the container runtime
// applies when it pulls: repository path components are lower case, a digest is complete.
const PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const REPOSITORY = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const DOMAIN = /^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^(sha256:[0-9a-f]{64}|sha384:[0-9a-f]{96}|sha512:[0-9a-f]{128})$/;

/** Why a string is not a valid image reference, or undefined when it is one. */
export function invalidImageReason(image: string): string | undefined {
    const quoted = JSON.stringify(image);
    const at = image.indexOf("@");
    const digest = at < 0 ? undefined : image.slice(at + 1);
    const named = at < 0 ? image : image.slice(0, at);
    if (digest !== undefined && !DIGEST.test(digest)) {
        return `${quoted} has an invalid digest (sha256: and 64 lower-case hex digits)`;
    }
    const slash = named.indexOf("/");
    const first = slash < 0 ? "" : named.slice(0, slash);
    // Like the runtime: the first component names a registry only with a '.' or ':', or as localhost.
    const hasDomain = slash >= 0 && (/[.:]/.test(first) || first === "localhost");
    const rest = hasDomain ? named.slice(slash + 1) : named;
    if (hasDomain && !DOMAIN.test(first)) {
        return `${quoted} has an invalid registry ${JSON.stringify(first)}`;
    }
    const colon = rest.lastIndexOf(":");
    const repository = colon < 0 ? rest : rest.slice(0, colon);
    const tag = colon < 0 ? undefined : rest.slice(colon + 1);
    if (!REPOSITORY.test(repository) || named.length > 255) {
        return `${quoted} has an invalid repository ${JSON.stringify(repository)} (lower-case letters, digits and separators)`;
    }
    if (tag !== undefined && !TAG.test(tag)) {
        return `${quoted} has an invalid tag ${JSON.stringify(tag)}`;
    }
    return undefined;
}
