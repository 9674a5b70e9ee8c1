/** @flotilla/controlplane: the Kubernetes control plane on the kvstore. */
export {};
