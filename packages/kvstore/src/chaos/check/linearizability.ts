import type { History } from '../history.js';
import { partitionByKey, type KeyPartition } from './key-partitions.js';
import { searchLinearization, type SearchBudget } from './linearization-search.js';
import { describeOperation } from './operation-text.js';
import { INITIAL_STATE, step, whyNot, type RegisterState } from './register-model.js';
import { resultOf, type CheckResult, type LinearizabilityDetails, type LinearizabilityExplanation, type Violation } from './verdict.js';

const PREFIX_TAIL = 5;

function valueName(partition: KeyPartition): (id: number) => string {
  return (id) => {
    const v = partition.values[id];
    return v === null || v === undefined ? 'absent' : JSON.stringify(v);
  };
}

/**
 * Porcupine's partial linearization, made readable: replay the longest linearizable prefix, then
 * look at the op that returned first among the rest. It (or something invoked before its return)
 * had to come next; each such candidate is listed with the reason it does not fit.
 */
export function explainViolation(partition: KeyPartition, longestPrefix: readonly number[]): LinearizabilityExplanation {
  const { ops, sources } = partition;
  let state: RegisterState = INITIAL_STATE;
  for (const i of longestPrefix) state = step(ops[i], state) ?? state;
  const inPrefix = new Set(longestPrefix);
  const rest = ops.filter((op) => !inPrefix.has(op.index));
  const must = rest.reduce((a, b) => (b.ret < a.ret || (b.ret === a.ret && b.call < a.call) ? b : a));
  const name = valueName(partition);
  const candidates = rest
    .filter((op) => op.call <= must.ret)
    .sort((a, b) => a.call - b.call)
    .map((op) => ({
      operation: op.id,
      text: describeOperation(sources[op.index]),
      reason: whyNot(op, state, name) ?? 'it fits here, but no order of the others works after it',
    }));
  return {
    operationCount: ops.length,
    longestPrefix: longestPrefix.map((i) => ops[i].id),
    valueAfterPrefix: partition.values[state.value] ?? null,
    mustTakeEffect: must.id,
    candidates,
    prefixTail: longestPrefix.slice(-PREFIX_TAIL).map((i) => describeOperation(sources[i])),
  };
}

function violationOf(partition: KeyPartition, longestPrefix: readonly number[]): Violation {
  const explanation = explainViolation(partition, longestPrefix);
  const must = explanation.candidates.find((c) => c.operation === explanation.mustTakeEffect);
  const held = explanation.valueAfterPrefix === null ? 'absent' : JSON.stringify(explanation.valueAfterPrefix);
  return {
    kind: 'not-linearizable',
    key: partition.key,
    message:
      `key ${JSON.stringify(partition.key)}: no linearization of its ${explanation.operationCount} ops; ` +
      `the longest linearizable prefix has ${explanation.longestPrefix.length} (register then ${held}); ` +
      `${must?.text ?? `#${explanation.mustTakeEffect}`} had to take effect by its return: ${must?.reason ?? 'it does not fit'}`,
    operations: explanation.candidates.map((c) => c.operation),
    explanation,
  };
}

/**
 * Checks that the linearizable ops of the history are linearizable, key by key, each key with its
 * own step budget. Keys whose search ran out of budget make the result `unknown` (unless another
 * key is a violation).
 */
export function checkLinearizability(history: History, budget: SearchBudget, maxViolations: number): CheckResult<LinearizabilityDetails> {
  const violations: Violation[] = [];
  const unknownKeys: string[] = [];
  let steps = 0;
  let states = 0;
  let operations = 0;
  const partitions = partitionByKey(history);
  for (const partition of partitions) {
    operations += partition.ops.length;
    const search = searchLinearization(partition.ops, budget);
    steps += search.steps;
    states += search.states;
    if (search.result === 'not-linearizable') violations.push(violationOf(partition, search.order));
    if (search.result === 'unknown') unknownKeys.push(partition.key);
  }
  const details = { keys: partitions.length, operations, steps, states, unknownKeys };
  const clean =
    unknownKeys.length > 0
      ? `undecided for ${unknownKeys.length} key(s) after ${budget.maxSteps} steps each: ${unknownKeys.slice(0, 5).join(', ')}`
      : `${operations} ops on ${partitions.length} keys linearizable (${states} states)`;
  return resultOf('linearizability', violations, maxViolations, clean, details, unknownKeys.length > 0 ? 'unknown' : 'ok');
}
