import { expect } from 'chai';
import { RoundRobinChooser } from '../../src/proxy/round-robin.js';

const a = { ip: '127.0.0.1', port: 8001 };
const b = { ip: '127.0.0.1', port: 8002 };
const c = { ip: '127.0.0.2', port: 8001 };
const pick = (chooser: RoundRobinChooser, n: number, client = '10.0.0.1', now = 0) => Array.from({ length: n }, () => chooser.next(client, now)?.port ?? null);

describe('round-robin endpoint chooser', () => {
  it('rotates over the endpoints in order', () => {
    const chooser = new RoundRobinChooser();
    chooser.setEndpoints([a, b]);
    expect(pick(chooser, 5)).to.deep.equal([8001, 8002, 8001, 8002, 8001]);
  });

  it('answers undefined when there is no endpoint', () => {
    const chooser = new RoundRobinChooser();
    expect(chooser.next('10.0.0.1', 0)).to.equal(undefined);
    chooser.setEndpoints([a]);
    chooser.setEndpoints([]);
    expect(chooser.next('10.0.0.1', 0)).to.equal(undefined);
  });

  it('uses only the new set after the endpoints change', () => {
    const chooser = new RoundRobinChooser();
    chooser.setEndpoints([a, b, c]);
    pick(chooser, 2);
    chooser.setEndpoints([b]);
    expect(pick(chooser, 3)).to.deep.equal([8002, 8002, 8002]);
  });

  it('skips the endpoints that refused this connection, and gives up when all did', () => {
    const chooser = new RoundRobinChooser();
    chooser.setEndpoints([a, b, c]);
    expect(chooser.next('x', 0, new Set(['127.0.0.1:8001']))).to.deep.equal(b);
    expect(chooser.next('x', 0, new Set(['127.0.0.1:8001', '127.0.0.1:8002', '127.0.0.2:8001']))).to.equal(undefined);
  });

  it('keeps a client on its endpoint under ClientIP affinity until the timeout passes', () => {
    const chooser = new RoundRobinChooser('ClientIP', 10_000);
    chooser.setEndpoints([a, b]);
    expect(chooser.next('10.0.0.1', 0)).to.deep.equal(a);
    expect(chooser.next('10.0.0.2', 0)).to.deep.equal(b);
    expect(pick(chooser, 3, '10.0.0.1', 5_000)).to.deep.equal([8001, 8001, 8001]);
    // 10 s after its last use the client is assigned afresh: the rotation's next is a.
    expect(chooser.next('10.0.0.1', 15_001)).to.deep.equal(a);
    expect(chooser.next('10.0.0.2', 30_000)).to.deep.equal(b);
  });

  it('drops an affinity whose endpoint left the set', () => {
    const chooser = new RoundRobinChooser('ClientIP', 10_000);
    chooser.setEndpoints([a, b]);
    expect(chooser.next('10.0.0.1', 0)).to.deep.equal(a);
    chooser.setEndpoints([b, c]);
    expect(chooser.next('10.0.0.1', 1)).to.not.deep.equal(a);
  });
});
