/**
 * The default plugin set, in Kubernetes' order (filters stop at the first failure, so the order
 * decides which reason a node reports) and with its default score weights: TaintToleration 3,
 * NodeAffinity 2, NodeResourcesFit 1, NodeResourcesBalancedAllocation 1.
 */
import type { PluginSet } from '../framework/interface.js';
import { BalancedAllocation } from './balanced-allocation.js';
import { InterPodAffinity } from './inter-pod-affinity.js';
import { NodeAffinity } from './node-affinity.js';
import { NodeName } from './node-name.js';
import { NodeResourcesFit } from './node-resources-fit.js';
import { NodeUnschedulable } from './node-unschedulable.js';
import { TaintToleration } from './taint-toleration.js';

export function defaultPlugins(): PluginSet {
  const taints = new TaintToleration();
  const affinity = new NodeAffinity();
  const fit = new NodeResourcesFit();
  return {
    filters: [new NodeUnschedulable(), new NodeName(), taints, affinity, fit, new InterPodAffinity()],
    scorers: [
      { plugin: taints, weight: 3 },
      { plugin: affinity, weight: 2 },
      { plugin: fit, weight: 1 },
      { plugin: new BalancedAllocation(), weight: 1 },
    ],
  };
}
