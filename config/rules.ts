// Validation rules shared by every area, each written once and each returning why a value is
// refused (undefined when it is fine). Where a rule is not obvious, it names its source.
import { invalidImageReason, unpinnedImageReason } from "../policy/shared/images";
import { parseQuantity } from "../policy/shared/quantity";
import { ContainerResources } from "./types";

/**
 * Credentials in URLs or `user:password@host` forms, masked: everything of a word up to its last
 * '@' (after any `scheme://`) becomes ***. Conservative: an e-mail address is masked too.
 */
export function maskCredentials(text: string): string {
    return text.replace(/\S*@\S*/g, word => {
        const at = word.lastIndexOf("@");
        const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(word);
        const start = scheme && scheme[0].length <= at ? scheme[0].length : 0;
        return `${word.slice(0, start)}***${word.slice(at)}`;
    });
}

/** How a value appears in a message: quoted, control characters escaped, credentials masked, bounded. */
export function show(value: unknown): string {
    const text = typeof value === "string" ? value : JSON.stringify(value) ?? String(value);
    const masked = maskCredentials(text);
    const clipped = masked.length > 120 ? `${masked.slice(0, 117)}...` : masked;
    return JSON.stringify(clipped);
}

// Kubernetes' own rules: k8s.io/apimachinery/pkg/util/validation/validation.go.
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** IsDNS1123Label: most object names (namespaces, claims, containers). */
export function dnsLabelProblem(value: string): string | undefined {
    return DNS1123_LABEL.test(value) && value.length <= 63 ? undefined
        : `${show(value)} is not a valid name: lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63`;
}

/** IsDNS1035Label: Service names, which must start with a letter. */
export function serviceNameProblem(value: string): string | undefined {
    return DNS1035_LABEL.test(value) && value.length <= 63 ? undefined
        : `${show(value)} is not a valid Service name: a lower-case letter first, then letters, digits and '-', at most 63`;
}

/** IsDNS1123Subdomain: StorageClasses, ServiceAccounts, domains. */
export function dnsSubdomainProblem(value: string): string | undefined {
    return DNS1123_SUBDOMAIN.test(value) && value.length <= 253 ? undefined
        : `${show(value)} is not a DNS subdomain: lower-case labels separated by '.', at most 253`;
}

/** IsValidLabelValue: at most 63 characters; a ',' or '=' would also smuggle a second selector in. */
export function labelValueProblem(value: string): string | undefined {
    return LABEL_VALUE.test(value) && value.length <= 63 ? undefined
        : `${show(value)} is not a label value: letters, digits, '-', '_' and '.', starting and ending with a letter or digit, at most 63`;
}

/** IsQualifiedName: a label key, `[prefix/]name`. */
export function labelKeyProblem(key: string): string | undefined {
    const slash = key.lastIndexOf("/");
    const prefix = slash < 0 ? undefined : key.slice(0, slash);
    const name = key.slice(slash + 1);
    const ok = QUALIFIED_NAME.test(name) && name.length <= 63 && (prefix === undefined || dnsSubdomainProblem(prefix) === undefined);
    return ok ? undefined : `${show(key)} is not a label key: [DNS-subdomain prefix/]name, the name at most 63 of letters, digits, '-', '_', '.'`;
}

/** The namespaces Kubernetes itself owns: the stack creates its namespaces, and destroy deletes them. */
export function ownedNamespaceProblem(value: string): string | undefined {
    return value === "default" || value.startsWith("kube-")
        ? `${show(value)} is a namespace Kubernetes owns: the stack creates its namespaces and would delete it on destroy; choose another`
        : undefined;
}

const HOST = /^(([A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?)\.)*[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?$/;

/** A host name or an IPv4 address (all-numeric names are read as addresses: each octet 0-255). */
export function hostProblem(value: string): string | undefined {
    if (/^[0-9.]+$/.test(value)) {
        const octets = value.split(".");
        return octets.length === 4 && octets.every(o => /^[0-9]{1,3}$/.test(o) && Number(o) <= 255) ? undefined
            : `${show(value)} is not an IPv4 address (four numbers from 0 to 255)`;
    }
    return HOST.test(value) && value.length <= 253 ? undefined : `${show(value)} is not a host name or IP address`;
}

/** The largest number Jenkins takes where it parses an int (Integer.parseInt). */
export const JAVA_INT_MAX = 2147483647;

export type QuantityKind = "cpu" | "memory" | "storage";

/**
 * A resource quantity above zero. Memory and storage count bytes: a 'm' suffix (milli) there is
 * the classic slip for Mi, and Kubernetes would read 512m as half a byte.
 */
export function quantityProblem(value: unknown, kind: QuantityKind): string | undefined {
    if (typeof value === "string" && value !== value.trim()) {
        return `${show(value)} has spaces around it, which Kubernetes refuses`;
    }
    const amount = parseQuantity(value);
    if (amount === undefined) {
        return `${show(value)} is not a Kubernetes quantity (e.g. ${kind === "cpu" ? "500m, 2" : "512Mi, 5Gi"})`;
    }
    if (amount <= 0) {
        return `${show(value)} must be above zero`;
    }
    if (kind !== "cpu" && /m$/.test(String(value))) {
        return `${show(value)} counts millibytes (did you mean ${String(value).replace(/m$/, "Mi")}?)`;
    }
    return undefined;
}

/** A limit at least its request; why not, when both parse. */
export function limitBelowRequest(request: string | undefined, limit: string | undefined): string | undefined {
    const r = parseQuantity(request);
    const l = parseQuantity(limit);
    return r !== undefined && l !== undefined && l < r ? `${limit} is below the request ${request}` : undefined;
}

/** Limits at least their requests, per resource; problems by the resource that is wrong. */
export function limitsBelowRequests(resources: ContainerResources): { kind: "cpu" | "memory"; message: string }[] {
    return (["cpu", "memory"] as const).flatMap(kind => {
        const message = limitBelowRequest(resources.requests[kind], resources.limits[kind]);
        return message ? [{ kind, message }] : [];
    });
}

/** A valid image reference (github.com/distribution/reference), pinned to a tag other than latest, or a digest. */
export function imageProblem(image: string): string | undefined {
    const invalid = invalidImageReason(image);
    if (invalid) {
        return invalid;
    }
    const unpinned = unpinnedImageReason(image);
    return unpinned ? `must be pinned: ${unpinned}` : undefined;
}

/** UTC by its names that Intl does not list among zones. */
const UTC_NAMES = ["UTC", "Etc/UTC", "GMT", "Etc/GMT"];

/**
 * An IANA time zone by its canonical name, spelled exactly. Intl accepts any case and old
 * aliases, but Linux's /usr/share/zoneinfo and Java match names exactly and silently fall back to
 * UTC; an alias's spelling cannot be checked here, so the canonical name is asked for instead.
 */
export function timezoneProblem(value: string): string | undefined {
    let canonical: string;
    try {
        canonical = new Intl.DateTimeFormat("en-US", { timeZone: value }).resolvedOptions().timeZone;
    } catch {
        return `${show(value)} is not an IANA time zone (e.g. UTC, Asia/Shanghai)`;
    }
    const zones = [...Intl.supportedValuesOf("timeZone"), ...UTC_NAMES];
    if (zones.includes(value) || canonical === value) {
        return undefined;
    }
    const sameName = zones.find(z => z.toLowerCase() === value.toLowerCase());
    if (sameName !== undefined) {
        return `${show(value)} is spelled ${show(sameName)} in the tz database (case matters on Linux and in Java)`;
    }
    return /^[A-Za-z]/.test(canonical)
        ? `${show(value)} is an alias: use its canonical name ${show(canonical)}`
        : `${show(value)} is an offset, not a time zone (e.g. UTC, Asia/Shanghai)`;
}
