// A small, tolerant reader of Java source: enough structure (types, their supertypes, members and
// annotations) to tell which JCasC attributes a class offers. Not a compiler: it reads
// declarations, never bodies, and leaves what it cannot read out rather than guessing.

/** One annotation: its name as written (last segment) and its raw argument text. */
export interface JavaAnnotation {
    name: string;
    args: string;
}

export interface JavaParam {
    type: string;
    name: string;
}

export interface JavaMember {
    kind: "method" | "constructor" | "field";
    name: string;
    /** Return type of a method, type of a field; "" for constructors. */
    type: string;
    params: JavaParam[];
    modifiers: string[];
    annotations: JavaAnnotation[];
    line: number;
}

export interface JavaType {
    /** Dotted name, nested types as Outer.Inner. */
    fqn: string;
    simpleName: string;
    kind: "class" | "interface" | "enum" | "record" | "annotation";
    modifiers: string[];
    annotations: JavaAnnotation[];
    /** Supertypes as written (generic arguments kept). */
    superclass?: string;
    interfaces: string[];
    members: JavaMember[];
    enumConstants: string[];
    /** Dotted names of the types declared inside this one. */
    nested: string[];
    outer?: string;
    /** Where the type is declared. */
    file: string;
    line: number;
    /** Resolves a simple or dotted type name as written in this file. */
    context: ResolveContext;
    /** Masked text of the body (comments removed, strings replaced by "#n"). */
    body: string;
}

export interface ResolveContext {
    pkg: string;
    imports: Map<string, string>;
    wildcards: string[];
    strings: string[];
}

const MODIFIERS = new Set(["public", "protected", "private", "static", "final", "abstract", "synchronized", "native",
    "transient", "volatile", "default", "strictfp", "sealed", "non-sealed"]);

/** Removes comments and replaces string and char literals by "#n" (their text kept aside). */
export function mask(source: string): { text: string; strings: string[] } {
    const strings: string[] = [];
    let out = "";
    let i = 0;
    while (i < source.length) {
        const c = source[i];
        const next = source[i + 1];
        if (c === "/" && next === "/") {
            while (i < source.length && source[i] !== "\n") i++;
        } else if (c === "/" && next === "*") {
            const end = source.indexOf("*/", i + 2);
            const stop = end < 0 ? source.length : end + 2;
            out += source.slice(i, stop).replace(/[^\n]/g, " ");
            i = stop;
        } else if (c === '"' && source.startsWith('"""', i)) {
            const end = source.indexOf('"""', i + 3);
            const stop = end < 0 ? source.length : end + 3;
            strings.push(source.slice(i + 3, stop - 3));
            out += `"#${strings.length - 1}"` + "\n".repeat((source.slice(i, stop).match(/\n/g) ?? []).length);
            i = stop;
        } else if (c === '"' || c === "'") {
            let j = i + 1;
            while (j < source.length && source[j] !== c && source[j] !== "\n") {
                j += source[j] === "\\" ? 2 : 1;
            }
            strings.push(source.slice(i + 1, j));
            out += c === '"' ? `"#${strings.length - 1}"` : "' '";
            i = j + 1;
        } else {
            out += c;
            i++;
        }
    }
    return { text: out, strings };
}

/** Index of the bracket that closes the one at `open`. */
function closing(text: string, open: number, left: string, right: string): number {
    let depth = 0;
    for (let i = open; i < text.length; i++) {
        if (text[i] === left) depth++;
        else if (text[i] === right && --depth === 0) return i;
    }
    return text.length - 1;
}

/** Splits on commas that are not inside <>, () or {}. */
export function splitTopLevel(text: string): string[] {
    const parts: string[] = [];
    let depth = 0;
    let start = 0;
    for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (c === "<" || c === "(" || c === "{" || c === "[") depth++;
        else if (c === ">" || c === ")" || c === "}" || c === "]") depth--;
        else if (c === "," && depth === 0) {
            parts.push(text.slice(start, i));
            start = i + 1;
        }
    }
    parts.push(text.slice(start));
    return parts.map(p => p.trim()).filter(p => p !== "");
}

/** Takes leading annotations and modifiers off a declaration header. */
function takePrefix(header: string): { annotations: JavaAnnotation[]; modifiers: string[]; rest: string } {
    const annotations: JavaAnnotation[] = [];
    const modifiers: string[] = [];
    let rest = header.trim();
    for (;;) {
        const annotation = /^@\s*([\w.]+)/.exec(rest);
        if (annotation && annotation[1] !== "interface") {
            let after = rest.slice(annotation[0].length);
            let args = "";
            const paren = /^\s*\(/.exec(after);
            if (paren) {
                const open = paren[0].length - 1;
                const close = closing(after, open, "(", ")");
                args = after.slice(open + 1, close);
                after = after.slice(close + 1);
            }
            annotations.push({ name: annotation[1].split(".").pop()!, args });
            rest = after.trim();
            continue;
        }
        const word = /^([\w-]+)\s+/.exec(rest);
        if (word && MODIFIERS.has(word[1])) {
            modifiers.push(word[1]);
            rest = rest.slice(word[0].length).trim();
            continue;
        }
        return { annotations, modifiers, rest };
    }
}

function parseParams(text: string): JavaParam[] {
    return splitTopLevel(text).map(p => {
        const { rest } = takePrefix(p);
        const match = /^(.*?)\s*(\.\.\.)?\s*\b(\w+)$/s.exec(rest.replace(/\s+/g, " "));
        return match ? { type: match[1].trim() + (match[2] ? "[]" : ""), name: match[3] } : { type: rest, name: "" };
    });
}

function lineAt(text: string, index: number): number {
    let line = 1;
    for (let i = 0; i < index; i++) if (text[i] === "\n") line++;
    return line;
}

/** Reads every type declared in one file. */
export function parseJavaFile(file: string, source: string): JavaType[] {
    const { text, strings } = mask(source);
    const pkg = /\bpackage\s+([\w.]+)\s*;/.exec(text)?.[1] ?? "";
    const imports = new Map<string, string>();
    const wildcards: string[] = [];
    for (const m of text.matchAll(/\bimport\s+(static\s+)?([\w.]+)(\.\*)?\s*;/g)) {
        if (m[1]) continue;
        if (m[3]) wildcards.push(m[2]);
        else imports.set(m[2].split(".").pop()!, m[2]);
    }
    const context: ResolveContext = { pkg, imports, wildcards, strings };
    const types: JavaType[] = [];
    // Declarations start after the package and import statements.
    const heads = [...text.matchAll(/\b(?:package|import)\b[^;]*;/g)];
    const last = heads[heads.length - 1];
    parseMembers(text, last ? last.index + last[0].length : 0, text.length, undefined);
    return types;

    function parseMembers(src: string, start: number, end: number, owner: JavaType | undefined): void {
        let segmentStart = start;
        let i = start;
        if (owner?.kind === "enum") {
            // Constants come first, up to the first ';' outside brackets.
            let depth = 0;
            let j = start;
            for (; j < end; j++) {
                const c = src[j];
                if (c === "(" || c === "{") depth++;
                else if (c === ")" || c === "}") depth--;
                else if (c === ";" && depth === 0) break;
            }
            for (const constant of splitTopLevel(src.slice(start, j))) {
                const name = /^(\w+)/.exec(takePrefix(constant).rest)?.[1];
                if (name) owner.enumConstants.push(name);
            }
            segmentStart = i = Math.min(j + 1, end);
        }
        while (i < end) {
            const c = src[i];
            if (c === ";") {
                declare(src.slice(segmentStart, i), segmentStart, undefined);
                segmentStart = ++i;
            } else if (c === "{") {
                const close = closing(src, i, "{", "}");
                const header = src.slice(segmentStart, i);
                const isField = /=/.test(header.replace(/\([^)]*\)/g, ""));
                if (isField) {
                    // A field initialised with an anonymous class or array: continue to its ';'.
                    i = close + 1;
                    continue;
                }
                declare(header, segmentStart, [i + 1, close]);
                segmentStart = i = close + 1;
            } else {
                i++;
            }
        }

        function declare(rawHeader: string, at: number, body: [number, number] | undefined): void {
            const lead = rawHeader.length - rawHeader.trimStart().length;
            const { annotations, modifiers, rest } = takePrefix(rawHeader);
            const line = lineAt(src, at + lead);
            const typeDecl = /^(class|interface|enum|record|@interface)\s+(\w+)([\s\S]*)$/.exec(rest);
            if (typeDecl) {
                const simpleName = typeDecl[2];
                const fqn = owner ? `${owner.fqn}.${simpleName}` : (pkg ? `${pkg}.${simpleName}` : simpleName);
                let tail = typeDecl[3].trim();
                if (tail.startsWith("<")) tail = tail.slice(closing(tail, 0, "<", ">") + 1).trim();
                if (tail.startsWith("(")) tail = tail.slice(closing(tail, 0, "(", ")") + 1).trim();
                const ext = /\bextends\s+([\s\S]*?)(?=\bimplements\b|\bpermits\b|$)/.exec(tail)?.[1].trim();
                const impl = /\bimplements\s+([\s\S]*?)(?=\bpermits\b|$)/.exec(tail)?.[1].trim();
                const kind = typeDecl[1] === "@interface" ? "annotation" : typeDecl[1] as JavaType["kind"];
                const type: JavaType = {
                    fqn, simpleName, kind, modifiers, annotations,
                    superclass: kind === "class" ? ext : undefined,
                    interfaces: splitTopLevel((kind === "interface" ? ext : impl) ?? ""),
                    members: [], enumConstants: [], nested: [], outer: owner?.fqn,
                    file, line, context, body: body ? src.slice(body[0], body[1]) : "",
                };
                types.push(type);
                owner?.nested.push(fqn);
                if (body) parseMembers(src, body[0], body[1], type);
                return;
            }
            if (!owner || rest === "") return;
            const implicitPublic = owner.kind === "interface" && !modifiers.includes("private") ? ["public"] : [];
            const member = (m: Omit<JavaMember, "annotations" | "line">) =>
                owner.members.push({ ...m, modifiers: [...implicitPublic, ...m.modifiers], annotations, line });
            let signature = rest;
            if (signature.startsWith("<")) signature = signature.slice(closing(signature, 0, "<", ">") + 1).trim();
            const paren = signature.indexOf("(");
            if (paren >= 0 && !/=/.test(signature.slice(0, paren))) {
                const close = closing(signature, paren, "(", ")");
                const params = parseParams(signature.slice(paren + 1, close));
                const head = signature.slice(0, paren).trim();
                const method = /^([\s\S]*?)\s*\b(\w+)$/.exec(head);
                if (!method) return;
                if (method[1] === "") {
                    if (method[2] === owner.simpleName) member({ kind: "constructor", name: method[2], type: "", params, modifiers });
                } else {
                    member({ kind: "method", name: method[2], type: method[1].trim(), params, modifiers });
                }
                return;
            }
            const field = /^([\s\S]*?)\s*\b(\w+)\s*(=[\s\S]*)?$/.exec(signature);
            if (field && field[1] !== "") {
                member({ kind: "field", name: field[2], type: field[1].trim(), params: [], modifiers });
            }
        }
    }
}

/** A type as written, split into its raw name, generic arguments and array dimensions. */
export interface TypeRef {
    raw: string;
    args: TypeRef[];
    array: boolean;
}

/** Parses "List<? extends Foo>", "Foo[]", "Map<String, List<Bar>>". Wildcards become their bound. */
export function parseTypeRef(text: string): TypeRef {
    let t = takePrefix(text.replace(/\s+/g, " ")).rest.trim();
    let array = false;
    while (t.endsWith("[]")) {
        array = true;
        t = t.slice(0, -2).trim();
    }
    const open = t.indexOf("<");
    if (open < 0) {
        return { raw: t.replace(/^\?\s*(extends|super)\s+/, "").replace(/^\?$/, "java.lang.Object"), args: [], array };
    }
    const raw = t.slice(0, open).replace(/^\?\s*(extends|super)\s+/, "").trim();
    const close = closing(t, open, "<", ">");
    const args = splitTopLevel(t.slice(open + 1, close)).map(parseTypeRef);
    return { raw, args, array };
}
