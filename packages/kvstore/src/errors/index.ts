export { EtcdError, ETCD_ERRORS, type EtcdErrorName } from './etcd-error.js';
export { GrpcCode, httpStatusOf } from './grpc-status.js';
