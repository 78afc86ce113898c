// service: how users and agents reach the controller.
import { Reader } from "./reader";
import { dnsSubdomainProblem, hostProblem } from "./rules";
import { JenkinsConfig } from "./types";

/** How users reach the UI: a NodePort (and a node address to build the url), unless an Ingress serves it. */
export function readService(r: Reader, ingress: boolean): Pick<JenkinsConfig, "nodePort" | "agentNodePort" | "nodeAddress" | "clusterDomain"> {
    const nodePort = r.nodePort("serviceNodePort", true);
    if (nodePort === undefined && !ingress && !r.bad("serviceNodePort")) {
        r.problem("serviceNodePort", "may be 0 only with ingressEnabled: otherwise nothing serves the web UI");
    }
    const agentNodePort = r.nodePort("serviceAgentNodePort", true);
    if (agentNodePort !== undefined && agentNodePort === nodePort && !r.bad("serviceNodePort")) {
        r.problem("serviceAgentNodePort", `must differ from serviceNodePort (${nodePort})`);
    }
    const nodeAddress = ingress ? r.string("nodeAddress").trim() : r.required("nodeAddress", "to build the exported url (or enable the Ingress)");
    if (nodeAddress !== "" && !r.bad("nodeAddress")) {
        const problem = hostProblem(nodeAddress);
        if (problem) {
            r.problem("nodeAddress", problem);
        }
    }
    return { nodePort, agentNodePort, nodeAddress, clusterDomain: r.checked("clusterDomain", dnsSubdomainProblem) };
}
