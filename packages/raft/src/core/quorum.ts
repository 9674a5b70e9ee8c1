/**
 * Majority arithmetic. Only voters count; learners never do.
 */

export type VoteResult = 'won' | 'lost' | 'pending';

/** The highest index that a majority of voters have matched. */
export function committedIndex(voters: readonly string[], match: (id: string) => number): number {
  if (voters.length === 0) return Infinity; // no voters: nothing to wait for (callers clamp)
  const m = voters.map(match).sort((a, b) => b - a);
  return m[Math.floor(voters.length / 2)];
}

/** The outcome of an election given the votes received so far. */
export function voteResult(voters: readonly string[], votes: ReadonlyMap<string, boolean>): VoteResult {
  const need = Math.floor(voters.length / 2) + 1;
  let granted = 0;
  let missing = 0;
  for (const id of voters) {
    const v = votes.get(id);
    if (v === undefined) missing++;
    else if (v) granted++;
  }
  if (granted >= need) return 'won';
  if (granted + missing >= need) return 'pending';
  return 'lost';
}

/** Whether `acked` holds a majority of `voters`. */
export function hasQuorum(voters: readonly string[], acked: (id: string) => boolean): boolean {
  let n = 0;
  for (const id of voters) if (acked(id)) n++;
  return n > voters.length / 2;
}
