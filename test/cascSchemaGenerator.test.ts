// The generator's model of JCasC, on small Java sources: what becomes an attribute and what not.
import * as assert from "assert";
import { CascType } from "../lib/cascSchema";
import { describeAll, Model, normalize, readConfigurator } from "../scripts/cascSchema/describe";
import { parseJavaFile } from "../scripts/cascSchema/java";

const WIDGET = `
package org.example;
import hudson.Extension;
import hudson.model.Describable;
import java.util.List;
import java.util.Map;
import org.jenkinsci.Symbol;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;
/** A widget { with braces in comments } and "strings". */
public class Widget implements Describable<Widget> {
    private String label = "{not a body}";
    @DataBoundConstructor
    public Widget(@NonNull String name, int size, List<Part> parts) {}
    public String getColor() { return "x"; }
    @DataBoundSetter public void setColor(String color) {}
    public void setNoGetter(String value) {}
    public boolean isShiny() { return true; }
    public String isLabel() { return ""; }
    public void setLabel(String label) {}
    @Deprecated public void setShiny(boolean shiny) {}
    public Map<String, String> getTags() { return null; }
    public void setTags(Map<String, String> tags) {}
    @Restricted(NoExternalUse.class) public void setSecret(String s) {}
    public String getSecret() { return null; }
    public Mode getMode() { return null; }
    public void setMode(Mode mode) {}
    public enum Mode { FAST, SLOW; public String x() { return ""; } }
    @Extension @Symbol("widget") public static class DescriptorImpl extends Descriptor<Widget> {}
    @Extension @Symbol("widgetLinks") public static class Links extends ManagementLink {}
}`;
const PART = `
package org.example;
import hudson.model.Describable;
public abstract class Part implements Describable<Part> {}`;
const BOLT = `
package org.example;
public class BoltPart extends Part {
    @DataBoundConstructor public BoltPart(String thread) {}
    @Extension public static final class DescriptorImpl extends Descriptor<Part> {}
}`;
const UNREGISTERED = `
package org.example;
public class NutPart extends Part { @DataBoundConstructor public NutPart() {} }`;
const CONFIGURATOR = `
package io.jenkins.plugins.casc.core;
import org.example.Widget;
public class WidgetConfigurator extends BaseConfigurator<Widget> {
    public String getName() { return "widgets"; }
    public Set<Attribute<Widget, ?>> describe() {
        final Set<Attribute<Widget, ?>> attributes = super.describe();
        attributes.add(new MultivaluedAttribute<Widget, String>("aliases", String.class).setter(noop()));
        return attributes;
    }
    protected Set<String> exclusions() { return Collections.singleton("color"); }
}`;

function model(): Model {
    const types = [["widget", WIDGET], ["part", PART], ["bolt", BOLT], ["nut", UNREGISTERED], ["conf", CONFIGURATOR]]
        .flatMap(([file, source]) => parseJavaFile(`test:${file}.java`, source));
    return new Model(types);
}

const cite = (t: { file: string; line: number }, line?: number) => `${t.file}#L${line ?? t.line}`;

function object(type: CascType | undefined): Extract<CascType, { kind: "object" }> {
    assert.ok(type && type.kind === "object", `expected an object type, got ${JSON.stringify(type)}`);
    return type;
}

describe("JCasC schema generator", () => {
    it("reads constructor parameters and setters that have getters, skipping Maps, getter-less setters and non-boolean is-getters", () => {
        const types = describeAll(model(), { widget: "org.example.Widget" }, cite, {});
        const widget = object(types["org.example.Widget"]);
        assert.deepStrictEqual(Object.keys(widget.attributes), ["color", "mode", "name", "parts", "secret", "shiny", "size"]);
        assert.deepStrictEqual(widget.attributes.parts, { type: "org.example.Part", multiple: true, via: "constructor", source: "test:widget.java#L13" });
        assert.strictEqual(widget.attributes.shiny.deprecated, true, "@Deprecated is read on the setter");
        assert.strictEqual(widget.attributes.secret.restricted, "NoExternalUse");
        assert.strictEqual(widget.attributes.size.type, "int");
        assert.deepStrictEqual(types["org.example.Widget.Mode"], { kind: "enum", values: ["FAST", "SLOW"], source: "test:widget.java#L28" });
    });

    it("offers registered implementations of an abstract Describable by symbol", () => {
        const types = describeAll(model(), { widget: "org.example.Widget" }, cite, {});
        const part = types["org.example.Part"];
        assert.ok(part.kind === "describable");
        assert.deepStrictEqual(part.symbols, { bolt: "org.example.BoltPart", boltPart: "org.example.BoltPart" }, "NutPart has no descriptor");
        assert.deepStrictEqual(Object.keys(object(types["org.example.BoltPart"]).attributes), ["thread"]);
        // Only the descriptor's @Symbol counts, not that of another nested extension (widgetLinks).
        assert.deepStrictEqual(model().symbols(model().types.get("org.example.Widget")!, "org.example.Thing"), ["widget"]);
    });

    it("applies a dedicated configurator: its root name, explicit attributes and exclusions", () => {
        const m = model();
        const configurator = readConfigurator(m, m.types.get("io.jenkins.plugins.casc.core.WidgetConfigurator")!)!;
        assert.strictEqual(configurator.rootName, "widgets");
        assert.strictEqual(configurator.target, "org.example.Widget");
        m.configurators.set(configurator.target, configurator);
        const widget = object(describeAll(m, { widgets: "org.example.Widget" }, cite, {})["org.example.Widget"]);
        assert.ok(!("color" in widget.attributes), "excluded");
        assert.ok(!("name" in widget.attributes), "a BaseConfigurator does not read the constructor");
        assert.deepStrictEqual(widget.attributes.aliases, { type: "java.lang.String", multiple: true, via: "configurator", source: "test:conf.java#L8" });
    });

    it("normalizes names as JCasC does", () => {
        assert.strictEqual(normalize("Kubernetes"), "kubernetes");
        assert.strictEqual(normalize("JDK"), "jdk");
        assert.strictEqual(normalize("EmptyDirVolume"), "emptyDirVolume");
    });
});
