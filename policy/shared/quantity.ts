// Kubernetes resource quantities ("500m", "1", "512Mi", "1.5Gi", "1e3") as plain numbers, so that
// config validation and policies can compare requests with limits. Shared by the program and the
// policy pack (it lives in the pack so the pack stays self-contained); it depends on nothing.

const SUFFIXES: Record<string, number> = {
    "": 1,
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    P: 1e15,
    E: 1e18,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    Pi: 2 ** 50,
    Ei: 2 ** 60,
};

const QUANTITY = /^\+?([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)|[eE]([+-]?[0-9]+))?$/;

/** The value of a Kubernetes quantity in base units (cores, bytes), or undefined if it does not parse. */
export function parseQuantity(text: unknown): number | undefined {
    if (typeof text === "number") {
        return Number.isFinite(text) && text >= 0 ? text : undefined;
    }
    if (typeof text !== "string") {
        return undefined;
    }
    const match = QUANTITY.exec(text.trim());
    if (!match) {
        return undefined;
    }
    const [, digits, suffix, exponent] = match;
    const value = Number(digits) * (exponent !== undefined ? 10 ** Number(exponent) : SUFFIXES[suffix ?? ""]);
    return Number.isFinite(value) ? value : undefined;
}

/** True when the text is a valid quantity. */
export function isQuantity(text: unknown): boolean {
    return parseQuantity(text) !== undefined;
}
