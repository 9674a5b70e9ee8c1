import { KvClient } from '../../src/client/index.js';
import { ProcessCluster } from './process-cluster.js';

/** A 3-member cluster and a client of all three, started before a suite's tests and stopped after them. */
export interface ClusterWithClient {
  readonly cluster: ProcessCluster;
  readonly client: KvClient;
}

/** Registers the suite's before/after hooks; read the fixture's fields inside tests only. */
export function clusterWithClient(): ClusterWithClient {
  let cluster: ProcessCluster | undefined;
  let client: KvClient | undefined;
  before(async () => {
    cluster = await ProcessCluster.start(3);
    client = new KvClient({ endpoints: cluster.members.map((m) => m.clientUrl), commandTimeoutMs: 10_000 });
  });
  after(async () => {
    await client?.close();
    await cluster?.stop();
  });
  return {
    get cluster() {
      if (!cluster) throw new Error('the cluster has not started');
      return cluster;
    },
    get client() {
      if (!client) throw new Error('the client has not started');
      return client;
    },
  };
}
