import type { Message } from '../../src/core/index.js';

/**
 * The record of one run. Every event is folded into a digest (FNV-1a), so two runs of
 * a seed can be compared cheaply, and is printed when a sink is given (`--trace`).
 */
export class Trace {
  private hash = 0x811c9dc5;

  constructor(private readonly sink?: (line: string) => void) {}

  event(now: number, text: string): void {
    let h = this.hash;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    h ^= now;
    this.hash = Math.imul(h, 0x01000193);
    this.sink?.(`[${now}] ${text}`);
  }

  digest(): string {
    return (this.hash >>> 0).toString(16).padStart(8, '0');
  }
}

/** A one-line summary of a message: enough to follow a run in a trace. */
export function describeMessage(m: Message): string {
  const head = `${m.from}>${m.to} ${m.type} t${m.term}`;
  switch (m.type) {
    case 'app':
      return `${head} prev ${m.index}/${m.logTerm} +${m.entries.length}${m.entries.length > 0 ? `(${m.entries[0].index}..${m.entries[m.entries.length - 1].index})` : ''} commit ${m.commit}`;
    case 'appResp':
      return `${head} ${m.reject ? `reject ${m.index} hint ${m.rejectHint}/${m.logTerm}` : `ok ${m.index}`}`;
    case 'vote':
    case 'preVote':
      return `${head} last ${m.index}/${m.logTerm}${m.transfer ? ' transfer' : ''}`;
    case 'voteResp':
    case 'preVoteResp':
      return `${head} ${m.reject ? 'reject' : 'grant'}`;
    case 'snap': {
      const { index, term, confState } = m.snapshot.metadata;
      return `${head} at ${index}/${term} voters ${confState.voters.join(',')} learners ${confState.learners.join(',')}`;
    }
    case 'heartbeat':
      return `${head} commit ${m.commit}${m.context ? ` ctx ${m.context}` : ''}`;
    case 'heartbeatResp':
      return `${head}${m.context ? ` ctx ${m.context}` : ''}`;
    case 'prop':
      return `${head} +${m.entries.length}`;
    case 'transferLeader':
      return `${head} to ${m.transferee}`;
    case 'readIndex':
      return `${head} ctx ${m.context}`;
    case 'readIndexResp':
      return `${head} ctx ${m.context} index ${m.index}`;
    case 'timeoutNow':
      return head;
  }
}
