/** mvccpb.KeyValue. Revisions and versions are numbers (they stay far below 2^53); lease IDs are int64. */
export interface KeyValue {
  readonly key: Uint8Array;
  readonly createRevision: number;
  readonly modRevision: number;
  readonly version: number;
  readonly value: Uint8Array;
  readonly lease: bigint;
}

export type EventType = 'PUT' | 'DELETE';

/** mvccpb.Event: a DELETE carries the key with the deletion's mod revision, version 0 and no value. */
export interface KvEvent {
  readonly type: EventType;
  readonly kv: KeyValue;
  readonly prevKv?: KeyValue;
}

export enum SortOrder {
  NONE = 0,
  ASCEND = 1,
  DESCEND = 2,
}

export enum SortTarget {
  KEY = 0,
  VERSION = 1,
  CREATE = 2,
  MOD = 3,
  VALUE = 4,
}

export interface RangeRequest {
  readonly key: Uint8Array;
  /** Empty: the key alone; one zero byte: every key >= key; otherwise [key, rangeEnd). */
  readonly rangeEnd?: Uint8Array;
  readonly limit?: number;
  /** <= 0: the current revision. */
  readonly revision?: number;
  readonly sortOrder?: SortOrder;
  readonly sortTarget?: SortTarget;
  readonly serializable?: boolean;
  readonly keysOnly?: boolean;
  readonly countOnly?: boolean;
  readonly minModRevision?: number;
  readonly maxModRevision?: number;
  readonly minCreateRevision?: number;
  readonly maxCreateRevision?: number;
}

export interface RangeResult {
  readonly kvs: KeyValue[];
  readonly more: boolean;
  readonly count: number;
  /** The store's revision when the range was served. */
  readonly revision: number;
}

export interface PutRequest {
  readonly key: Uint8Array;
  readonly value?: Uint8Array;
  readonly lease?: bigint;
  readonly prevKv?: boolean;
  readonly ignoreValue?: boolean;
  readonly ignoreLease?: boolean;
}

export interface PutResult {
  readonly revision: number;
  readonly prevKv?: KeyValue;
}

export interface DeleteRangeRequest {
  readonly key: Uint8Array;
  readonly rangeEnd?: Uint8Array;
  readonly prevKv?: boolean;
}

export interface DeleteRangeResult {
  readonly revision: number;
  readonly deleted: number;
  readonly prevKvs: KeyValue[];
}

export enum CompareResult {
  EQUAL = 0,
  GREATER = 1,
  LESS = 2,
  NOT_EQUAL = 3,
}

export enum CompareTarget {
  VERSION = 0,
  CREATE = 1,
  MOD = 2,
  VALUE = 3,
  LEASE = 4,
}

export interface Compare {
  readonly result: CompareResult;
  readonly target: CompareTarget;
  readonly key: Uint8Array;
  readonly rangeEnd?: Uint8Array;
  /** The operand for the target: a number for VERSION/CREATE/MOD, bytes for VALUE, a lease ID for LEASE. */
  readonly version?: number;
  readonly createRevision?: number;
  readonly modRevision?: number;
  readonly value?: Uint8Array;
  readonly lease?: bigint;
}

export type RequestOp =
  | { readonly requestRange: RangeRequest }
  | { readonly requestPut: PutRequest }
  | { readonly requestDeleteRange: DeleteRangeRequest }
  | { readonly requestTxn: TxnRequest };

export type ResponseOp =
  | { readonly responseRange: RangeResult }
  | { readonly responsePut: PutResult }
  | { readonly responseDeleteRange: DeleteRangeResult }
  | { readonly responseTxn: TxnResult };

export interface TxnRequest {
  readonly compare?: readonly Compare[];
  readonly success?: readonly RequestOp[];
  readonly failure?: readonly RequestOp[];
}

export interface TxnResult {
  readonly revision: number;
  readonly succeeded: boolean;
  readonly responses: ResponseOp[];
}

/** Where the store's writes go: the batch the server commits with the applied Raft index. */
export interface WriteBatch {
  put(key: Uint8Array, value: Uint8Array): void;
  del(key: Uint8Array): void;
}
