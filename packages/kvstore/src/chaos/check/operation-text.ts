import type { HistoryOperation, KvOperation, Outcome } from '../history.js';

const quote = (v: string | null) => (v === null ? 'absent' : JSON.stringify(v));
const ms = (t: number) => (Number.isFinite(t) ? `${Math.round(t * 10) / 10}` : '∞');

function requestText(op: KvOperation): string {
  switch (op.type) {
    case 'put':
      return `put ${quote(op.value)}${op.lease ? ` lease ${op.lease}` : ''}`;
    case 'get':
      return op.serializable ? 'get (serializable)' : 'get';
    case 'delete':
      return 'delete';
    case 'cas':
      return `cas ${quote(op.expected)} → ${quote(op.value)}`;
  }
}

function outcomeText(outcome: Outcome): string {
  if (outcome.status !== 'ok') return `${outcome.status} (${outcome.error})`;
  const r = outcome.result;
  switch (r.type) {
    case 'put':
      return `ok rev ${r.revision}`;
    case 'get':
      return r.value === null ? `→ absent (rev ${r.revision})` : `→ ${quote(r.value)} mod ${r.modRevision} (rev ${r.revision})`;
    case 'delete':
      return `deleted ${r.deleted} rev ${r.revision}`;
    case 'cas':
      return `${r.succeeded ? 'succeeded' : 'not succeeded'} rev ${r.revision}`;
  }
}

/** One line for a report: `#12 c3 put "v12" [10.2, 11.5 ms] ok rev 7`. */
export function describeOperation(op: HistoryOperation, returnedAt = op.returnedAt): string {
  return `#${op.id} c${op.client} ${requestText(op.op)} [${ms(op.invokedAt)}, ${ms(returnedAt)} ms] ${outcomeText(op.outcome)}`;
}

export { quote as quoteValue };
