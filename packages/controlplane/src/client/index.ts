/** The client-go pattern for Flotilla's components: REST client, informers, work queues, leader election, events. */
export { ApiError, isAlreadyExists, isConflict, isGone, isNotFound, type KubeStatus } from './rest/api-error.js';
export { KubeconfigError, loadKubeconfig, type ClientConfig } from './rest/kubeconfig.js';
export { objectKey, resourcePath, resourceRef, Resources, splitKey, type ResourceRef } from './rest/resource-ref.js';
export { RestClient, type DeleteOptions, type ListOptions, type ObjectList, type PatchType, type RestClientOptions } from './rest/rest-client.js';
export type { WatchEvent, WatchOptions, WatchStream } from './rest/watch-stream.js';
export { Indexer, NAMESPACE_INDEX, type IndexFunc } from './informer/indexer.js';
export { Informer, type EventHandlers, type InformerOptions } from './informer/informer.js';
export { Reflector, sleep, type ReflectorOptions, type ReflectorSink } from './informer/reflector.js';
export { SharedInformerFactory, type InformerSelection } from './informer/shared-informer-factory.js';
export { ManualClock, realClock, type Clock, type TimerHandle } from './workqueue/clock.js';
export { ExponentialBackoffRateLimiter, type RateLimiter } from './workqueue/rate-limiter.js';
export { runWorkers, WorkQueue } from './workqueue/work-queue.js';
export { LeaderElector, type LeaderElectionOptions } from './leader-election/leader-elector.js';
export { microTime, nextLeaseSpec, type LeaseSpec } from './leader-election/lease-record.js';
export { EventRecorder, type CoreEvent, type EventRecorderOptions, type EventType } from './events/event-recorder.js';
export { bool, componentFlagTable, duration, FlagError, integer, parseFlagTable, port, usageOf, type ComponentFlags, type FlagSpec, type FlagTable } from './component/flags.js';
export { startComponentServer, type ComponentServer, type ComponentServerOptions, type HealthCheck } from './component/component-server.js';
export { stopSignal } from './component/signals.js';
