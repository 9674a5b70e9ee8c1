import type { Json } from '../target.js';
import { hdr, kv, type ParityCase } from '../parity-case.js';
import { eventCount, Scope } from '../scope.js';

const atLeast = (n: number) => (lines: readonly Record<string, any>[]) => eventCount(lines) >= n;
const result = (r: Json): Json => ({ result: r });
const created = (delta: number) => result({ header: hdr(delta), created: true });
const events = (delta: number, ...evs: Json[]) => result({ header: hdr(delta), events: evs });
/** A DELETE event's kv: the key and the deleting revision, every other field zero and omitted. */
const tombstone = (key: string, delta: number): Json => ({ key, mod_revision: `r+${delta}` });

/** Watch over the JSON gateway: POST /v3/watch with one create_request, lines of results back. */
export const watchCases: readonly ParityCase[] = [
  {
    name: 'a watch from a past start_revision replays history, then streams live events',
    async run(t) {
      const s = await Scope.open(t, 'parity/watch-history/');
      await s.put('a', '1');
      await s.put('b', '1');
      await s.put('a', '2');
      return s.watch(
        { create_request: { key: s.k(''), range_end: s.end, start_revision: s.rev(2) } },
        {
          ready: atLeast(2),
          act: async () => {
            await s.put('c', '1');
            await s.call('/v3/kv/deleterange', { key: s.k('b') });
          },
          until: atLeast(4),
        },
      );
    },
    expected: {
      http: 200,
      lines: [
        created(3),
        events(3, { kv: kv('b', '1', { c: 2, m: 2, v: 1 }) }, { kv: kv('a', '2', { c: 1, m: 3, v: 2 }) }),
        events(4, { kv: kv('c', '1', { c: 4, m: 4, v: 1 }) }),
        events(5, { type: 'DELETE', kv: tombstone('b', 5) }),
      ],
    },
  },
  {
    name: 'prev_kv adds the previous version to updates and deletes, live and from history',
    async run(t) {
      const s = await Scope.open(t, 'parity/watch-prev/');
      await s.put('a', '1');
      const live = await s.watch(
        { create_request: { key: s.k('a'), prev_kv: true } },
        {
          act: async () => {
            await s.put('a', '2');
            await s.call('/v3/kv/deleterange', { key: s.k('a') });
            await s.put('a', '3');
          },
          until: atLeast(3),
        },
      );
      const history = await s.watch({ create_request: { key: s.k('a'), start_revision: s.rev(1), prev_kv: true } }, { until: atLeast(4) });
      return { live, history };
    },
    expected: {
      live: {
        http: 200,
        lines: [
          created(1),
          events(2, { kv: kv('a', '2', { c: 1, m: 2, v: 2 }), prev_kv: kv('a', '1', { c: 1, m: 1, v: 1 }) }),
          events(3, { type: 'DELETE', kv: tombstone('a', 3), prev_kv: kv('a', '2', { c: 1, m: 2, v: 2 }) }),
          events(4, { kv: kv('a', '3', { c: 4, m: 4, v: 1 }) }),
        ],
      },
      history: {
        http: 200,
        lines: [
          created(4),
          events(
            4,
            { kv: kv('a', '1', { c: 1, m: 1, v: 1 }) },
            { kv: kv('a', '2', { c: 1, m: 2, v: 2 }), prev_kv: kv('a', '1', { c: 1, m: 1, v: 1 }) },
            { type: 'DELETE', kv: tombstone('a', 3), prev_kv: kv('a', '2', { c: 1, m: 2, v: 2 }) },
            { kv: kv('a', '3', { c: 4, m: 4, v: 1 }) },
          ),
        ],
      },
    },
  },
  {
    name: 'filters drop PUT (NOPUT) or DELETE (NODELETE) events on the server',
    async run(t) {
      const s = await Scope.open(t, 'parity/watch-filter/');
      const noPut = await s.watch(
        { create_request: { key: s.k(''), range_end: s.end, filters: ['NOPUT'] } },
        {
          act: async () => {
            await s.put('x', '1');
            await s.put('y', '1');
            await s.call('/v3/kv/deleterange', { key: s.k('x') });
          },
          until: atLeast(1),
        },
      );
      const noDelete = await s.watch(
        { create_request: { key: s.k(''), range_end: s.end, start_revision: s.rev(1), filters: [1] } },
        { ready: atLeast(2), act: () => s.put('z', '1'), until: atLeast(3) },
      );
      return { noPut, noDelete };
    },
    expected: {
      noPut: { http: 200, lines: [created(0), events(3, { type: 'DELETE', kv: tombstone('x', 3) })] },
      noDelete: {
        http: 200,
        lines: [
          created(3),
          events(3, { kv: kv('x', '1', { c: 1, m: 1, v: 1 }) }, { kv: kv('y', '1', { c: 2, m: 2, v: 1 }) }),
          events(4, { kv: kv('z', '1', { c: 4, m: 4, v: 1 }) }),
        ],
      },
    },
  },
  {
    name: 'a watch that starts below the compacted revision is canceled with compact_revision',
    async run(t) {
      const s = await Scope.open(t, 'parity/watch-compacted/');
      for (const v of ['1', '2', '3']) await s.put('a', v);
      await s.call('/v3/kv/compaction', { revision: s.rev(2) });
      const watch = (startRevision: string, extra: Record<string, unknown> = {}) =>
        s.watch({ create_request: { key: s.k('a'), start_revision: startRevision, ...extra } }, { until: (ls) => ls.length >= 2 });
      return {
        below: await watch(s.rev(1)),
        atCompactedWithPrevKv: await s.watch(
          { create_request: { key: s.k('a'), start_revision: s.rev(2), prev_kv: true } },
          { until: atLeast(2) },
        ),
        // 3.4 has no special case for a negative start: it is below any compacted revision.
        negative: await watch('-1'),
      };
    },
    expected: {
      below: { http: 200, lines: [created(3), result({ header: {}, canceled: true, compact_revision: 'r+2' })] },
      atCompactedWithPrevKv: {
        http: 200,
        lines: [
          created(3),
          events(3, { kv: kv('a', '2', { c: 1, m: 2, v: 2 }) }, { kv: kv('a', '3', { c: 1, m: 3, v: 3 }), prev_kv: kv('a', '2', { c: 1, m: 2, v: 2 }) }),
        ],
      },
      negative: { http: 200, lines: [created(3), result({ header: {}, canceled: true, compact_revision: 'r+2' })] },
    },
  },
];
