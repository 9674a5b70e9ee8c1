/**
 * The scheduler's decision core (issue 8): pure functions and a pure queue. The informers, the
 * timer that drives the queue and the API calls that bind and record events live in the driver.
 */
export * from './types.js';
export { isQuantity, milliValue, QuantityError, value } from './quantity.js';
export { labelSelectorMatches, nodeLabelsMatch, nodeSelectorMatches, nodeSelectorTermMatches } from './labels.js';
export * from './framework/interface.js';
export * from './framework/node-info.js';
export { defaultPlugins } from './plugins/default-plugins.js';
export { BalancedAllocation } from './plugins/balanced-allocation.js';
export { InterPodAffinity } from './plugins/inter-pod-affinity.js';
export { NodeAffinity } from './plugins/node-affinity.js';
export { NodeName } from './plugins/node-name.js';
export { NodeResourcesFit } from './plugins/node-resources-fit.js';
export { NodeUnschedulable } from './plugins/node-unschedulable.js';
export { TaintToleration, tolerates } from './plugins/taint-toleration.js';
export { FitError, NoNodesError } from './fit-error.js';
export { schedule, type NodeScore, type Scheduled, type ScheduleResult } from './schedule.js';
export { seededPicker, type PickRandom } from './random.js';
export { isUnscheduled, responsibleFor } from './responsible.js';
export { bindingFor, failedSchedulingEvent, scheduledEvent, type Binding, type SchedulingEvent } from './binding.js';
export { backoffDuration, DEFAULT_BACKOFF, type BackoffConfig } from './queue/backoff.js';
export { podKey, SchedulingQueue, type PoppedPod, type QueuedPod } from './queue/scheduling-queue.js';
