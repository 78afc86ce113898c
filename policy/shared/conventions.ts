// Names the program and the policy pack agree on. They live in the pack so that it stays
// self-contained; the program imports them from here.

/** The value of app.kubernetes.io/part-of on everything the stack creates. */
export const PART_OF = "jenkins-on-k8s";

/** Label the Kubernetes cloud puts on every agent pod (and policies look for on bare Pods). */
export const AGENT_POD_LABEL = "jenkins-on-k8s/agent";

/** The ConfigMap key holding the JCasC configuration (the file CASC_JENKINS_CONFIG points to). */
export const CASC_KEY = "jenkins.yaml";

/** Label on the claim that holds JENKINS_HOME, so policies can find its writers. */
export const JENKINS_HOME_LABEL = "jenkins-on-k8s/jenkins-home";

/** Pod-template annotation whose change restarts the controller when its configuration changes. */
export const CONFIG_CHECKSUM_ANNOTATION = "jenkins-on-k8s/config-checksum";

/** Where nodes have the Docker socket; agent templates mount it only when asked, and pod-hardening flags it. */
export const DOCKER_SOCKET = "/var/run/docker.sock";
