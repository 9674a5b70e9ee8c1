import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Member } from '../server/member.js';

/** Powers of two from `start` seconds, as etcd's histograms use. */
const exponential = (start: number, count: number) => Array.from({ length: count }, (_, i) => start * 2 ** i);

/**
 * A member's Prometheus metrics under etcd's names. Gauges read the member's state at
 * scrape time; counters and histograms are fed as things happen.
 */
export class MemberMetrics {
  readonly registry = new Registry();
  readonly proposalsFailed: Counter;
  readonly watchers: Gauge;
  readonly watchStreams: Gauge;
  readonly slowWatchers: Gauge;
  readonly slowApplies: Counter;

  constructor(member: Member) {
    const r = this.registry;
    collectDefaultMetrics({ register: r });
    // Gauges named *_total break Prometheus' naming rules (promtool says so); etcd's own are kept for their names.
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) r.removeSingleMetric(name);
    const raft = member.raft;
    new Gauge({ name: 'etcd_server_has_leader', help: 'Whether or not a leader exists. 1 is existence, 0 is not.', registers: [r], collect() { this.set(member.hasLeader ? 1 : 0); } });
    new Gauge({ name: 'etcd_server_is_leader', help: 'Whether or not this member is a leader. 1 if is, 0 otherwise.', registers: [r], collect() { this.set(raft.isLeader ? 1 : 0); } });
    new Gauge({ name: 'etcd_server_is_learner', help: 'Whether or not this member is a learner. 1 if is, 0 otherwise.', registers: [r], collect() { this.set(member.status().isLearner ? 1 : 0); } });
    new Counter({ name: 'etcd_server_leader_changes_seen_total', help: 'The number of leader changes seen.', registers: [r], collect() { this.reset(); this.inc(raft.metrics.leaderChanges); } });
    new Counter({ name: 'etcd_server_proposals_committed_total', help: 'The total number of consensus proposals committed.', registers: [r], collect() { this.reset(); this.inc(raft.status().commit); } });
    new Counter({ name: 'etcd_server_proposals_applied_total', help: 'The total number of consensus proposals applied.', registers: [r], collect() { this.reset(); this.inc(raft.status().applied); } });
    new Gauge({ name: 'etcd_server_proposals_pending', help: 'The current number of pending proposals to commit.', registers: [r], collect() { const s = raft.status(); this.set(Math.max(0, s.lastIndex - s.commit)); } });
    this.proposalsFailed = new Counter({ name: 'etcd_server_proposals_failed_total', help: 'The total number of failed proposals seen.', registers: [r] });
    this.slowApplies = new Counter({ name: 'etcd_server_slow_apply_total', help: 'The total number of slow apply requests (likely overloaded from slow disk).', registers: [r] });
    new Gauge({ name: 'etcd_server_id', help: 'Server or member ID in hexadecimal format. 1 for \'server_id\' label with current ID.', labelNames: ['server_id'], registers: [r], collect() { this.set({ server_id: member.id }, 1); } });
    new Gauge({ name: 'etcd_server_version', help: 'Which version is running. 1 for \'server_version\' label with current version.', labelNames: ['server_version'], registers: [r], collect() { this.set({ server_version: member.status().version }, 1); } });
    new Gauge({ name: 'etcd_mvcc_db_total_size_in_bytes', help: 'Total size of the underlying database physically allocated in bytes.', registers: [r], collect() { this.set(member.mvcc.sizeBytes); } });
    new Gauge({ name: 'etcd_debugging_mvcc_keys_total', help: 'Total number of keys.', registers: [r], collect() { this.set(member.mvcc.keyCount); } });
    new Gauge({ name: 'etcd_debugging_mvcc_current_revision', help: 'The current revision of store.', registers: [r], collect() { this.set(member.mvcc.currentRevision); } });
    new Gauge({ name: 'etcd_debugging_mvcc_compact_revision', help: 'The revision of the last compaction in store.', registers: [r], collect() { this.set(member.mvcc.compactedRevision); } });
    this.watchers = new Gauge({ name: 'etcd_debugging_mvcc_watcher_total', help: 'Total number of watchers.', registers: [r] });
    this.watchStreams = new Gauge({ name: 'etcd_debugging_mvcc_watch_stream_total', help: 'Total number of watch streams.', registers: [r] });
    this.slowWatchers = new Gauge({ name: 'etcd_debugging_mvcc_slow_watcher_total', help: 'Total number of unsynced slow watchers.', registers: [r] });
    new Gauge({ name: 'etcd_server_quota_backend_bytes', help: 'Current backend storage quota size in bytes.', registers: [r], collect() { this.set(member.config.quotaBackendBytes > 0 ? member.config.quotaBackendBytes : 2 * 1024 ** 3); } });
    const fsync = new Histogram({ name: 'etcd_disk_wal_fsync_duration_seconds', help: 'The latency distributions of fsync called by WAL.', buckets: exponential(0.001, 14), registers: [r] });
    const commit = new Histogram({ name: 'etcd_disk_backend_commit_duration_seconds', help: 'The latency distributions of commit called by backend.', buckets: exponential(0.001, 14), registers: [r] });
    raft.metrics.onPersist((ms, _entries, synced) => {
      commit.observe(ms / 1000);
      if (synced) fsync.observe(ms / 1000);
    });
    const rtt = new Histogram({ name: 'etcd_network_peer_round_trip_time_seconds', help: 'Round-Trip-Time histogram between peers', labelNames: ['To'], buckets: exponential(0.0001, 16), registers: [r] });
    member.transport.onRoundTrip((peer, ms) => rtt.observe({ To: peer }, ms / 1000));
    new Counter({ name: 'etcd_network_peer_sent_failures_total', help: 'The total number of send failures from peers.', registers: [r], collect() { this.reset(); this.inc(member.transport.stats.sendFailures); } });
  }
}
