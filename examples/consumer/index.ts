// A team's project consuming a jenkins-on-k8s stack through its typed outputs.
import * as pulumi from "@pulumi/pulumi";
import { readJenkinsStack } from "../../outputs";
import { TeamJenkinsResources } from "./teamResources";

const config = new pulumi.Config();
const jenkins = readJenkinsStack(config.require("jenkinsStack"));
const team = new TeamJenkinsResources("team", {
    jenkins,
    team: config.get("team") ?? "payments",
    appNamespace: config.get("appNamespace") ?? "payments",
    registryUser: config.get("registryUser") ?? "payments-ci",
    registryPassword: config.requireSecret("registryPassword"),
});

export const jenkinsUrl = jenkins.url;
export const credentialsSecret = team.credentialsSecretName;
export const endpointsConfigMap = team.endpointsConfigMapName;
