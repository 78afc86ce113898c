// npm run bench:policy: time of the policy pack over a stack with 1,000 agent pod templates.
// Prints figures (target: under 1 s); not a test.
import { performance } from "perf_hooks";
import { forgetParsedCasc } from "../policy/lib/casc";
import { evaluate } from "../test/harness/evaluate";
import { blocking, runPolicies } from "./policyCheck";

async function main(): Promise<void> {
    const count = Number(process.argv[2] ?? 1000);
    const templates = Array.from({ length: count }, (_, i) => ({
        name: `t${i}`,
        label: `label-${i}`,
        containers: [{
            name: "build",
            image: "maven:3.9.9-eclipse-temurin-21",
            resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "1", memory: "2Gi" } },
        }],
    }));
    const { resources } = await evaluate("dev", { preview: true, overrides: { agentTemplates: JSON.stringify(templates) } });
    const times: number[] = [];
    let report;
    for (let run = 0; run < 5; run++) {
        forgetParsedCasc(); // every run parses the JCasC text anew, as one analyzer run does
        const start = performance.now();
        report = await runPolicies(resources, { stack: "dev" });
        times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    console.log(`${count} agent pod templates, ${resources.length} resources, ${report!.ran.length} policies`);
    console.log(`policy pack: min ${times[0].toFixed(1)} ms, median ${times[2].toFixed(1)} ms, max ${times[4].toFixed(1)} ms (5 runs)`);
    console.log(`mandatory violations: ${blocking(report!).length}`);
    console.log(`target: < 1000 ms ${times[4] < 1000 ? "met" : "MISSED"}`);
}

main().catch(error => {
    console.error(error);
    process.exit(1);
});
