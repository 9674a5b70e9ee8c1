import { strict as assert } from 'node:assert';
import { afterExit, afterRestart, formatDuration, restartAllowedAt, type BackoffConfig, type BackoffEntry } from '../../src/kubelet/pod/backoff.js';
import { newContainerRecord, type ContainerRecord, type ContainerState, type TerminatedState } from '../../src/kubelet/pod/container-state.js';
import { computePodStatus, podPhase, rfc3339 } from '../../src/kubelet/pod/pod-status.js';
import { qosClassOf } from '../../src/api/defaults/pod.js';
import { shouldRestart } from '../../src/kubelet/pod/restart-policy.js';
import { INITIAL_PROBE_STATE, probeTiming, recordProbeResult } from '../../src/kubelet/prober/probe-state.js';
import { expandVars, containerEnv, referencedSources } from '../../src/kubelet/pod/container-env.js';
import { serviceEnv } from '../../src/kubelet/pod/service-env.js';
import { PodIpAllocator, defaultPodCidr } from '../../src/kubelet/pod/pod-ip-allocator.js';

const CONFIG: BackoffConfig = { baseMs: 10_000, maxMs: 300_000, resetAfterMs: 600_000 };

function exited(exitCode: number, finishedAt = 1000): TerminatedState {
  return { kind: 'terminated', exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt: 0, finishedAt };
}

function container(name: string, state: ContainerState, extra: Partial<ContainerRecord> = {}): ContainerRecord {
  return { ...newContainerRecord(name, 'img'), state, ...extra };
}

describe('kubelet decisions (pure)', () => {
  describe('CrashLoopBackOff', () => {
    it('restarts at once after the first crash, then waits 10s, 20s, 40s … up to 5m', () => {
      let entry: BackoffEntry | undefined;
      const waits: number[] = [];
      for (let crash = 0; crash < 8; crash++) {
        entry = afterExit(entry, 1_000, CONFIG);
        waits.push(restartAllowedAt(entry, 50_000) - 50_000);
        entry = afterRestart(entry, CONFIG);
      }
      assert.deepEqual(waits, [0, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
    });

    it('forgets the back-off after a run of 10 minutes', () => {
      let entry: BackoffEntry | undefined = { delayMs: 160_000 };
      entry = afterExit(entry, 599_999, CONFIG);
      assert.deepEqual(entry, { delayMs: 160_000 });
      entry = afterExit(entry, 600_000, CONFIG);
      assert.equal(entry, undefined);
      assert.equal(restartAllowedAt(entry, 7), 7);
    });

    it('writes delays as Kubernetes does', () => {
      assert.equal(formatDuration(10_000), '10s');
      assert.equal(formatDuration(80_000), '1m20s');
      assert.equal(formatDuration(300_000), '5m0s');
    });
  });

  describe('restart policy', () => {
    const table: [string | undefined, number, boolean][] = [
      [undefined, 0, true],
      ['Always', 0, true],
      ['Always', 1, true],
      ['OnFailure', 0, false],
      ['OnFailure', 2, true],
      ['Never', 0, false],
      ['Never', 1, false],
    ];
    for (const [policy, code, restart] of table) {
      it(`${policy ?? '(default)'} with exit code ${code} ${restart ? 'restarts' : 'does not restart'}`, () => assert.equal(shouldRestart(policy, code), restart));
    }
  });

  describe('pod phase', () => {
    const running = { kind: 'running', startedAt: 0 } as const;
    const creating = { kind: 'waiting', reason: 'ContainerCreating' } as const;
    const backoff = { kind: 'waiting', reason: 'CrashLoopBackOff' } as const;
    it('is Pending while a container never ran', () => assert.equal(podPhase('Always', [], [container('a', running), container('b', creating)]), 'Pending'));
    it('is Running while any container runs', () => assert.equal(podPhase('Never', [], [container('a', running), container('b', exited(1))]), 'Running'));
    it('is Running for a container in CrashLoopBackOff', () => assert.equal(podPhase('Always', [], [container('a', backoff, { lastTerminated: exited(1) })]), 'Running'));
    it('is Succeeded when all exited 0 and the policy does not restart them', () => {
      assert.equal(podPhase('Never', [], [container('a', exited(0)), container('b', exited(0))]), 'Succeeded');
      assert.equal(podPhase('OnFailure', [], [container('a', exited(0))]), 'Succeeded');
    });
    it('is Failed when one failed under Never', () => assert.equal(podPhase('Never', [], [container('a', exited(0)), container('b', exited(3))]), 'Failed'));
    it('is Running when all stopped under Always (they restart)', () => assert.equal(podPhase('Always', [], [container('a', exited(0))]), 'Running'));
    it('is Pending until the init containers completed, Failed when one failed under Never', () => {
      assert.equal(podPhase('Always', [container('init', running)], [container('a', creating)]), 'Pending');
      assert.equal(podPhase('Never', [container('init', exited(1))], [container('a', creating)]), 'Failed');
      assert.equal(podPhase('OnFailure', [container('init', exited(1))], [container('a', creating)]), 'Pending');
      assert.equal(podPhase('Always', [container('init', exited(0))], [container('a', running)]), 'Running');
    });
  });

  describe('pod status', () => {
    it('has the conditions, container states and addresses, and keeps transition times while a condition holds', () => {
      const ready = container('web', { kind: 'running', startedAt: 2_000 }, { ready: true, started: true, containerID: 'process://x' });
      const notReady = { ...ready, ready: false };
      const first = computePodStatus({ restartPolicy: 'Always', initContainers: [], containers: [notReady], hostIP: '127.0.0.1', podIP: '127.70.1.1', startTime: 1_000, now: 10_000 });
      assert.equal(first.phase, 'Running');
      assert.equal(first.podIP, '127.70.1.1');
      assert.deepEqual(first.podIPs, [{ ip: '127.70.1.1' }]);
      assert.equal(first.startTime, rfc3339(1_000));
      const readyCond = first.conditions.find((c: any) => c.type === 'Ready');
      assert.equal(readyCond.status, 'False');
      assert.equal(readyCond.reason, 'ContainersNotReady');
      assert.equal(readyCond.message, 'containers with unready status: [web]');
      assert.deepEqual(first.containerStatuses[0].state, { running: { startedAt: rfc3339(2_000) } });
      assert.equal(first.containerStatuses[0].containerID, 'process://x');

      const second = computePodStatus({ restartPolicy: 'Always', initContainers: [], containers: [ready], hostIP: '127.0.0.1', podIP: '127.70.1.1', startTime: 1_000, previous: first, now: 20_000 });
      const cond = (s: any, type: string) => s.conditions.find((c: any) => c.type === type);
      assert.equal(cond(second, 'Ready').status, 'True');
      assert.equal(cond(second, 'Ready').lastTransitionTime, rfc3339(20_000));
      assert.equal(cond(second, 'PodScheduled').lastTransitionTime, cond(first, 'PodScheduled').lastTransitionTime);
      const third = computePodStatus({ restartPolicy: 'Always', initContainers: [], containers: [ready], hostIP: '127.0.0.1', podIP: '127.70.1.1', startTime: 1_000, previous: second, now: 30_000 });
      assert.deepEqual(third, second, 'nothing changed, so the status is equal and need not be written');
    });

    it('shows a crash loop as waiting with the last termination', () => {
      const looping = container('c', { kind: 'waiting', reason: 'CrashLoopBackOff', message: 'back-off 10s' }, { restartCount: 2, lastTerminated: exited(1, 5_000) });
      const status = computePodStatus({ restartPolicy: 'Always', initContainers: [], containers: [looping], hostIP: '127.0.0.1', now: 9_000 });
      assert.deepEqual(status.containerStatuses[0].state, { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 10s' } });
      assert.equal(status.containerStatuses[0].lastState.terminated.exitCode, 1);
      assert.equal(status.containerStatuses[0].lastState.terminated.reason, 'Error');
      assert.equal(status.containerStatuses[0].restartCount, 2);
    });

    it('marks a finished pod not ready with PodCompleted', () => {
      const status = computePodStatus({ restartPolicy: 'Never', initContainers: [], containers: [container('job', exited(0))], hostIP: '127.0.0.1', now: 9_000 });
      assert.equal(status.phase, 'Succeeded');
      assert.equal(status.conditions.find((c: any) => c.type === 'Ready').reason, 'PodCompleted');
    });
  });

  describe('QoS class', () => {
    it('is BestEffort, Burstable or Guaranteed from requests and limits', () => {
      assert.equal(qosClassOf({ containers: [{ name: 'a' }] }), 'BestEffort');
      assert.equal(qosClassOf({ containers: [{ name: 'a', resources: { requests: { cpu: '100m' } } }] }), 'Burstable');
      assert.equal(qosClassOf({ containers: [{ name: 'a', resources: { limits: { cpu: '1', memory: '1Gi' } } }] }), 'Guaranteed');
      assert.equal(qosClassOf({ containers: [{ name: 'a', resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m' } } }] }), 'Burstable');
    });
  });

  describe('probe thresholds', () => {
    it('flips after successThreshold successes and failureThreshold failures in a row', () => {
      const t = { successThreshold: 2, failureThreshold: 3 };
      let s = INITIAL_PROBE_STATE;
      s = recordProbeResult(s, true, t);
      assert.equal(s.result, undefined);
      s = recordProbeResult(s, true, t);
      assert.equal(s.result, true);
      s = recordProbeResult(s, false, t);
      s = recordProbeResult(s, false, t);
      assert.equal(s.result, true, 'two failures are below the threshold');
      s = recordProbeResult(s, true, t);
      s = recordProbeResult(s, false, t);
      s = recordProbeResult(s, false, t);
      assert.equal(s.result, true, 'a success in between resets the failure count');
      s = recordProbeResult(s, false, t);
      assert.equal(s.result, false);
    });

    it('fills in Kubernetes defaults', () => {
      assert.deepEqual(probeTiming({}), { initialDelayMs: 0, periodMs: 10_000, timeoutMs: 1_000, successThreshold: 1, failureThreshold: 3 });
    });
  });

  describe('container environment and pod IPs', () => {
    it('resolves values with $(VAR) expansion and fieldRefs, and exports POD_IP', () => {
      const pod = { metadata: { name: 'p', namespace: 'ns', uid: 'u-1', labels: { app: 'web' } }, spec: { nodeName: 'n1' } };
      const env = containerEnv(
        pod,
        {
          env: [
            { name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
            { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
            { name: 'GREETING', value: 'hi $(NS) $(MISSING) $$(NS)' },
            { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
          ],
        },
        { podIP: '127.70.0.5', hostIP: '127.0.0.1', nodeName: 'n1', inherited: { PATH: '/bin' } },
      );
      assert.equal(env.POD_IP, '127.70.0.5');
      assert.equal(env.NS, 'ns');
      assert.equal(env.APP, 'web');
      assert.equal(env.GREETING, 'hi ns $(MISSING) $(NS)');
      assert.equal(env.IP, '127.70.0.5');
      assert.equal(env.PATH, '/bin');
      assert.equal(expandVars('$(A)$(B)', { A: '1' }), '1$(B)');
    });

    it('reads envFrom and configMapKeyRef/secretKeyRef, and names what is missing', () => {
      const pod = { metadata: { name: 'p', namespace: 'ns' } };
      const ctx = { podIP: '127.70.0.5', hostIP: '127.0.0.1', nodeName: 'n1', inherited: {}, configMaps: { settings: { MODE: 'fast', 'not a name': 'x' } }, secrets: { creds: { password: 's3cret' } } };
      const env = containerEnv(
        pod,
        {
          envFrom: [{ configMapRef: { name: 'settings' }, prefix: 'APP_' }, { secretRef: { name: 'absent', optional: true } }],
          env: [
            { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } },
            { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'settings', key: 'MODE' } } },
            { name: 'OPTIONAL', valueFrom: { configMapKeyRef: { name: 'settings', key: 'nope', optional: true } } },
          ],
        },
        ctx,
      );
      assert.equal(env.APP_MODE, 'fast');
      assert.equal(env.PASSWORD, 's3cret');
      assert.equal(env.MODE, 'fast');
      assert.ok(!('OPTIONAL' in env) && !('APP_not a name' in env));
      assert.throws(() => containerEnv(pod, { env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'missing', key: 'k' } } }] }, ctx), /configmap "missing" not found/);
      assert.throws(() => containerEnv(pod, { env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'creds', key: 'user' } } }] }, ctx), /couldn't find key user in Secret ns\/creds/);
      assert.deepEqual(referencedSources({ envFrom: [{ configMapRef: { name: 'a' } }], env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'b', key: 'k' } } }] }), { configMaps: new Set(['a']), secrets: new Set(['b']) });
    });

    it('gives the Services of the namespace and the kubernetes service as docker-links variables', () => {
      const services = [
        { metadata: { namespace: 'default', name: 'kubernetes' }, spec: { clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP' }] } },
        { metadata: { namespace: 'shop', name: 'web-front' }, spec: { clusterIP: '127.96.0.7', ports: [{ name: 'http', port: 80 }, { name: 'dns', port: 53, protocol: 'UDP' }] } },
        { metadata: { namespace: 'shop', name: 'headless' }, spec: { clusterIP: 'None', ports: [{ port: 80 }] } },
        { metadata: { namespace: 'other', name: 'hidden' }, spec: { clusterIP: '127.96.0.9', ports: [{ port: 80 }] } },
      ];
      const env = serviceEnv(services, 'shop', true);
      assert.equal(env.KUBERNETES_SERVICE_HOST, '10.96.0.1');
      assert.equal(env.KUBERNETES_SERVICE_PORT, '443');
      assert.equal(env.KUBERNETES_SERVICE_PORT_HTTPS, '443');
      assert.equal(env.KUBERNETES_PORT, 'tcp://10.96.0.1:443');
      assert.equal(env.WEB_FRONT_SERVICE_HOST, '127.96.0.7');
      assert.equal(env.WEB_FRONT_SERVICE_PORT_HTTP, '80');
      assert.equal(env.WEB_FRONT_PORT_53_UDP, 'udp://127.96.0.7:53');
      assert.equal(env.WEB_FRONT_PORT_53_UDP_PROTO, 'udp');
      assert.equal(env.WEB_FRONT_PORT_80_TCP_ADDR, '127.96.0.7');
      assert.ok(!Object.keys(env).some((k) => k.startsWith('HEADLESS_') || k.startsWith('HIDDEN_')));
      const unlinked = serviceEnv(services, 'shop', false);
      assert.ok(unlinked.KUBERNETES_SERVICE_HOST && !unlinked.WEB_FRONT_SERVICE_HOST, 'without service links only the kubernetes service');
    });

    it('hands out IPs of the /24 once each, keeps a preferred free one, and refuses ranges outside 127/8', () => {
      const ips = new PodIpAllocator('127.70.3.0/24');
      assert.equal(ips.allocate('a'), '127.70.3.1');
      assert.equal(ips.allocate('b', '127.70.3.9'), '127.70.3.9');
      assert.equal(ips.allocate('c', '127.70.3.9'), '127.70.3.2');
      assert.equal(ips.allocate('a'), '127.70.3.1');
      ips.release('a');
      assert.equal(ips.allocate('d'), '127.70.3.1');
      assert.throws(() => new PodIpAllocator('10.0.0.0/24'), /inside 127\.0\.0\.0\/8/);
      assert.match(defaultPodCidr('worker-1'), /^127\.\d+\.\d+\.0\/24$/);
      assert.notEqual(defaultPodCidr('worker-1'), defaultPodCidr('worker-2'));
    });
  });
});
