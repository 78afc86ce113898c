// storage: the NFS provisioner and the StorageClass.
import { Reader } from "./reader";
import { dnsLabelProblem, hostProblem, ownedNamespaceProblem, show } from "./rules";
import { NfsProvisionerConfig, StorageConfig } from "./types";

/** A namespace the stack creates: a DNS label that Kubernetes does not own. */
export function namespaceProblem(value: string): string | undefined {
    return dnsLabelProblem(value) ?? ownedNamespaceProblem(value);
}

export function readStorage(r: Reader): StorageConfig {
    const enabled = r.boolean("nfsProvisionerEnabled");
    const reclaimPolicy = r.checked("storageReclaimPolicy",
        v => v === "Delete" || v === "Retain" ? undefined : `must be Delete or Retain, got ${show(v)}`);
    const className = r.dnsSubdomain("storageClassName");
    let provisioner: NfsProvisionerConfig | undefined;
    if (enabled) {
        const why = "when nfsProvisionerEnabled is true";
        const server = r.required("nfsServer", why);
        if (server !== "" && !r.bad("nfsServer")) {
            const problem = hostProblem(server);
            if (problem) {
                r.problem("nfsServer", problem);
            }
        }
        const path = r.required("nfsPath", why);
        if (path !== "" && !path.startsWith("/")) {
            r.problem("nfsPath", `${show(path)} must be an absolute path`);
        }
        // The StorageClass's provisioner field: a domain-like name, e.g. k8s-sigs.io/nfs-subdir-external-provisioner.
        const provisionerName = r.checked("nfsProvisionerName",
            v => /^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(v) ? undefined : `${show(v)} is not a valid provisioner name`);
        provisioner = {
            server, path, provisionerName,
            image: r.image("nfsProvisionerImage"),
            namespace: r.checked("nfsProvisionerNamespace", namespaceProblem),
            resources: r.resources("nfsProvisioner"),
        };
    }
    return {
        provisioner,
        className,
        isDefault: r.boolean("storageClassDefault"),
        archiveOnDelete: r.boolean("storageArchiveOnDelete"),
        reclaimPolicy: reclaimPolicy === "Retain" ? "Retain" : "Delete",
        mountOptions: r.stringArray("storageMountOptions"),
    };
}
