import type { AdmissionPlugin } from './admission.js';

type Json = Record<string, any>;

/** The taints the node lifecycle controller puts on a node that stops reporting or is not ready. */
export const TAINT_NODE_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_NODE_UNREACHABLE = 'node.kubernetes.io/unreachable';

/** kube-apiserver's --default-not-ready-toleration-seconds and --default-unreachable-toleration-seconds. */
export interface DefaultTolerationSecondsOptions {
  readonly notReadySeconds: number;
  readonly unreachableSeconds: number;
}

export const DEFAULT_TOLERATION_SECONDS: DefaultTolerationSecondsOptions = { notReadySeconds: 300, unreachableSeconds: 300 };

/** Whether a toleration already covers `key`:NoExecute (an empty key or effect is a wildcard, as Kubernetes reads it). */
function tolerates(tolerations: readonly Json[], key: string): boolean {
  return tolerations.some((t) => (!t.key || t.key === key) && (!t.effect || t.effect === 'NoExecute'));
}

/**
 * DefaultTolerationSeconds: a pod that does not tolerate the not-ready and unreachable NoExecute
 * taints gets a toleration of each for a bounded time. This bound is what makes taint-based
 * eviction wait (5 minutes by default) before a pod on a lost node is evicted.
 */
export function defaultTolerationSeconds(options: DefaultTolerationSecondsOptions = DEFAULT_TOLERATION_SECONDS): AdmissionPlugin {
  return {
    name: 'DefaultTolerationSeconds',
    async admit(req) {
      if (req.resource.resource !== 'pods' || req.resource.group !== '' || req.subresource !== '' || !req.object) return;
      if (req.operation !== 'CREATE' && req.operation !== 'UPDATE') return;
      const spec = ((req.object as Json).spec ??= {});
      const tolerations: Json[] = Array.isArray(spec.tolerations) ? spec.tolerations : [];
      const added: Json[] = [];
      if (!tolerates(tolerations, TAINT_NODE_NOT_READY)) {
        added.push({ key: TAINT_NODE_NOT_READY, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: options.notReadySeconds });
      }
      if (!tolerates(tolerations, TAINT_NODE_UNREACHABLE)) {
        added.push({ key: TAINT_NODE_UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: options.unreachableSeconds });
      }
      if (added.length > 0) spec.tolerations = [...tolerations, ...added];
    },
  };
}
