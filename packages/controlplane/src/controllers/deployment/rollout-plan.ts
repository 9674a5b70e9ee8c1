import { deepCopy } from '../../api/object.js';
import { Resources } from '../../client/rest/resource-ref.js';
import type { ReplicaSet } from '../framework/types.js';
import type { Write } from '../framework/writes.js';
import { DESIRED_REPLICAS_ANNOTATION, MAX_REPLICAS_ANNOTATION, REVISION_ANNOTATION } from './revisions.js';

/**
 * The ReplicaSets of one Deployment as a sync means to leave them: scaling and annotating edit a
 * working copy; writes() answers one update per ReplicaSet that changed (and the create of a new one).
 * Later steps of the sync read the planned replicas, as Kubernetes' do after each scale call.
 */
export class RolloutPlan {
  private readonly planned = new Map<string, ReplicaSet>();
  private readonly changed = new Set<string>();
  private created: ReplicaSet | undefined;

  constructor(
    replicaSets: readonly ReplicaSet[],
    private readonly desired: number,
    private readonly maxTotal: number,
  ) {
    for (const rs of replicaSets) this.planned.set(rs.metadata.name, rs);
  }

  get(rs: ReplicaSet): ReplicaSet {
    return this.planned.get(rs.metadata.name) ?? rs;
  }

  replicas(rs: ReplicaSet): number {
    return this.get(rs).spec.replicas ?? 0;
  }

  /** Adds a ReplicaSet to be created (its spec.replicas as given). */
  create(rs: ReplicaSet): void {
    this.created = rs;
    this.planned.set(rs.metadata.name, rs);
  }

  /** Sets spec.replicas, with the desired/max annotations a Deployment keeps on what it scales. */
  scale(rs: ReplicaSet, replicas: number): void {
    const current = this.get(rs);
    const annotations = { ...(current.metadata.annotations ?? {}), [DESIRED_REPLICAS_ANNOTATION]: String(this.desired), [MAX_REPLICAS_ANNOTATION]: String(this.maxTotal) };
    if ((current.spec.replicas ?? 0) === replicas && sameAnnotations(current.metadata.annotations, annotations)) return;
    this.put({ ...current, metadata: { ...current.metadata, annotations }, spec: { ...current.spec, replicas } });
  }

  setRevision(rs: ReplicaSet, revision: number): void {
    const current = this.get(rs);
    if (current.metadata.annotations?.[REVISION_ANNOTATION] === String(revision)) return;
    this.put({ ...current, metadata: { ...current.metadata, annotations: { ...(current.metadata.annotations ?? {}), [REVISION_ANNOTATION]: String(revision) } } });
  }

  all(): ReplicaSet[] {
    return [...this.planned.values()];
  }

  writes(): Write[] {
    const out: Write[] = [];
    if (this.created) out.push({ op: 'create', ref: Resources.replicasets, object: deepCopy(this.planned.get(this.created.metadata.name)!) });
    for (const name of this.changed) if (name !== this.created?.metadata.name) out.push({ op: 'update', ref: Resources.replicasets, object: this.planned.get(name)! });
    return out;
  }

  private put(rs: ReplicaSet): void {
    this.planned.set(rs.metadata.name, rs);
    this.changed.add(rs.metadata.name);
  }
}

function sameAnnotations(a: Record<string, string> | undefined, b: Record<string, string>): boolean {
  return Object.entries(b).every(([k, v]) => a?.[k] === v);
}
