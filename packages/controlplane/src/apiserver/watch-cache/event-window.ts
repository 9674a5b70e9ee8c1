import type { KubeObject } from '../../api/object.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One change as the watch cache saw it: the object after, and before for updates and deletes. */
export interface CacheEvent {
  readonly type: WatchEventType;
  readonly key: string;
  /** The object after the change; for DELETED, its last state with the deletion's resourceVersion. */
  readonly object: KubeObject;
  readonly prevObject?: KubeObject;
  readonly revision: number;
}

/**
 * The most recent events of one resource, oldest first, in a fixed-size ring. A watch may
 * start at any revision from `startRevision` on: every event after it is still here.
 */
export class EventWindow {
  private readonly ring: (CacheEvent | undefined)[];
  private head = 0;
  private size = 0;
  /** Every event with a revision above this one is in the window. */
  private start: number;

  constructor(
    readonly capacity: number,
    startRevision: number,
  ) {
    this.ring = new Array(capacity);
    this.start = startRevision;
  }

  get startRevision(): number {
    return this.start;
  }

  push(event: CacheEvent): void {
    if (this.size === this.capacity) {
      const evicted = this.ring[this.head]!;
      // Invariant: events leave in revision order, so all later ones are still here.
      this.start = evicted.revision;
      this.head = (this.head + 1) % this.capacity;
      this.size--;
    }
    this.ring[(this.head + this.size) % this.capacity] = event;
    this.size++;
  }

  /** The events after `revision`, or undefined if some of them have left the window. */
  since(revision: number): CacheEvent[] | undefined {
    if (revision < this.start) return undefined;
    const out: CacheEvent[] = [];
    for (let i = this.size - 1; i >= 0; i--) {
      const e = this.ring[(this.head + i) % this.capacity]!;
      if (e.revision <= revision) break;
      out.push(e);
    }
    return out.reverse();
  }

  /** Starts again empty after a relist at `revision`. */
  reset(revision: number): void {
    this.ring.fill(undefined);
    this.head = 0;
    this.size = 0;
    this.start = revision;
  }
}
