import { RestClient } from '../../src/client/index.js';
import { TestControlPlane } from '../support/control-plane.js';

/** What a suite shares: a TestControlPlane and an admin RestClient, set in before() and stopped in after(). */
export interface ControlPlaneContext {
  cp: TestControlPlane;
  client: RestClient;
}

/** Registers mocha hooks that start a control plane and an admin client for the enclosing suite. */
export function withControlPlane(options: Parameters<typeof TestControlPlane.start>[0] = {}): ControlPlaneContext {
  const ctx = {} as ControlPlaneContext;
  before(async () => {
    ctx.cp = await TestControlPlane.start(options);
    ctx.client = await RestClient.fromKubeconfig(ctx.cp.adminKubeconfig, { userAgent: 'flotilla-test' });
  });
  after(async () => {
    await ctx.client?.close();
    await ctx.cp?.stop();
  });
  return ctx;
}
