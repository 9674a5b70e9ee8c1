import type { KeyValue, KvEvent } from '../mvcc/index.js';

/** etcd's WatchCreateRequest, decoded. */
export interface WatchCreate {
  readonly key: Uint8Array;
  readonly rangeEnd: Uint8Array;
  /** Inclusive; 0 means "after the revision in the created response". */
  readonly startRevision: number;
  readonly progressNotify: boolean;
  readonly filters: readonly ('NOPUT' | 'NODELETE')[];
  readonly prevKv: boolean;
  /** 0 lets the server choose. */
  readonly watchId: number;
  readonly fragment: boolean;
}

export type WatchRequest = { readonly create: WatchCreate } | { readonly cancel: { readonly watchId: number } } | { readonly progress: true };

/** etcd's WatchResponse; `revision` is the header's revision (0: left out, as etcd does for compaction notices). */
export interface WatchResponse {
  readonly revision: number;
  readonly watchId: number;
  readonly created?: boolean;
  readonly canceled?: boolean;
  readonly compactRevision?: number;
  readonly cancelReason?: string;
  readonly fragment?: boolean;
  readonly events: readonly KvEvent[];
}

/** What a watch session reads: the store's history and the stream of applied events. */
export interface WatchSource {
  /** The revision of the last batch handed to subscribers: everything up to it is in history. */
  readonly revision: number;
  readonly compactedRevision: number;
  /** Events with from <= mod_revision <= to; throws etcd's Compacted error when history is gone. */
  eventsSince(key: Uint8Array, rangeEnd: Uint8Array | undefined, from: number, to: number): KvEvent[];
  /** The key's value just before `revision`, for prev_kv on replayed events. */
  valueBefore(key: Uint8Array, revision: number): KeyValue | undefined;
  /** Every applied batch's events, in revision order; returns the unsubscribe function. */
  subscribe(listener: (events: readonly KvEvent[], revision: number) => void): () => void;
}

/** Where a session's responses go: a gRPC stream or an HTTP response. */
export interface WatchSink {
  /** Sends one response; false when the transport's buffer is full (the session then waits for drain). */
  send(response: WatchResponse): boolean;
  onDrain(listener: () => void): void;
}
