import type { Command } from 'commander';
import { registerEndpoint } from './endpoint.js';
import type { Register } from './kv.js';
import { registerLease } from './lease.js';
import { registerMaintenance } from './maintenance.js';
import { registerMember } from './member.js';
import { registerSnapshot } from './snapshot.js';

/**
 * The commands that look after the cluster rather than its keys: member, endpoint,
 * lease, the maintenance ones (move-leader, defrag, alarm, compaction) and snapshot.
 */
export function registerCluster(program: Command, register: Register): void {
  registerMember(program, register);
  registerEndpoint(program, register);
  registerLease(program, register);
  registerMaintenance(program, register);
  registerSnapshot(program, register);
}
