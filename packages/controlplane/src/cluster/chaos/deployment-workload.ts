import { isAlreadyExists, Resources, type RestClient } from '../../client/index.js';
import type { KubeObject } from '../../api/object.js';
import type { ScaleRecord } from './history.js';
import { describeError } from './write-outcome.js';

/** The workload's pods run this: a tiny HTTP server on the pod's IP (the process runtime sets POD_IP; hollow ignores it). */
const ServerScript = "require('node:http').createServer((q, s) => s.end('ok\\n')).listen(8080, process.env.POD_IP || '127.0.0.1')";

export const WorkloadLabel = { app: 'chaos-web' } as const;
export const DeploymentName = 'chaos-web';

/** The Deployment of the workload: `replicas` pods of the Node.js server. */
export function workloadDeployment(namespace: string, replicas: number): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: DeploymentName, namespace, labels: { ...WorkloadLabel } },
    spec: {
      replicas,
      selector: { matchLabels: { ...WorkloadLabel } },
      template: {
        metadata: { labels: { ...WorkloadLabel } },
        spec: {
          terminationGracePeriodSeconds: 2,
          containers: [
            {
              name: 'web',
              image: 'flotilla/node-http',
              command: ['node', '-e', ServerScript],
              ports: [{ containerPort: 8080 }],
              // Ready means answering, so a full Deployment is one that serves (the hollow runtime reports ready at once).
              readinessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 2 },
            },
          ],
        },
      },
    },
  };
}

/** Retries `attempt` (the cluster may be between leaders) until it succeeds or `timeoutMs` passes. */
async function withRetries<T>(what: string, timeoutMs: number, attempt: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`could not ${what}: ${describeError(err)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/** Creates the run's namespace and Deployment, scales it, and deletes the namespace at the end. */
export class DeploymentWorkload {
  constructor(
    private readonly client: RestClient,
    readonly namespace: string,
  ) {}

  async create(replicas: number, timeoutMs: number): Promise<void> {
    const ignoreExisting = async (create: () => Promise<unknown>) => {
      try {
        await create();
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
      }
    };
    await withRetries(`create namespace ${this.namespace}`, timeoutMs, () =>
      ignoreExisting(() => this.client.create(Resources.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: this.namespace, labels: { 'flotilla.dev/chaos': 'true' } } })),
    );
    await withRetries(`create deployment ${DeploymentName}`, timeoutMs, () => ignoreExisting(() => this.client.create(Resources.deployments, workloadDeployment(this.namespace, replicas))));
  }

  /** One attempt to set spec.replicas; the record says whether it was acknowledged. */
  async scale(replicas: number, at: number): Promise<ScaleRecord> {
    try {
      await this.client.patch(Resources.deployments, DeploymentName, { spec: { replicas } }, 'merge', { namespace: this.namespace });
      return { at, replicas, ok: true };
    } catch (err) {
      return { at, replicas, ok: false, error: describeError(err) };
    }
  }

  /** Deletes the namespace (and so the workload); does not wait for the deletion to finish. */
  async remove(timeoutMs: number): Promise<void> {
    await withRetries(`delete namespace ${this.namespace}`, timeoutMs, () => this.client.delete(Resources.namespaces, this.namespace));
  }
}
