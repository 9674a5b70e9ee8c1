/** The faults a chaos run injects, by their --faults names. */
import type { FaultKind, FaultPlanner } from './fault.js';
import { membership } from './membership-fault.js';
import { asymmetric, flapping, partitionLeader } from './network-faults.js';
import { killLeader, killRandom, pause, restart } from './process-faults.js';

export { FAULT_KINDS, NETWORK_FAULTS, type FaultContext, type FaultKind, type FaultTarget, type PlannedFault } from './fault.js';

export const FAULT_PLANNERS: Readonly<Record<FaultKind, FaultPlanner>> = {
  'kill-leader': killLeader,
  'kill-random': killRandom,
  pause,
  'partition-leader': partitionLeader,
  asymmetric,
  flapping,
  membership,
  restart,
};
