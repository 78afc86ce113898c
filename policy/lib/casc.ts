// Reading the Kubernetes cloud out of a JCasC ConfigMap, as the stack writes it.
import * as YAML from "yaml";
import { CASC_KEY } from "../shared/conventions";

export interface CascContainerView {
    name?: string;
    image?: string;
    resourceRequestCpu?: unknown;
    resourceRequestMemory?: unknown;
    resourceLimitCpu?: unknown;
    resourceLimitMemory?: unknown;
}

export interface CascTemplateView {
    name?: string;
    namespace?: string;
    containers?: CascContainerView[];
    volumes?: { hostPathVolume?: { hostPath?: string } }[];
}

export interface CascCloudView {
    name?: string;
    namespace?: string;
    templates?: CascTemplateView[];
}

/** The JCasC text of a ConfigMap, or undefined when the ConfigMap holds none. */
export function cascText(type: string, props: Record<string, unknown>): string | undefined {
    if (type !== "kubernetes:core/v1:ConfigMap") {
        return undefined;
    }
    const data = props.data as Record<string, unknown> | undefined;
    return data && CASC_KEY in data ? String(data[CASC_KEY]) : undefined;
}

// Several rules read the same ConfigMap; parse each text once (the analyzer runs them in one process).
const parsed = new Map<string, CascCloudView[]>();
const PARSED_KEEP = 8;

/** The Kubernetes clouds of a JCasC text; throws with a readable message when it does not parse. */
export function kubernetesClouds(text: string): CascCloudView[] {
    const cached = parsed.get(text);
    if (cached) {
        return cached;
    }
    const clouds = parseClouds(text);
    if (parsed.size >= PARSED_KEEP) {
        parsed.delete(parsed.keys().next().value as string);
    }
    parsed.set(text, clouds);
    return clouds;
}

/** Empties the parse cache (benchmarks measure cold runs). */
export function forgetParsedCasc(): void {
    parsed.clear();
}

function parseClouds(text: string): CascCloudView[] {
    let doc: unknown;
    try {
        doc = YAML.parse(text);
    } catch (error) {
        throw new Error(`its ${CASC_KEY} is not valid YAML (${error instanceof Error ? error.message.split("\n")[0] : String(error)})`);
    }
    const clouds = (doc as { jenkins?: { clouds?: { kubernetes?: CascCloudView }[] } } | null)?.jenkins?.clouds ?? [];
    return clouds.map(c => c.kubernetes).filter((c): c is CascCloudView => c !== undefined);
}

/**
 * The pod templates of a resource's JCasC configuration; none when the resource holds none or it
 * does not parse (agent-pod-limits reports an unreadable configuration, so other rules need not).
 */
export function cascTemplatesOf(type: string, props: Record<string, unknown>): CascTemplateView[] {
    const text = cascText(type, props);
    try {
        return text === undefined ? [] : kubernetesClouds(text).flatMap(c => c.templates ?? []);
    } catch {
        return [];
    }
}
