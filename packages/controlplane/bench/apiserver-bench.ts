/**
 * `npm run bench -w @flotilla/controlplane`: list and watch throughput of the apiserver with
 * 10,000 pods stored on a three-member kvstore. Prints the figures and writes them to
 * bench-results/apiserver-bench.json (gitignored). Options: --pods N, --watchers N,
 * --updates N, --out FILE.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { TestControlPlane } from '../test/support/control-plane.js';

const { values } = parseArgs({
  options: {
    pods: { type: 'string', default: '10000' },
    watchers: { type: 'string', default: '10' },
    updates: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '32' },
    out: { type: 'string', default: 'bench-results/apiserver-bench.json' },
  },
});
const PODS = Number(values.pods);
const WATCHERS = Number(values.watchers);
const UPDATES = Number(values.updates);
const CONCURRENCY = Number(values.concurrency);
const NS = 'bench';

const pod = (i: number) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: `pod-${String(i).padStart(5, '0')}`, labels: { app: `app-${i % 10}` } },
  spec: { nodeName: `node-${i % 100}`, containers: [{ name: 'c', image: 'registry.local/app:1' }] },
});

/** Runs `count` tasks with `concurrency` in flight; resolves with the elapsed seconds. */
async function inParallel(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<number> {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
  return (performance.now() - started) / 1000;
}

async function timed(times: number, fn: () => Promise<void>): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < times; i++) await fn();
  return (performance.now() - started) / 1000;
}

const rate = (n: number, seconds: number) => Math.round(n / seconds);

async function main(): Promise<void> {
  process.stdout.write(`starting a 3-member kvstore and the apiserver...\n`);
  const cp = await TestControlPlane.start({ watchCacheCapacity: Math.max(10_000, UPDATES * 2) });
  try {
    const ns = await cp.http('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    if (ns.status !== 201) throw new Error(`namespace: ${ns.text}`);
    const base = `/api/v1/namespaces/${NS}/pods`;

    const createSeconds = await inParallel(PODS, CONCURRENCY, async (i) => {
      const r = await cp.http('POST', base, pod(i));
      if (r.status !== 201) throw new Error(`create pod ${i}: ${r.status} ${r.text.slice(0, 200)}`);
    });
    process.stdout.write(`created ${PODS} pods in ${createSeconds.toFixed(1)} s: ${rate(PODS, createSeconds)} creates/s (concurrency ${CONCURRENCY})\n`);

    const count = async (path: string) => {
      const r = await cp.http('GET', path);
      if (r.status !== 200 || r.body.items.length !== PODS) throw new Error(`list ${path}: ${r.status}, ${r.body?.items?.length} items`);
    };
    await count(`${base}?resourceVersion=0`);
    const cachedLists = 20;
    const cachedSeconds = await timed(cachedLists, () => count(`${base}?resourceVersion=0`));
    const storeLists = 5;
    const storeSeconds = await timed(storeLists, () => count(base));
    let pagedItems = 0;
    const pagedSeconds = await timed(3, async () => {
      let next = '';
      do {
        const r = await cp.http('GET', `${base}?limit=500${next ? `&continue=${encodeURIComponent(next)}` : ''}`);
        pagedItems += r.body.items.length;
        next = r.body.metadata.continue ?? '';
      } while (next);
    });
    const selectorSeconds = await timed(20, async () => {
      const r = await cp.http('GET', `${base}?resourceVersion=0&labelSelector=app%3Dapp-3&fieldSelector=spec.nodeName%3Dnode-3`);
      if (r.body.items.length !== PODS / 100) throw new Error(`selector list: ${r.body.items.length}`);
    });
    const lists = {
      watchCache: { lists: cachedLists, seconds: cachedSeconds, listsPerSecond: cachedLists / cachedSeconds, podsPerSecond: rate(cachedLists * PODS, cachedSeconds) },
      store: { lists: storeLists, seconds: storeSeconds, listsPerSecond: storeLists / storeSeconds, podsPerSecond: rate(storeLists * PODS, storeSeconds) },
      storePagedBy500: { items: pagedItems, seconds: pagedSeconds, podsPerSecond: rate(pagedItems, pagedSeconds) },
      selectorsFromCache: { lists: 20, seconds: selectorSeconds, listsPerSecond: 20 / selectorSeconds },
    };
    process.stdout.write(`list ${PODS} pods from the watch cache (resourceVersion=0): ${lists.watchCache.listsPerSecond.toFixed(2)} lists/s, ${lists.watchCache.podsPerSecond} pods/s\n`);
    process.stdout.write(`list ${PODS} pods from the store (consistent read): ${lists.store.listsPerSecond.toFixed(2)} lists/s, ${lists.store.podsPerSecond} pods/s\n`);
    process.stdout.write(`list ${PODS} pods in pages of 500: ${lists.storePagedBy500.podsPerSecond} pods/s\n`);
    process.stdout.write(`list with label and field selectors (100 of ${PODS}): ${lists.selectorsFromCache.listsPerSecond.toFixed(1)} lists/s\n`);

    // Watchers follow the pods from now; each update must reach every one of them.
    const start = (await cp.http('GET', `${base}?limit=1`)).body.metadata.resourceVersion;
    let received = 0;
    const total = UPDATES * WATCHERS;
    let allReceived: () => void = () => undefined;
    const done = new Promise<void>((r) => (allReceived = r));
    const watches = Array.from({ length: WATCHERS }, () =>
      cp.watch(`${base}?watch=true&resourceVersion=${start}`, (e) => {
        if (e.type === 'MODIFIED' && ++received === total) allReceived();
      }),
    );
    const watchStarted = performance.now();
    const updateSeconds = await inParallel(UPDATES, CONCURRENCY, async (i) => {
      const r = await cp.http('PATCH', `${base}/${pod(i % PODS).metadata.name}/status`, { status: { phase: 'Running', podIP: `10.244.${(i >> 8) & 255}.${i & 255}` } }, { 'content-type': 'application/merge-patch+json' });
      if (r.status !== 200) throw new Error(`status patch ${i}: ${r.status} ${r.text.slice(0, 200)}`);
    });
    await done;
    const watchSeconds = (performance.now() - watchStarted) / 1000;
    for (const w of watches) w.abort();
    await Promise.all(watches.map((w) => w.done));
    const watch = {
      watchers: WATCHERS,
      updates: UPDATES,
      updateSeconds,
      updatesPerSecond: rate(UPDATES, updateSeconds),
      eventsDelivered: total,
      seconds: watchSeconds,
      eventsPerSecond: rate(total, watchSeconds),
    };
    process.stdout.write(`watch: ${UPDATES} status updates (${watch.updatesPerSecond}/s) reached ${WATCHERS} watchers: ${total} events in ${watchSeconds.toFixed(1)} s, ${watch.eventsPerSecond} events/s\n`);

    const metrics = (await cp.http('GET', '/metrics')).text;
    const stored = /^apiserver_storage_objects\{resource="pods"\} (\d+)/m.exec(metrics)?.[1];
    const out = resolve(values.out!);
    await mkdir(dirname(out), { recursive: true });
    const result = { bench: 'apiserver', date: new Date().toISOString(), pods: PODS, storedPodsMetric: Number(stored), create: { seconds: createSeconds, perSecond: rate(PODS, createSeconds), concurrency: CONCURRENCY }, lists, watch };
    await writeFile(out, JSON.stringify(result, null, 2) + '\n');
    process.stdout.write(`wrote ${out}\n`);
  } finally {
    await cp.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`apiserver bench: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exitCode = 1;
});
