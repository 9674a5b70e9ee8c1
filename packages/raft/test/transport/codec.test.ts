import { expect } from 'chai';
import { EntryType, type Message } from '../../src/core/index.js';
import { CodecError, decodeMessages, decodeSnapshot, encodeMessages } from '../../src/transport/index.js';
import { snap } from './fixture.js';

describe('transport codec', () => {
  it('round-trips messages of every shape, byte arrays as Uint8Array', () => {
    const messages: Message[] = [
      { type: 'app', from: 'a', to: 'b', term: 3, index: 7, logTerm: 2, commit: 6, entries: [{ term: 3, index: 8, type: EntryType.Normal, data: new Uint8Array([0, 1, 255]) }] },
      { type: 'heartbeat', from: 'a', to: 'b', term: 3, commit: 6, context: 'ctx' },
      snap('a', 'b', new Uint8Array([9, 8, 7])),
    ];
    const decoded = decodeMessages(encodeMessages(messages));
    expect(decoded).to.have.length(3);
    const [app, hb, sn] = decoded;
    if (app.type !== 'app' || sn.type !== 'snap') throw new Error('wrong types');
    expect(app.entries[0].data).to.be.instanceOf(Uint8Array);
    expect([...app.entries[0].data]).to.deep.equal([0, 1, 255]);
    expect([...sn.snapshot.data]).to.deep.equal([9, 8, 7]);
    expect(hb).to.deep.equal(messages[1]);
  });

  it('rejects what is not a batch of messages with a CodecError saying why', () => {
    const cases: [Uint8Array, RegExp][] = [
      [new Uint8Array([0x91]), /malformed msgpack/],
      [new Uint8Array([0xc1, 0xff, 0x00]), /malformed msgpack/],
      [new Uint8Array(0), /empty body/],
      [encodeMessages({ type: 'heartbeat' } as unknown as Message[]), /must be an array/],
      [encodeMessages([null] as unknown as Message[]), /must be a map/],
      [encodeMessages([{ type: 'heartbeat', from: 'a', to: 'b', term: '1' }] as unknown as Message[]), /numeric term/],
    ];
    for (const [body, reason] of cases) expect(() => decodeMessages(body)).to.throw(CodecError, reason);
  });

  it('decodes a snapshot body only when it is one snap message with data', () => {
    expect(decodeSnapshot(encodeMessages([snap('a', 'b', new Uint8Array([1]))])).snapshot.metadata.index).to.equal(100);
    expect(() => decodeSnapshot(encodeMessages([]))).to.throw(CodecError, /exactly one snap/);
  });
});
