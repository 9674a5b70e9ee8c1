import type { KubeObject } from '../../api/object.js';
import type { EventRecorder } from '../../client/events/event-recorder.js';
import type { WriteOutcome } from './writes.js';

/** The events a pod owner's writes make, as Kubernetes' controllers word them: SuccessfulCreate, SuccessfulDelete, FailedCreate, FailedDelete. */
export function reportPodWrites(recorder: EventRecorder | undefined, owner: KubeObject, outcomes: readonly WriteOutcome[]): void {
  if (!recorder) return;
  for (const o of outcomes) {
    if (o.write.ref.resource !== 'pods') continue;
    if (o.write.op === 'create') {
      if (o.ok) recorder.event(owner, 'Normal', 'SuccessfulCreate', `Created pod: ${o.object.metadata.name}`);
      else recorder.event(owner, 'Warning', 'FailedCreate', `Error creating: ${(o.error as Error)?.message ?? String(o.error)}`);
    } else if (o.write.op === 'delete') {
      if (o.ok) recorder.event(owner, 'Normal', 'SuccessfulDelete', `Deleted pod: ${o.write.name}`);
      else recorder.event(owner, 'Warning', 'FailedDelete', `Error deleting: ${(o.error as Error)?.message ?? String(o.error)}`);
    }
  }
}

/** The object with its kind and apiVersion set (events name them; list items may lack them). */
export function withKind<T extends KubeObject>(obj: T, apiVersion: string, kind: string): T {
  return { ...obj, apiVersion, kind };
}
