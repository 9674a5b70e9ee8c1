import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../apiserver/log.js';
import { containerLogPath } from '../pod/log-layout.js';
import type { PodWorker } from '../pod/pod-worker.js';
import { streamContainerLog } from './container-log-stream.js';
import { LogQueryError, parseLogQuery } from './log-query.js';

type Json = Record<string, any>;

/** What the server reads from the kubelet. */
export interface KubeletView {
  readonly rootDir: string;
  readonly logger: Logger;
  workers(): PodWorker[];
}

/** A plain-text failure, as the kubelet answers its own endpoints (the apiserver passes the text on). */
class HttpFailure extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

function sendText(res: ServerResponse, code: number, text: string, contentType = 'text/plain; charset=utf-8'): void {
  res.writeHead(code, { 'content-type': contentType });
  res.end(text);
}

/** Which log file a request means: the container's current (or last) run, or with previous the run before. */
function logFile(view: KubeletView, namespace: string, podName: string, containerName: string, previous: boolean): { path: string; live: () => boolean } {
  const worker = view.workers().find((w) => w.current.metadata.namespace === namespace && w.current.metadata.name === podName);
  if (!worker) throw new HttpFailure(404, `pod "${podName}" in namespace "${namespace}" is not running on this node`);
  const rec = worker.containerRecord(containerName);
  if (!rec) throw new HttpFailure(404, `container "${containerName}" in pod "${podName}" is not known`);
  const neverRan = rec.state.kind === 'waiting' && rec.state.reason !== 'CrashLoopBackOff' && !rec.lastTerminated;
  if (!previous && neverRan) throw new HttpFailure(400, `container "${containerName}" in pod "${podName}" is waiting to start: ${rec.state.kind === 'waiting' ? rec.state.reason : ''}`);
  // restartCount names the running (or next) run. While a container waits in CrashLoopBackOff its
  // crashed run is both the current log and the previous one (lastState), as the kubelet answers.
  const inBackoff = rec.state.kind === 'waiting' && rec.state.reason === 'CrashLoopBackOff';
  const current = rec.state.kind === 'waiting' && !inBackoff ? rec.restartCount - 1 : rec.restartCount;
  const attempt = previous ? (inBackoff ? rec.restartCount : rec.restartCount - 1) : current;
  if (attempt < 0) throw new HttpFailure(400, `previous terminated container "${containerName}" in pod "${podName}" not found`);
  const uid = worker.current.metadata.uid;
  return { path: containerLogPath(view.rootDir, namespace, podName, uid, containerName, attempt), live: () => !previous && attempt === rec.restartCount && worker.isRunning(containerName) };
}

async function serveContainerLogs(view: KubeletView, res: ServerResponse, parts: string[], query: URLSearchParams): Promise<void> {
  if (parts.length !== 3) throw new HttpFailure(400, 'expected /containerLogs/<namespace>/<pod>/<container>');
  const [namespace, podName, containerName] = parts.map(decodeURIComponent);
  let options;
  try {
    options = parseLogQuery(query, Date.now());
  } catch (err) {
    if (err instanceof LogQueryError) throw new HttpFailure(400, err.message);
    throw err;
  }
  const { path, live } = logFile(view, namespace, podName, containerName, options.previous);
  const abort = new AbortController();
  res.on('close', () => abort.abort());
  try {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    await streamContainerLog(path, options, res, live, abort.signal);
  } catch (err) {
    // A hollow container (or a run whose log was removed) has no file: its log is empty.
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  res.end();
}

/**
 * The kubelet's own endpoints beside the component server's /metrics and /healthz:
 * /pods (the pods it runs, a PodList) and /containerLogs/<namespace>/<pod>/<container>, which
 * the apiserver proxies `kubectl logs` to. Answers false for any other path.
 */
export function kubeletRoutes(view: KubeletView): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://kubelet');
    const parts = url.pathname.split('/').filter(Boolean);
    if (parts[0] !== 'pods' && parts[0] !== 'containerLogs') return false;
    try {
      if (req.method !== 'GET') throw new HttpFailure(405, `method ${req.method} is not allowed`);
      if (parts[0] === 'pods') {
        const list: Json = { kind: 'PodList', apiVersion: 'v1', metadata: {}, items: view.workers().map((w) => w.current) };
        sendText(res, 200, JSON.stringify(list), 'application/json');
      } else await serveContainerLogs(view, res, parts.slice(1), url.searchParams);
    } catch (err) {
      const code = err instanceof HttpFailure ? err.code : 500;
      if (code === 500) view.logger.error('kubelet request failed', { url: req.url, error: String((err as Error).stack ?? err) });
      if (res.headersSent) res.end();
      else sendText(res, code, (err as Error).message + '\n');
    }
    return true;
  };
}
