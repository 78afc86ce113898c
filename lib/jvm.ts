// JVM memory sizing of the controller. The heap is only part of a JVM's footprint: with about 80
// plugins, Jenkins also needs metaspace (~250-350 MiB of loaded classes), the code cache (up to
// 240 MiB reserved by HotSpot's tiered compiler), thread stacks, GC structures and direct
// buffers. A heap that leaves less than that below the container's memory limit gets the pod
// OOM-killed under load, with no Java error to explain it.

/** Memory kept below the container limit for everything that is not heap. */
export const NON_HEAP_RESERVE = 768 * 2 ** 20;

/** HotSpot's heap share of a container's memory when no option sets one (MaxRAMPercentage=25). */
export const DEFAULT_MAX_RAM_PERCENTAGE = 25;

const SIZE_UNITS: Record<string, number> = { "": 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 };

/** A HotSpot size argument ("512m", "2G", "1073741824") in bytes, or undefined. */
function parseJvmSize(text: string): number | undefined {
    const match = /^([0-9]+)([kKmMgGtT]?)$/.exec(text);
    return match ? Number(match[1]) * SIZE_UNITS[match[2].toLowerCase()] : undefined;
}

/**
 * JAVA_OPTS split into JVM arguments the way the image does it: jenkins.sh (and
 * jenkins-plugin-cli.sh) pipe it through `xargs`, which groups '...' and "..." and honours
 * backslashes outside quotes. An unbalanced quote makes xargs fail, and the image then starts
 * Java with no JAVA_OPTS at all: no heap cap, no time zone, no proxy.
 */
export function splitJavaOpts(text: string): { words: string[] } | { error: string } {
    const words: string[] = [];
    let current = "";
    let inWord = false;
    let quote: string | undefined;
    for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (quote) {
            if (c === quote) {
                quote = undefined;
            } else if (c === "\n") {
                return { error: "has a line break inside quotes, which xargs refuses" };
            } else {
                current += c;
            }
        } else if (c === "'" || c === "\"") {
            quote = c;
            inWord = true;
        } else if (c === "\\" && i + 1 < text.length) {
            current += text[++i];
            inWord = true;
        } else if (/\s/.test(c)) {
            if (inWord) {
                words.push(current);
            }
            current = "";
            inWord = false;
        } else {
            current += c;
            inWord = true;
        }
    }
    if (quote) {
        return { error: `has an unbalanced ${quote}: the image's xargs would fail and Java would start without any of these options` };
    }
    if (inWord) {
        words.push(current);
    }
    return { words };
}

/** How the options size the heap; the last option of a kind wins, as in HotSpot. */
export interface HeapSizing {
    /** Maximum heap in bytes for a container with the given limit. */
    bytes: number;
    /** The option that decides it, for messages. */
    source: string;
}

/**
 * The maximum heap the options give a JVM in a container of `limitBytes`, or a reason the options
 * cannot be read. -Xmx / -XX:MaxHeapSize win over -XX:MaxRAMPercentage (HotSpot's precedence).
 */
export function heapSizing(javaOpts: string, limitBytes: number): HeapSizing | { error: string } {
    const split = splitJavaOpts(javaOpts);
    if ("error" in split) {
        return split;
    }
    let explicit: HeapSizing | undefined;
    let percentage: HeapSizing | undefined;
    for (const option of split.words) {
        const xmx = /^-Xmx(.*)$/.exec(option) ?? /^-XX:MaxHeapSize=(.*)$/.exec(option);
        if (xmx) {
            const bytes = parseJvmSize(xmx[1]);
            if (bytes === undefined) {
                return { error: `${option} is not a heap size (e.g. -Xmx1g, -Xmx1536m)` };
            }
            explicit = { bytes, source: option };
            continue;
        }
        const pct = /^-XX:MaxRAMPercentage=(.*)$/.exec(option);
        if (pct) {
            const value = Number(pct[1]);
            if (pct[1] === "" || !Number.isFinite(value) || value <= 0 || value > 100) {
                return { error: `${option} must be a percentage above 0 and at most 100` };
            }
            percentage = { bytes: limitBytes * value / 100, source: option };
        }
    }
    return explicit ?? percentage ?? {
        bytes: limitBytes * DEFAULT_MAX_RAM_PERCENTAGE / 100,
        source: `the JVM default MaxRAMPercentage=${DEFAULT_MAX_RAM_PERCENTAGE}`,
    };
}

const MI = 2 ** 20;

/** Why a heap does not fit a container limit (heap + {@link NON_HEAP_RESERVE}), or undefined when it does. */
export function heapFitProblem(javaOpts: string, limitBytes: number, limitText: string): string | undefined {
    const sizing = heapSizing(javaOpts, limitBytes);
    if ("error" in sizing) {
        return sizing.error;
    }
    const room = limitBytes - NON_HEAP_RESERVE;
    if (sizing.bytes > room) {
        return `${sizing.source} gives a ${Math.round(sizing.bytes / MI)}Mi heap, but the memory limit ${limitText} leaves ` +
            `${Math.max(0, Math.round(room / MI))}Mi once ${NON_HEAP_RESERVE / MI}Mi is kept for metaspace, code cache and threads: ` +
            "lower the heap or raise jenkinsMemoryLimit";
    }
    return undefined;
}
