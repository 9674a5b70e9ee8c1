/** Which pods a scheduler takes: several schedulers run side by side, each on its own pods. */
import { DEFAULT_SCHEDULER_NAME, type Pod } from './types.js';

/** A pod without spec.schedulerName belongs to the default scheduler (the API defaults it so). */
export function responsibleFor(pod: Pod, schedulerName: string): boolean {
  const wanted = pod.spec.schedulerName === undefined || pod.spec.schedulerName === '' ? DEFAULT_SCHEDULER_NAME : pod.spec.schedulerName;
  return wanted === schedulerName;
}

/** A pod waits for a scheduler when it is not bound to a node yet. */
export function isUnscheduled(pod: Pod): boolean {
  return pod.spec.nodeName === undefined || pod.spec.nodeName === '';
}
