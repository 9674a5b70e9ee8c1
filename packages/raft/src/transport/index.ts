/** The HTTP peer transport: msgpack batches per peer, snapshots on their own request, run-time faults. */
export { type Transport, type TransportStats, MESSAGES_PATH, SNAPSHOT_PATH, FAULTS_PATH } from './transport.js';
export { HttpTransport, type HttpTransportOptions } from './http-transport.js';
export { FaultInjector, FaultConfigError, NO_FAULTS, validateFaults, type FaultConfig } from './fault-injector.js';
export { encodeMessages, decodeMessages, decodeSnapshot, CodecError } from './codec.js';
