import { connect } from 'node:net';
import { Agent, request } from 'undici';
import type { ContainerLaunch, ContainerRuntime } from '../runtime/runtime.js';

type Json = Record<string, any>;

/** Where a probe runs: the container's launch (for exec), its ports, and the pod IP. */
export interface ProbeTarget {
  readonly runtime: ContainerRuntime;
  readonly launch: ContainerLaunch;
  readonly container: Json;
  readonly podIP: string;
}

export interface ProbeOutcome {
  readonly ok: boolean;
  readonly message: string;
}

/** An https probe does not verify the certificate, as the kubelet's does not. */
const insecureAgent = new Agent({ connect: { rejectUnauthorized: false } });

/** A port given by number or by the name of one of the container's ports. */
function resolvePort(port: unknown, container: Json): number {
  if (typeof port === 'number') return port;
  if (typeof port === 'string' && /^\d+$/.test(port)) return Number(port);
  const named = ((container.ports ?? []) as Json[]).find((p) => p.name === port);
  if (!named) throw new Error(`port ${String(port)} is not a number nor a port name of container ${container.name}`);
  return named.containerPort;
}

async function httpGet(action: Json, target: ProbeTarget, timeoutMs: number): Promise<ProbeOutcome> {
  const scheme = String(action.scheme ?? 'HTTP').toLowerCase();
  const host = action.host || target.podIP;
  const path = String(action.path ?? '/');
  const url = `${scheme}://${host}:${resolvePort(action.port, target.container)}${path.startsWith('/') ? path : `/${path}`}`;
  const headers: Record<string, string> = { 'user-agent': 'kube-probe/1.30' };
  for (const h of (action.httpHeaders ?? []) as Json[]) headers[String(h.name).toLowerCase()] = String(h.value);
  const res = await request(url, { method: 'GET', headers, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, dispatcher: scheme === 'https' ? insecureAgent : undefined, signal: AbortSignal.timeout(timeoutMs) });
  await res.body.dump();
  const ok = res.statusCode >= 200 && res.statusCode < 400;
  return { ok, message: ok ? '' : `HTTP probe failed with statuscode: ${res.statusCode}` };
}

function tcpSocket(action: Json, target: ProbeTarget, timeoutMs: number): Promise<ProbeOutcome> {
  const host = action.host || target.podIP;
  const port = resolvePort(action.port, target.container);
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (outcome: ProbeOutcome) => {
      socket.destroy();
      resolve(outcome);
    };
    socket.setTimeout(timeoutMs, () => done({ ok: false, message: `dial tcp ${host}:${port}: i/o timeout` }));
    socket.once('connect', () => done({ ok: true, message: '' }));
    socket.once('error', (err) => done({ ok: false, message: `dial tcp ${host}:${port}: ${err.message}` }));
  });
}

/** Runs one probe (exec, httpGet or tcpSocket) once; a probe that throws or times out fails. */
export async function runProbe(probe: Json, target: ProbeTarget, timeoutMs: number): Promise<ProbeOutcome> {
  try {
    if (probe.exec) {
      const result = await target.runtime.exec(target.launch, (probe.exec.command ?? []) as string[], timeoutMs);
      return { ok: result.exitCode === 0, message: result.exitCode === 0 ? '' : result.output.trim() || `command exited ${result.exitCode}` };
    }
    if (probe.httpGet) return await httpGet(probe.httpGet, target, timeoutMs);
    if (probe.tcpSocket) return await tcpSocket(probe.tcpSocket, target, timeoutMs);
    return { ok: false, message: 'the probe has no exec, httpGet or tcpSocket action' };
  } catch (err) {
    return { ok: false, message: (err as Error).message };
  }
}
