import { rel } from './normalise.js';
import type { Json, Target } from './target.js';

/**
 * One semantic check, run unchanged against kvstore and against etcd 3.4. `run` returns the
 * normalised outcome; `expected` is etcd 3.4's answer written down, so the case still proves
 * something where etcd is not installed.
 */
export interface ParityCase {
  /** Reads as a specification: what etcd does. */
  readonly name: string;
  readonly run: (target: Target) => Promise<Json>;
  readonly expected: Json;
}

/** A normalised response header: only the revision survives, relative to the case start. */
export const hdr = (delta: number): Json => ({ revision: rel(delta) });

export interface KvShape {
  /** create_revision, relative. */
  readonly c: number;
  /** mod_revision, relative. */
  readonly m: number;
  /** version. */
  readonly v: number;
  /** Stable lease name, e.g. `lease#1`. */
  readonly lease?: string;
}

/** A normalised mvccpb.KeyValue; an empty value is omitted on the wire, as proto3 JSON does. */
export function kv(key: string, value: string | undefined, s: KvShape): Json {
  const out: { [k: string]: Json } = { key, create_revision: rel(s.c), mod_revision: rel(s.m), version: String(s.v) };
  if (value) out.value = value;
  if (s.lease) out.lease = s.lease;
  return out;
}

/** The v1 gateway's unary error body with its HTTP status. */
export const err = (http: number, code: number, message: string): Json => ({ http, error: message, code, message });

/** gRPC codes the cases meet, named as in google.golang.org/grpc/codes. */
export const Code = { Unknown: 2, InvalidArgument: 3, NotFound: 5, ResourceExhausted: 8, FailedPrecondition: 9, OutOfRange: 11 } as const;
