export type { Transport, TransportStats } from './transport.js';
export { HttpTransport, type HttpTransportOptions } from './http-transport.js';
export { FaultInjector, FaultConfigError, NO_FAULTS, validateFaults, type FaultConfig } from './fault-injector.js';
export { encodeMessages, decodeMessages, CodecError } from './codec.js';
