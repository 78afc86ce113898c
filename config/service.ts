// service: how users and agents reach the controller.
import { Reader } from "./reader";
import { dnsSubdomainProblem, hostProblem } from "./rules";
import { JenkinsConfig } from "./types";

export function readService(r: Reader): Pick<JenkinsConfig, "nodePort" | "agentNodePort" | "nodeAddress" | "clusterDomain"> {
    const nodePort = r.nodePort("serviceNodePort") ?? 30001;
    const agentNodePort = r.nodePort("serviceAgentNodePort", true);
    if (agentNodePort !== undefined && agentNodePort === nodePort && !r.bad("serviceNodePort")) {
        r.problem("serviceAgentNodePort", `must differ from serviceNodePort (${nodePort})`);
    }
    const nodeAddress = r.required("nodeAddress", "to build the exported url");
    if (nodeAddress !== "" && !r.bad("nodeAddress")) {
        const problem = hostProblem(nodeAddress);
        if (problem) {
            r.problem("nodeAddress", problem);
        }
    }
    return { nodePort, agentNodePort, nodeAddress, clusterDomain: r.checked("clusterDomain", dnsSubdomainProblem) };
}
