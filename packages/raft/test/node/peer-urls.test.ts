import { expect } from 'chai';
import { decodeConfChange } from '../../src/core/index.js';
import { bootstrapLog } from '../../src/node/index.js';
import { decodePeerUrls, encodePeerUrls } from '../../src/node/peer-urls.js';
import { unwrapSnapshot, wrapSnapshot } from '../../src/node/snapshot-envelope.js';

const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);

describe('peer URLs', () => {
  it('a single URL is carried exactly as before nodes had several, so old logs still read', () => {
    const log = bootstrapLog(new Map([['a', 'http://a:1']]));
    expect(text(decodeConfChange(log.entries[0].data).context)).to.equal('http://a:1');
    expect(decodePeerUrls('http://a:1')).to.deep.equal(['http://a:1']);
  });

  it('several URLs travel in the founding entries and in snapshots, in the order given', () => {
    const log = bootstrapLog(new Map<string, string | string[]>([['b', ['http://b:2', 'http://b:1']], ['a', 'http://a:1']]));
    expect(log.entries.map((e) => decodePeerUrls(text(decodeConfChange(e.data).context)))).to.deep.equal([['http://a:1'], ['http://b:2', 'http://b:1']]);
    expect(log.hardState.commit).to.equal(2);
    const peers = new Map([['b', ['http://b:2', 'http://b:1']]]);
    const snapshot = { metadata: { index: 5, term: 1, confState: { voters: ['b'], learners: [] } }, data: wrapSnapshot(peers, Uint8Array.of(7)) };
    const { peers: back, snapshot: inner } = unwrapSnapshot(snapshot);
    expect([...back]).to.deep.equal([...peers]);
    expect([...inner.data]).to.deep.equal([7]);
    expect(encodePeerUrls(['x', 'y'])).to.equal('x,y');
  });
});
