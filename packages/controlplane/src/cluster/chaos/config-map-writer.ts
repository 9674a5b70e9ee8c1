import { isAlreadyExists, isNotFound, Resources, type RestClient } from '../../client/index.js';
import type { WriteRecord } from './history.js';
import { describeError, outcomeOfError } from './write-outcome.js';

/** Whether the workload knows its ConfigMap exists (`maybe` after a create whose outcome is unknown). */
type Existence = 'no' | 'yes' | 'maybe';

interface KeyState {
  readonly name: string;
  next: number;
  exists: Existence;
}

export interface ConfigMapWriterOptions {
  readonly namespace: string;
  /** How many ConfigMaps; each writer owns its own, so each key's writes are in order. */
  readonly keys: number;
  readonly writers: number;
  /** Pause between one writer's writes, so the stream does not take a shared machine's CPU. */
  readonly pauseMs: number;
  /** ms since the run started. */
  readonly now: () => number;
}

/**
 * The API write stream: ConfigMaps chaos-cm-N whose data.value is a counter, created once and
 * then merge-patched with the next value. Every write is recorded with its invoke and return
 * times and its outcome, for the acknowledged-writes check and the unavailability windows.
 */
export class ConfigMapWriter {
  readonly records: WriteRecord[] = [];
  readonly keyNames: readonly string[];

  constructor(
    private readonly client: RestClient,
    private readonly options: ConfigMapWriterOptions,
  ) {
    this.keyNames = Array.from({ length: options.keys }, (_, i) => `chaos-cm-${i}`);
  }

  /** Writes until `signal` aborts; resolves when every writer has stopped. */
  async run(signal: AbortSignal): Promise<void> {
    const states = this.keyNames.map((name): KeyState => ({ name, next: 1, exists: 'no' }));
    const writers = Array.from({ length: this.options.writers }, (_, w) => states.filter((_, i) => i % this.options.writers === w));
    await Promise.all(writers.map((owned) => this.writeLoop(owned, signal)));
  }

  private async writeLoop(owned: KeyState[], signal: AbortSignal): Promise<void> {
    for (let turn = 0; !signal.aborted && owned.length > 0; turn++) {
      await this.writeOnce(owned[turn % owned.length]);
      await new Promise((r) => setTimeout(r, this.options.pauseMs));
    }
  }

  private async writeOnce(key: KeyState): Promise<void> {
    const value = key.next++;
    const op = key.exists === 'no' ? 'create' : 'update';
    const invokedAt = this.options.now();
    const data = { value: String(value) };
    try {
      if (op === 'create') {
        await this.client.create(Resources.configmaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: key.name, namespace: this.options.namespace }, data });
      } else {
        await this.client.patch(Resources.configmaps, key.name, { data }, 'merge', { namespace: this.options.namespace });
      }
      key.exists = 'yes';
      this.records.push({ key: key.name, value, op, invokedAt, returnedAt: this.options.now(), outcome: 'ok' });
    } catch (err) {
      const outcome = outcomeOfError(err);
      if (isAlreadyExists(err)) key.exists = 'yes';
      else if (isNotFound(err)) key.exists = 'no';
      else if (outcome === 'unknown' && op === 'create') key.exists = 'maybe';
      this.records.push({ key: key.name, value, op, invokedAt, returnedAt: this.options.now(), outcome, error: describeError(err) });
    }
  }

  /** Each ConfigMap's value as the store has it now (null: not there); throws when the list fails. */
  async readFinalValues(): Promise<Record<string, number | null>> {
    const list = await this.client.list(Resources.configmaps, { namespace: this.options.namespace });
    const found = new Map(list.items.map((cm) => [cm.metadata.name, Number((cm.data as Record<string, string> | undefined)?.value)]));
    return Object.fromEntries(this.keyNames.map((k) => [k, found.get(k) ?? null]));
  }
}
