import type { Controller, ControllerContext } from './framework/controller.js';
import { DaemonSetController } from './daemonset/controller.js';
import { DeploymentController } from './deployment/controller.js';
import { EndpointsController } from './endpoints/controller.js';
import { GarbageCollectorController } from './garbagecollector/controller.js';
import { NamespaceController } from './namespace/controller.js';
import { NodeLifecycleController } from './nodelifecycle/controller.js';
import { TaintEvictionController } from './nodelifecycle/taint-eviction-controller.js';
import { ReplicaSetController } from './replicaset/controller.js';

/** The knobs of the controllers that the command line sets. */
export interface ControllerSettings {
  readonly nodeMonitorPeriodMs: number;
  readonly nodeMonitorGracePeriodMs: number;
  readonly workers: { readonly deployment: number; readonly replicaset: number; readonly daemonset: number; readonly endpoint: number; readonly namespace: number; readonly garbagecollector: number };
}

export const DEFAULT_SETTINGS: ControllerSettings = {
  nodeMonitorPeriodMs: 5_000,
  nodeMonitorGracePeriodMs: 40_000,
  workers: { deployment: 5, replicaset: 5, daemonset: 2, endpoint: 5, namespace: 10, garbagecollector: 20 },
};

interface CatalogEntry {
  readonly name: string;
  /** Kubernetes' newer "<name>-controller" spellings are accepted too. */
  readonly aliases: readonly string[];
  readonly create: (ctx: ControllerContext, settings: ControllerSettings) => Controller;
}

/** Every controller this controller-manager can run, by the names --controllers takes. */
export const CATALOG: readonly CatalogEntry[] = [
  { name: 'replicaset', aliases: ['replicaset-controller'], create: (ctx, s) => new ReplicaSetController(ctx, s.workers.replicaset) },
  { name: 'deployment', aliases: ['deployment-controller'], create: (ctx, s) => new DeploymentController(ctx, s.workers.deployment) },
  { name: 'daemonset', aliases: ['daemonset-controller'], create: (ctx, s) => new DaemonSetController(ctx, s.workers.daemonset) },
  { name: 'endpoint', aliases: ['endpoints-controller'], create: (ctx, s) => new EndpointsController(ctx, s.workers.endpoint) },
  { name: 'garbagecollector', aliases: ['garbage-collector-controller'], create: (ctx, s) => new GarbageCollectorController(ctx, s.workers.garbagecollector) },
  { name: 'namespace', aliases: ['namespace-controller'], create: (ctx, s) => new NamespaceController(ctx, s.workers.namespace) },
  { name: 'nodelifecycle', aliases: ['node-lifecycle-controller'], create: (ctx, s) => new NodeLifecycleController(ctx, s.nodeMonitorPeriodMs, s.nodeMonitorGracePeriodMs) },
  { name: 'taint-eviction', aliases: ['taint-eviction-controller'], create: (ctx) => new TaintEvictionController(ctx) },
];

/** Thrown for a --controllers entry that names no controller. */
export class UnknownControllerError extends Error {}

/**
 * The controllers --controllers enables, as Kubernetes reads the list: `-name` disables (and wins),
 * `name` enables, `*` enables the rest.
 */
export function enabledControllers(list: readonly string[]): CatalogEntry[] {
  const names = (e: CatalogEntry) => [e.name, ...e.aliases];
  for (const item of list) {
    const bare = item.replace(/^-/, '');
    if (bare !== '*' && !CATALOG.some((e) => names(e).includes(bare))) {
      throw new UnknownControllerError(`"${bare}" is not in the list of known controllers: ${CATALOG.map((e) => e.name).join(', ')}`);
    }
  }
  return CATALOG.filter((e) => {
    if (names(e).some((n) => list.includes(`-${n}`))) return false;
    return names(e).some((n) => list.includes(n)) || list.includes('*');
  });
}
