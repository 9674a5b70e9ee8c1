/** The kvstore client: etcd's v3 API over the JSON gateway. Imports nothing of the server. */
export { KvClient, type ClientOptions, type GetOptions, type WatchOptions, type Watch } from './kv-client.js';
export { EtcdClientError, type KeyValue, type Header, type WatchEvent, type Member } from './types.js';
export { prefixEnd } from './wire.js';
