import type { Message, NodeId } from '../core/index.js';
import type { FaultInjector } from './fault-injector.js';

/** How a RaftNode reaches its peers. */
export interface Transport {
  /** The base URL peers reach this node at (valid after start()). */
  readonly url: string;
  start(): Promise<void>;
  addPeer(id: NodeId, url: string): void;
  updatePeer(id: NodeId, url: string): void;
  removePeer(id: NodeId): void;
  /** Never blocks and never throws: queues per peer; a full queue drops (Raft retransmits). */
  send(messages: readonly Message[]): void;
  onMessage(handler: (m: Message) => void): void;
  onUnreachable(handler: (peer: NodeId) => void): void;
  onSnapshotStatus(handler: (peer: NodeId, ok: boolean) => void): void;
  readonly faults: FaultInjector;
  stop(): Promise<void>;
}

/** Counters a member exports as etcd_network_* metrics. */
export interface TransportStats {
  messagesSent: number;
  messagesReceived: number;
  bytesSent: number;
  bytesReceived: number;
  sendFailures: number;
  droppedByFault: number;
  droppedQueueFull: number;
  snapshotsSent: number;
  snapshotsReceived: number;
}

/** Fresh counters, all zero. */
export function emptyStats(): TransportStats {
  return {
    messagesSent: 0,
    messagesReceived: 0,
    bytesSent: 0,
    bytesReceived: 0,
    sendFailures: 0,
    droppedByFault: 0,
    droppedQueueFull: 0,
    snapshotsSent: 0,
    snapshotsReceived: 0,
  };
}

/** POST: a msgpack array of messages; 204. */
export const MESSAGES_PATH = '/raft/v1/messages';
/** POST: a msgpack array of one snap message; 204 once handed to the driver. */
export const SNAPSHOT_PATH = '/raft/v1/snapshot';
/** GET: the fault configuration as JSON; PUT: change it (see FaultInjector.update). */
export const FAULTS_PATH = '/raft/v1/faults';
