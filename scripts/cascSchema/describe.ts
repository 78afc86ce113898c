// A model of how configuration-as-code 2115 turns Java classes into YAML attributes, applied to
// parsed sources. Each rule cites the JCasC source it mirrors (plugin/src/main/java/io/jenkins/plugins/casc/...):
// - BaseConfigurator.describe: a public one-argument setX with a public getX()/isX() anywhere in
//   the class or its superclasses is attribute `x` (uncapitalized); Map-typed ones are dropped;
//   public non-transient PersistedList fields and no-argument getters returning a
//   PersistedList/DescribableList are attributes too; @Deprecated / @Restricted are read on the setter.
// - DataBoundConfigurator: @DataBoundConstructor parameters are attributes.
// - DefaultConfiguratorRegistry.internalLookup: a dedicated Configurator first, then a
//   @DataBoundConstructor class (a plain mapping), then an abstract Describable
//   (HeteroDescribableConfigurator: {symbol: {...}}), then primitives and enums.
// - DescribableAttribute.getSymbols: @Symbol of the descriptor, the class name without the
//   extension point's name (or its name + "Impl"), the class name; normalize() lower-cases the
//   first letter, or all of an all-capitals name.
import { CascAttribute, CascType } from "../../lib/cascSchema";
import { JavaMember, JavaType, parseTypeRef, TypeRef } from "./java";

const SCALARS: Record<string, "string" | "integer" | "long" | "boolean" | "number"> = {
    "java.lang.String": "string", "java.lang.CharSequence": "string", "hudson.util.Secret": "string",
    "char": "string", "java.lang.Character": "string",
    "int": "integer", "java.lang.Integer": "integer", "short": "integer", "java.lang.Short": "integer",
    "byte": "integer", "java.lang.Byte": "integer",
    "long": "long", "java.lang.Long": "long",
    "boolean": "boolean", "java.lang.Boolean": "boolean",
    "float": "number", "java.lang.Float": "number", "double": "number", "java.lang.Double": "number",
};
const PRIMITIVES = new Set(["int", "long", "short", "byte", "boolean", "char", "float", "double", "void"]);
const JAVA_LANG = new Set(["String", "Integer", "Long", "Short", "Byte", "Boolean", "Character", "Float", "Double",
    "Object", "CharSequence", "Iterable", "Enum", "Class", "Number"]);
const JAVA_COLLECTIONS = new Set(["java.util.List", "java.util.Collection", "java.util.Set", "java.util.SortedSet",
    "java.util.ArrayList", "java.lang.Iterable", "java.util.LinkedHashSet", "java.util.HashSet", "java.util.TreeSet"]);
// BaseConfigurator: PersistedList fields and getters (DescribableList is one); CopyOnWriteList is not.
const LIST_TYPES = new Set(["hudson.util.PersistedList", "hudson.util.DescribableList"]);
const MAPS = /^java\.util\.(\w*Map)$/;

/** A dedicated JCasC configurator read from its source. */
export interface Configurator {
    type: JavaType;
    target: string;
    /** Reflection over the target (describe() calls super.describe()). */
    reflects: boolean;
    /** DataBoundConfigurator: the target's constructor parameters too. */
    dataBound: boolean;
    explicit: { name: string; type: TypeRef; multiple: boolean; line: number }[];
    exclusions: string[];
    rootName?: string;
}

/** Names a source file for provenance: component:path#Lline. */
export type Cite = (type: JavaType, line?: number) => string;

export class Model {
    readonly types = new Map<string, JavaType>();
    readonly configurators = new Map<string, Configurator>();
    private readonly ancestorCache = new Map<string, string[]>();
    private readonly resolving = new Set<string>();

    constructor(all: JavaType[]) {
        for (const type of all) this.types.set(type.fqn, type);
    }

    /** The dotted name a type name written in `from` refers to (the name itself when unknown). */
    resolve(name: string, from: JavaType): string {
        // Supertypes are resolved while looking for inherited member types: break the cycles.
        const key = `${from.fqn}|${name}`;
        if (this.resolving.has(key)) return name;
        this.resolving.add(key);
        try {
            return this.resolveOnce(name, from);
        } finally {
            this.resolving.delete(key);
        }
    }

    private resolveOnce(name: string, from: JavaType): string {
        if (PRIMITIVES.has(name)) return name;
        if (name.includes(".")) {
            const [head, ...rest] = name.split(".");
            if (this.types.has(name)) return name;
            const resolvedHead = this.resolve(head, from);
            const candidate = [resolvedHead, ...rest].join(".");
            return this.types.has(candidate) || resolvedHead !== head ? candidate : name;
        }
        for (let t: JavaType | undefined = from; t; t = t.outer ? this.types.get(t.outer) : undefined) {
            const nested = this.nestedIn(t, name, 0);
            if (nested) return nested;
        }
        const ctx = from.context;
        const imported = ctx.imports.get(name);
        if (imported) return imported;
        const samePackage = ctx.pkg ? `${ctx.pkg}.${name}` : name;
        if (this.types.has(samePackage)) return samePackage;
        for (const wildcard of ctx.wildcards) {
            if (this.types.has(`${wildcard}.${name}`)) return `${wildcard}.${name}`;
        }
        if (JAVA_LANG.has(name)) return `java.lang.${name}`;
        return name;
    }

    /** A member type named `name` of `t` or of its superclasses. */
    private nestedIn(t: JavaType, name: string, depth: number): string | undefined {
        if (this.types.has(`${t.fqn}.${name}`)) return `${t.fqn}.${name}`;
        if (depth > 8 || !t.superclass) return undefined;
        const superType = this.types.get(this.resolveOuter(parseTypeRef(t.superclass).raw, t));
        return superType ? this.nestedIn(superType, name, depth + 1) : undefined;
    }

    /** Resolves a supertype name: from the declaring type's enclosing scope. */
    private resolveOuter(name: string, t: JavaType): string {
        const outer = t.outer ? this.types.get(t.outer) : undefined;
        if (outer) return this.resolve(name, outer);
        const ctx = t.context;
        if (name.includes(".")) return this.resolve(name, t);
        return ctx.imports.get(name) ?? (this.types.has(`${ctx.pkg}.${name}`) ? `${ctx.pkg}.${name}`
            : ctx.wildcards.map(w => `${w}.${name}`).find(n => this.types.has(n)) ?? (JAVA_LANG.has(name) ? `java.lang.${name}` : name));
    }

    /** Direct supertypes (superclass first), resolved. */
    supertypes(t: JavaType): string[] {
        const written = [...(t.superclass ? [t.superclass] : []), ...t.interfaces];
        return written.map(s => this.resolveOuter(parseTypeRef(s).raw, t));
    }

    /** Every supertype, transitively, of a type in the index (names outside it end the walk). */
    ancestors(fqn: string): string[] {
        const cached = this.ancestorCache.get(fqn);
        if (cached) return cached;
        this.ancestorCache.set(fqn, []);
        const t = this.types.get(fqn);
        const result = new Set<string>();
        for (const s of t ? this.supertypes(t) : []) {
            result.add(s);
            for (const a of this.ancestors(s)) result.add(a);
        }
        const list = [...result];
        this.ancestorCache.set(fqn, list);
        return list;
    }

    isSubtype(fqn: string, base: string): boolean {
        return fqn === base || this.ancestors(fqn).includes(base);
    }

    /** The class and its superclasses that are in the index, most derived first. */
    private classChain(t: JavaType): JavaType[] {
        const chain: JavaType[] = [];
        for (let c: JavaType | undefined = t; c && chain.length < 20; ) {
            chain.push(c);
            c = c.superclass ? this.types.get(this.resolveOuter(parseTypeRef(c.superclass).raw, c)) : undefined;
        }
        return chain;
    }

    /** The element type of a collection type, resolved; undefined when `ref` is not a collection. */
    element(ref: TypeRef, from: JavaType): { ref: TypeRef; from: JavaType } | undefined {
        if (ref.array) return { ref: { ...ref, array: false }, from };
        const raw = this.resolve(ref.raw, from);
        if ((JAVA_COLLECTIONS.has(raw) || LIST_TYPES.has(raw)) && ref.args.length > 0) return { ref: ref.args[0], from };
        const t = this.types.get(raw);
        if (!t || !this.ancestors(raw).some(a => LIST_TYPES.has(a) || JAVA_COLLECTIONS.has(a))) return undefined;
        for (const c of this.classChain(t)) {
            for (const written of [...(c.superclass ? [c.superclass] : []), ...c.interfaces]) {
                const superRef = parseTypeRef(written);
                const superRaw = this.resolveOuter(superRef.raw, c);
                if ((LIST_TYPES.has(superRaw) || JAVA_COLLECTIONS.has(superRaw)) && superRef.args.length > 0) {
                    return { ref: superRef.args[0], from: c.outer ? this.types.get(c.outer) ?? c : c };
                }
            }
        }
        return undefined;
    }

    private isListType(ref: TypeRef, from: JavaType): boolean {
        const raw = this.resolve(ref.raw, from);
        return LIST_TYPES.has(raw) || this.ancestors(raw).some(a => LIST_TYPES.has(a));
    }

    /** Attributes JCasC's reflection finds on a class (BaseConfigurator.describe). */
    reflect(t: JavaType): Map<string, { member: JavaMember; owner: JavaType; ref: TypeRef; via: CascAttribute["via"] }> {
        const chain = this.classChain(t);
        const publicMethods = chain.flatMap(owner => owner.members
            .filter(m => m.kind === "method" && m.modifiers.includes("public") && !m.modifiers.includes("static"))
            .map(member => ({ member, owner })));
        const found = new Map<string, { member: JavaMember; owner: JavaType; ref: TypeRef; via: CascAttribute["via"] }>();
        for (const { member, owner } of chain.flatMap(owner => owner.members
            .filter(m => m.kind === "field" && m.modifiers.includes("public") && !m.modifiers.includes("static") && !m.modifiers.includes("transient"))
            .map(member => ({ member, owner })))) {
            const ref = parseTypeRef(member.type);
            if (this.isListType(ref, owner) && !found.has(member.name)) found.set(member.name, { member, owner, ref, via: "field" });
        }
        for (const { member, owner } of publicMethods) {
            const getter = /^get([A-Z]\w*)$/.exec(member.name);
            if (getter && member.params.length === 0 && this.isListType(parseTypeRef(member.type), owner)) {
                const name = uncapitalize(getter[1]);
                if (!found.has(name)) found.set(name, { member, owner, ref: parseTypeRef(member.type), via: "getter" });
            }
        }
        const setters = new Map<string, { member: JavaMember; owner: JavaType }[]>();
        for (const entry of publicMethods) {
            const m = /^set([A-Z]\w*)$/.exec(entry.member.name);
            if (m && entry.member.params.length === 1) setters.set(m[1], [...(setters.get(m[1]) ?? []), entry]);
        }
        for (const [suffix, candidates] of setters) {
            // findGetter: getX(), or isX() returning a boolean.
            const getter = publicMethods.find(({ member }) => member.params.length === 0 &&
                (member.name === `get${suffix}` || member.name === `is${suffix}` && /^(boolean|Boolean)$/.test(member.type)));
            if (!getter) continue;
            const getterType = parseTypeRef(getter.member.type).raw.split(".").pop();
            const chosen = candidates.find(c => parseTypeRef(c.member.params[0].type).raw.split(".").pop() === getterType) ?? candidates[0];
            const ref = parseTypeRef(chosen.member.params[0].type);
            if (MAPS.test(this.resolve(ref.raw, chosen.owner)) || /(^|\.)Map$/.test(ref.raw)) continue; // "We decided not to support Maps."
            const name = uncapitalize(suffix);
            if (!found.has(name)) found.set(name, { member: chosen.member, owner: chosen.owner, ref, via: "setter" });
        }
        return found;
    }

    /** The @DataBoundConstructor of a class, if any. */
    dataBoundConstructor(t: JavaType): JavaMember | undefined {
        return t.members.find(m => m.kind === "constructor" && m.annotations.some(a => a.name === "DataBoundConstructor"));
    }

    /** A type that is a Jenkins Descriptor (what JCasC reads @Symbol from). */
    private isDescriptor(t: JavaType): boolean {
        return this.ancestors(t.fqn).some(a => a === "hudson.model.Descriptor" || /(^|\.)\w*Descriptor$/.test(a));
    }

    /** Symbols JCasC accepts for an implementation of an extension point, preferred first. */
    symbols(impl: JavaType, extensionPoint: string): string[] {
        const symbols: string[] = [];
        // The @Symbol of the implementation's descriptor: a registered nested Descriptor, or the
        // class itself when it is its own descriptor (a GlobalConfiguration). Not any nested class.
        const holders = [impl, ...impl.nested.map(n => this.types.get(n)).filter((n): n is JavaType => n !== undefined)]
            .filter(h => this.isDescriptor(h) && (h === impl || h.annotations.some(a => a.name === "Extension")));
        for (const holder of holders) {
            for (const annotation of holder.annotations.filter(a => a.name === "Symbol")) {
                for (const m of annotation.args.matchAll(/"#(\d+)"/g)) symbols.push(holder.context.strings[Number(m[1])]);
            }
        }
        const ext = extensionPoint.split(".").pop()!;
        const cn = impl.simpleName;
        if (cn.endsWith(ext) && cn !== ext) symbols.push(normalize(cn.slice(0, cn.length - ext.length)));
        if (cn.endsWith(`${ext}Impl`) && cn !== `${ext}Impl`) symbols.push(normalize(cn.slice(0, cn.length - ext.length - 4)));
        symbols.push(normalize(cn));
        return [...new Set(symbols)];
    }

    /** Concrete classes in the index that implement `base` and are registered (an @Extension on them or a nested descriptor). */
    implementations(base: string): JavaType[] {
        return [...this.types.values()]
            .filter(t => t.kind === "class" && !t.modifiers.includes("abstract") && t.fqn !== base && this.isSubtype(t.fqn, base))
            .filter(t => !t.outer || t.modifiers.includes("static"))
            .filter(t => [t, ...t.nested.map(n => this.types.get(n))].some(h => h?.annotations.some(a => a.name === "Extension")))
            .sort((a, b) => a.fqn.localeCompare(b.fqn));
    }
}

export function uncapitalize(s: string): string {
    return s.charAt(0).toLowerCase() + s.slice(1);
}

/** Configurator.normalize: an all-capitals name is lower-cased, any other loses its capital first letter. */
export function normalize(s: string): string {
    return s === s.toUpperCase() ? s.toLowerCase() : uncapitalize(s);
}

/** Walks the type graph from the roots, describing every type JCasC can reach. */
export function describeAll(model: Model, roots: Record<string, string>, cite: Cite, extraRoots: Record<string, CascType>): Record<string, CascType> {
    const described: Record<string, CascType> = { ...extraRoots };
    const queue = Object.values(roots).filter(r => !(r in described));
    for (const type of Object.values(extraRoots)) {
        if (type.kind === "object") queue.push(...Object.values(type.attributes).map(a => a.type));
    }
    while (queue.length > 0) {
        const key = queue.shift()!;
        if (key in described) continue;
        const type = describeType(key);
        described[key] = type;
        if (type.kind === "object") queue.push(...Object.values(type.attributes).map(a => a.type));
        if (type.kind === "describable") queue.push(...Object.values(type.symbols));
    }
    return Object.fromEntries(Object.entries(described).sort(([a], [b]) => a.localeCompare(b)));

    function describeType(fqn: string): CascType {
        if (fqn in SCALARS) return { kind: "scalar", scalar: SCALARS[fqn] };
        const t = model.types.get(fqn);
        if (!t) return { kind: "opaque", reason: "its source is not among those read" };
        const configurator = model.configurators.get(fqn);
        if (configurator) return objectOf(t, configurator);
        if (t.kind === "enum") return { kind: "enum", values: t.enumConstants, source: cite(t) };
        if (model.dataBoundConstructor(t) && !t.modifiers.includes("abstract")) return objectOf(t, undefined);
        if ((t.kind === "interface" || t.modifiers.includes("abstract")) && model.isSubtype(fqn, "hudson.model.Describable")) {
            const symbols: Record<string, string> = {};
            for (const impl of model.implementations(fqn)) {
                for (const symbol of model.symbols(impl, fqn)) {
                    if (!Object.keys(symbols).some(s => s.toLowerCase() === symbol.toLowerCase())) symbols[symbol] = impl.fqn;
                }
            }
            return { kind: "describable", symbols, source: cite(t) };
        }
        return { kind: "opaque", reason: "no dedicated configurator, @DataBoundConstructor or Describable base" };
    }

    function attributeType(ref: TypeRef, from: JavaType): { type: string; multiple: boolean } {
        const element = model.element(ref, from);
        if (element) return { type: model.resolve(parseTypeRef(element.ref.raw).raw, element.from), multiple: true };
        return { type: model.resolve(ref.raw, from), multiple: false };
    }

    function objectOf(t: JavaType, configurator: Configurator | undefined): CascType {
        const attributes: Record<string, CascAttribute> = {};
        const add = (name: string, ref: TypeRef, from: JavaType, member: JavaMember | undefined, via: CascAttribute["via"], line: number, forceMultiple = false) => {
            if (name in attributes || configurator?.exclusions.includes(name)) return;
            const { type, multiple } = attributeType(ref, from);
            const restricted = member?.annotations.find(a => a.name === "Restricted");
            attributes[name] = {
                type,
                ...(multiple || forceMultiple ? { multiple: true as const } : {}),
                ...(member?.annotations.some(a => a.name === "Deprecated") ? { deprecated: true as const } : {}),
                // The default `restricted: reject` refuses every @Restricted setter, Beta included.
                ...(restricted ? { restricted: restricted.args.replace(/\.class/g, "").trim() } : {}),
                via,
                source: cite(from, line),
            };
        };
        if (configurator) {
            for (const e of configurator.explicit) add(e.name, e.type, configurator.type, undefined, "configurator", e.line, e.multiple);
        }
        const constructor = (!configurator || configurator.dataBound) ? model.dataBoundConstructor(t) : undefined;
        for (const p of constructor?.params ?? []) add(p.name, parseTypeRef(p.type), t, undefined, "constructor", constructor!.line);
        if (!configurator || configurator.reflects) {
            for (const [name, found] of model.reflect(t)) add(name, found.ref, found.owner, found.member, found.via, found.member.line);
        }
        const sorted = Object.fromEntries(Object.entries(attributes).sort(([a], [b]) => a.localeCompare(b)));
        return { kind: "object", attributes: sorted, source: cite(t), ...(configurator && configurator.type !== t ? { configurator: cite(configurator.type) } : {}) };
    }
}

/** Reads a JCasC configurator class: its target, explicit attributes, exclusions and root name. */
export function readConfigurator(model: Model, t: JavaType): Configurator | undefined {
    const base = /^(BaseConfigurator|DataBoundConfigurator)\s*<\s*([\w.]+)\s*>$/.exec((t.superclass ?? "").replace(/\s+/g, " "));
    if (!base || t.modifiers.includes("abstract")) return undefined;
    const strings = t.context.strings;
    const explicit = [...t.body.matchAll(/new\s+(Multivalued)?Attribute\s*<\s*[\w.]+\s*,\s*([\w.<>\s?,]+?)\s*>\s*\(\s*"#(\d+)"\s*,\s*([\w.]+)\.class/g)]
        .map(m => ({
            name: strings[Number(m[3])],
            type: parseTypeRef(m[4]),
            multiple: m[1] !== undefined,
            line: t.line + (t.body.slice(0, m.index).match(/\n/g) ?? []).length,
        }));
    const exclusionsBody = /exclusions\s*\(\s*\)\s*\{([\s\S]*?)\}/.exec(t.body)?.[1] ?? "";
    const exclusions = [...exclusionsBody.matchAll(/"#(\d+)"/g)].map(m => strings[Number(m[1])]);
    const rootName = /getName\s*\(\s*\)\s*\{\s*return\s*"#(\d+)"/.exec(t.body)?.[1];
    return {
        type: t,
        target: model.resolve(base[2], t),
        reflects: /super\.describe\(\s*\)/.test(t.body) || !/\bdescribe\s*\(\s*\)\s*\{/.test(t.body),
        dataBound: base[1] === "DataBoundConfigurator",
        explicit,
        exclusions,
        ...(rootName !== undefined ? { rootName: strings[Number(rootName)] } : {}),
    };
}
