/**
 * The watch check. For each watcher: its events are under its prefix, from its start revision on,
 * in increasing revision order with no (revision, key) twice, none older than a resume asked for;
 * each event agrees with the operations (a PUT's value was written to that key by a put or cas that
 * may have taken effect; a DELETE had a delete or a lease behind it); and nothing is missing: every
 * change some claim knows of (a write's result, a get's mod revision, another watcher's event, the
 * final state) under its prefix between its start and the revision it is known to have reached.
 * Across watchers, two events of the same key at the same revision agree.
 */
import type { History, RecordedWatchEvent, WatchRecord } from '../history.js';
import { findChangeConflicts, knownChanges, sourceText, type ChangeClaim } from './change-log.js';
import { resultOf, type CheckResult, type Violation } from './verdict.js';
import { type WriteIndex } from './write-index.js';

const changeId = (revision: number, key: string) => `${revision}\u0000${key}`;
const eventText = (e: RecordedWatchEvent) => `${e.type} ${JSON.stringify(e.key)}${e.type === 'PUT' ? `=${JSON.stringify(e.value)}` : ''} at revision ${e.modRevision}`;

/** The events the checker holds the watcher to: after a server cancel, only those before it. */
function eventsInForce(w: WatchRecord): readonly RecordedWatchEvent[] {
  const cancelledAt = w.cancelledAt?.at;
  return cancelledAt === undefined ? w.events : w.events.filter((e) => e.receivedAt <= cancelledAt);
}

/** The start revision of the stream an event arrived on: the watch's own, or the latest resume's before it. */
function streamStart(w: WatchRecord, receivedAt: number): number {
  let from = w.startRevision;
  for (const r of w.resumes) if (r.at <= receivedAt) from = r.fromRevision;
  return from;
}

/**
 * What may delete each key: the revisions of its ok deletes that deleted it, and whether something
 * may have deleted it at any revision (a delete with an unknown outcome, or a lease it was put with,
 * which deletes it when it expires or is revoked).
 */
function deletersByKey(history: History): Map<string, { readonly revisions: Set<number>; anyRevision: boolean }> {
  const byKey = new Map<string, { readonly revisions: Set<number>; anyRevision: boolean }>();
  for (const op of history.operations) {
    if (op.outcome.status === 'failed') continue;
    let entry = byKey.get(op.op.key);
    if (!entry) byKey.set(op.op.key, (entry = { revisions: new Set(), anyRevision: false }));
    const r = op.outcome.status === 'ok' ? op.outcome.result : undefined;
    if (op.op.type === 'delete' && !r) entry.anyRevision = true;
    if (r?.type === 'delete' && r.deleted > 0) entry.revisions.add(r.revision);
    if (op.op.type === 'put' && op.op.lease !== undefined) entry.anyRevision = true;
  }
  return byKey;
}

function unexplainedPut(writes: WriteIndex, e: RecordedWatchEvent): string | null {
  const writer = e.value === undefined ? undefined : writes.writerOf(e.value);
  if (!writer) return 'no operation wrote that value';
  if (writer.op.key !== e.key) return `the value was written to ${JSON.stringify(writer.op.key)} by #${writer.id}`;
  if (writer.outcome.status === 'failed') return `#${writer.id}, which wrote it, failed (${writer.outcome.error})`;
  if (writer.outcome.status === 'ok' && writer.outcome.result.type === 'cas' && !writer.outcome.result.succeeded) return `#${writer.id}, the cas that would have written it, did not succeed`;
  return null;
}

/** Order, duplicates, prefix, start revisions, and agreement with the operations, for one watcher. */
function checkEventStream(writes: WriteIndex, deleters: ReturnType<typeof deletersByKey>, w: WatchRecord): Violation[] {
  const violations: Violation[] = [];
  const seen = new Set<string>();
  let highest = -Infinity;
  const flag = (kind: string, e: RecordedWatchEvent, why: string) =>
    violations.push({ kind, watcher: w.watcher, key: e.key, revision: e.modRevision, message: `watcher ${w.watcher} (prefix ${JSON.stringify(w.prefix)}): ${eventText(e)} ${why}` });
  for (const e of eventsInForce(w)) {
    const id = changeId(e.modRevision, e.key);
    if (seen.has(id)) flag('watch-duplicate', e, 'was delivered twice');
    else if (e.modRevision < highest) flag('watch-out-of-order', e, `came after revision ${highest}`);
    else if (e.modRevision < streamStart(w, e.receivedAt)) flag('watch-before-start', e, `is older than the stream's start revision ${streamStart(w, e.receivedAt)}`);
    seen.add(id);
    highest = Math.max(highest, e.modRevision);
    if (!e.key.startsWith(w.prefix)) flag('watch-foreign-key', e, 'is outside the prefix');
    const deleter = deleters.get(e.key);
    const unexplained =
      e.type === 'PUT'
        ? unexplainedPut(writes, e)
        : deleter?.anyRevision || deleter?.revisions.has(e.modRevision)
          ? null
          : `no delete of the key at that revision (nor a lease on it)`;
    if (unexplained) flag('watch-unexplained-event', e, `matches no operation: ${unexplained}`);
  }
  return violations;
}

/** The changes under the watcher's prefix, up to the revision it is known to have reached, that it never delivered. */
function checkNoGaps(w: WatchRecord, changes: readonly ChangeClaim[]): Violation[] {
  const events = eventsInForce(w);
  const delivered = new Set(events.map((e) => changeId(e.modRevision, e.key)));
  const lastSeen = events.reduce((max, e) => Math.max(max, e.modRevision), -Infinity);
  const reached = w.cancelledAt === undefined && w.syncedRevision !== undefined ? Math.max(w.syncedRevision, lastSeen) : lastSeen;
  const violations: Violation[] = [];
  for (const c of changes) {
    if (c.revision < w.startRevision || c.revision > reached || !c.key.startsWith(w.prefix)) continue;
    if (delivered.has(changeId(c.revision, c.key))) continue;
    const resume = w.resumes.find((r) => r.fromRevision > c.revision && events.some((e) => e.receivedAt < r.at && e.modRevision < c.revision));
    violations.push({
      kind: 'watch-gap',
      watcher: w.watcher,
      key: c.key,
      revision: c.revision,
      message:
        `watcher ${w.watcher} (prefix ${JSON.stringify(w.prefix)}) never saw the ${c.type} of ${JSON.stringify(c.key)} at revision ${c.revision} ` +
        `(known from ${sourceText(c.source)}), though it reached revision ${reached}` +
        (resume ? `; its resume at ${Math.round(resume.at)} ms from revision ${resume.fromRevision} skipped it` : ''),
    });
  }
  return violations;
}

export function checkWatches(history: History, writes: WriteIndex, claims: readonly ChangeClaim[], maxViolations: number): CheckResult<{ readonly watchers: number; readonly events: number }> {
  const changes = knownChanges(claims);
  const violations: Violation[] = [];
  const deleters = deletersByKey(history);
  for (const w of history.watches) violations.push(...checkEventStream(writes, deleters, w), ...checkNoGaps(w, changes));
  const watchClaims = claims.filter((c) => c.source.kind === 'watch');
  for (const c of findChangeConflicts(watchClaims)) {
    violations.push({ kind: 'watch-disagreement', key: c.second.key, revision: c.second.revision, message: c.message });
  }
  const events = history.watches.reduce((n, w) => n + w.events.length, 0);
  // A watcher that never confirmed catching up could have lost any number of events at its tail
  // (or received none at all): that is not a pass.
  const unsynced = history.watches.filter((w) => w.cancelledAt === undefined && w.syncedRevision === undefined).map((w) => w.watcher);
  const summary =
    history.watches.length === 0
      ? 'no watchers recorded'
      : unsynced.length > 0
        ? `watcher(s) ${unsynced.join(', ')} never confirmed catching up with the final state: events lost at their tail cannot be ruled out (${events} events)`
        : `${history.watches.length} watchers, ${events} events: in order, complete, agreeing`;
  return resultOf('watch', violations, maxViolations, summary, { watchers: history.watches.length, events }, unsynced.length > 0 ? 'unknown' : 'ok');
}
