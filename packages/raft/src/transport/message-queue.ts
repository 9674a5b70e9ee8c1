import type { Message } from '../core/index.js';

/**
 * A FIFO of messages for one peer with a hard cap, so a peer that is down costs at
 * most `capacity` messages of memory. A ring buffer: taking a batch is O(batch), not
 * O(queue) as Array#shift would be.
 */
export class MessageQueue {
  private readonly slots: (Message | undefined)[];
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`queue capacity must be a positive integer, got ${capacity}`);
    this.slots = new Array<Message | undefined>(capacity);
  }

  get length(): number {
    return this.count;
  }

  /** Appends `m`; false (and nothing queued) when the queue is full. */
  push(m: Message): boolean {
    if (this.count === this.capacity) return false;
    this.slots[(this.head + this.count) % this.capacity] = m;
    this.count++;
    return true;
  }

  /** The oldest message, left in place. */
  peek(): Message | undefined {
    return this.count === 0 ? undefined : this.slots[this.head];
  }

  /** Removes and returns the oldest message. */
  shift(): Message | undefined {
    if (this.count === 0) return undefined;
    const m = this.slots[this.head];
    this.slots[this.head] = undefined;
    this.head = (this.head + 1) % this.capacity;
    this.count--;
    return m;
  }

  clear(): void {
    this.slots.fill(undefined);
    this.head = 0;
    this.count = 0;
  }
}
