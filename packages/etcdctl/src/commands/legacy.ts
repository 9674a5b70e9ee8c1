import type { Io } from '../context.js';
import { runV2 } from '../legacy/v2-app.js';

/**
 * etcdctl with ETCDCTL_API=2 runs its v2 command line (ctlv2): `set`, `get`, `ls`, `mk`,
 * `rm`, ... over etcd's v2 HTTP API. With ETCDCTL_API unset or 3, those names are unknown
 * commands, as in etcdctl 3.4 (cobra/resolve.ts answers them with its suggestions).
 */
export function runLegacy(argv: string[], io: Io, version: string): Promise<number> {
  return runV2(argv, io, version);
}
