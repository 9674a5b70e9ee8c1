import { join } from 'node:path';

/**
 * Where a pod's files live under the kubelet's root dir:
 * pods/<namespace>_<name>_<uid>/<container>/<attempt>.log (and .pid while it runs).
 */
export function podDir(rootDir: string, namespace: string, name: string, uid: string): string {
  return join(rootDir, 'pods', `${namespace}_${name}_${uid}`);
}

export function containerLogPath(rootDir: string, namespace: string, name: string, uid: string, container: string, attempt: number): string {
  return join(podDir(rootDir, namespace, name, uid), container, `${attempt}.log`);
}

export function containerPidPath(rootDir: string, namespace: string, name: string, uid: string, container: string, attempt: number): string {
  return join(podDir(rootDir, namespace, name, uid), container, `${attempt}.pid`);
}
