import { Packr } from 'msgpackr';
import type { WriteBatch } from '../mvcc/index.js';
import type { KvDb } from './kv-state-machine.js';
import type { AlarmType } from './requests.js';

/** One raised alarm: etcd's AlarmMember. A member may have several, one of each type. */
export interface AlarmMember {
  /** 16 hex digits; all zeros when the request named no member (etcd keeps 0 as given). */
  readonly memberId: string;
  readonly alarm: AlarmType;
}

const packr = new Packr({ useRecords: false });
const PREFIX = 'alarm/';
const latin1 = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));
const keyOf = (a: AlarmMember) => latin1(`${PREFIX}${a.memberId}/${a.alarm}`);
const TYPE_ORDER: readonly AlarmType[] = ['NONE', 'NOSPACE', 'CORRUPT'];

/**
 * The raised alarms, replicated (changed only by applied requests) and stored in the
 * member's key-value sublevel, one key per (member, type), as etcd's alarm bucket holds
 * one entry per AlarmMember.
 */
export class AlarmStore {
  private readonly raised = new Map<string, AlarmMember>();

  /** Reads the stored alarms; keys of the older one-alarm-per-member layout are rewritten. */
  async load(db: KvDb): Promise<void> {
    const legacy: [Uint8Array, AlarmMember][] = [];
    for await (const [k, v] of db.iterator({ gte: latin1(PREFIX), lt: latin1('alarm0') })) {
      const rest = Buffer.from(k).toString('latin1').slice(PREFIX.length);
      const a: AlarmMember = { memberId: rest.split('/')[0], alarm: packr.unpack(v) as AlarmType };
      this.raised.set(idOf(a), a);
      if (!rest.includes('/')) legacy.push([k, a]);
    }
    if (legacy.length === 0) return;
    const batch = db.batch();
    for (const [k, a] of legacy) {
      batch.del(k);
      batch.put(keyOf(a), packr.pack(a.alarm));
    }
    await batch.write({ sync: true });
  }

  /** etcd's AlarmStore.Get: every alarm for NONE, else those of one type; in a stable order. */
  list(type: AlarmType = 'NONE'): AlarmMember[] {
    return [...this.raised.values()]
      .filter((a) => type === 'NONE' || a.alarm === type)
      .sort((a, b) => TYPE_ORDER.indexOf(a.alarm) - TYPE_ORDER.indexOf(b.alarm) || (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
  }

  has(type: AlarmType, memberId?: string): boolean {
    return this.list(type).some((a) => memberId === undefined || a.memberId === memberId);
  }

  /** Raises an alarm; returns it (the one already raised, if it was). */
  activate(batch: WriteBatch, memberId: string, alarm: AlarmType): AlarmMember {
    const a: AlarmMember = { memberId, alarm };
    const known = this.raised.get(idOf(a));
    if (known) return known;
    this.raised.set(idOf(a), a);
    batch.put(keyOf(a), packr.pack(alarm));
    return a;
  }

  /** Disarms an alarm; returns it, or undefined when it was not raised. */
  deactivate(batch: WriteBatch, memberId: string, alarm: AlarmType): AlarmMember | undefined {
    const known = this.raised.get(idOf({ memberId, alarm }));
    if (!known) return undefined;
    this.raised.delete(idOf(known));
    batch.del(keyOf(known));
    return known;
  }

  /** As a snapshot carries them: [member, type] pairs. */
  entries(): [string, AlarmType][] {
    return this.list().map((a) => [a.memberId, a.alarm]);
  }

  /** Replaces every alarm with a snapshot's. */
  replace(batch: WriteBatch, entries: readonly (readonly [string, AlarmType])[]): void {
    for (const a of this.raised.values()) batch.del(keyOf(a));
    this.raised.clear();
    for (const [memberId, alarm] of entries) this.activate(batch, memberId, alarm);
  }
}

const idOf = (a: AlarmMember) => `${a.alarm}/${a.memberId}`;
