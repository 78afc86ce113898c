// npm run bench: wall time and peak memory of evaluating the whole dev stack under mocks.
// Prints figures (target: under 1 s and under 200 MB on the 2-core CI machine); not a test.
import { performance } from "perf_hooks";
import { evaluate } from "../test/harness/evaluate";

async function main(): Promise<void> {
    const stack = process.argv[2] ?? "dev";
    const runs = Number(process.argv[3] ?? 10);
    const processStart = performance.timeOrigin;
    const first = performance.now();
    const { resources } = await evaluate(stack);
    const cold = performance.now() - first;
    const sinceLaunch = Date.now() - processStart;
    const warm: number[] = [];
    for (let i = 0; i < runs; i++) {
        const start = performance.now();
        await evaluate(stack);
        warm.push(performance.now() - start);
    }
    warm.sort((a, b) => a - b);
    const peakMb = process.resourceUsage().maxRSS / 1024;
    const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
    console.log(`stack ${stack}: ${resources.length} resources registered`);
    console.log(`first evaluation:        ${fmt(cold)}`);
    console.log(`process launch to done:  ${fmt(sinceLaunch)} (includes loading @pulumi/* modules)`);
    console.log(`warm evaluation (n=${runs}): median ${fmt(warm[Math.floor(runs / 2)])}, max ${fmt(warm[runs - 1])}`);
    console.log(`peak RSS:                ${peakMb.toFixed(1)} MB`);
    console.log(`targets: < 1000 ms ${sinceLaunch < 1000 ? "met" : "MISSED"}, < 200 MB ${peakMb < 200 ? "met" : "MISSED"}`);
}

main().catch(error => {
    console.error(error);
    process.exit(1);
});
