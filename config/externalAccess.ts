// externalAccess: a Jenkins outside the cluster, with agent rights only.
import { Reader } from "./reader";
import { show } from "./rules";
import { ExternalAccessConfig } from "./types";

export function readExternalAccess(r: Reader): ExternalAccessConfig | undefined {
    if (!r.boolean("externalAccessEnabled")) {
        return undefined;
    }
    const apiServer = r.required("externalAccessApiServer", "when externalAccessEnabled is true");
    if (apiServer !== "" && !r.bad("externalAccessApiServer") && !/^https:\/\/[^\s/]+(\/\S*)?$/.test(apiServer)) {
        r.problem("externalAccessApiServer", `${show(apiServer)} must be an https:// URL`);
    }
    return { serviceAccount: r.dnsSubdomain("externalAccessServiceAccount"), apiServer };
}
