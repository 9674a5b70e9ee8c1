import { expect } from 'chai';
import { readFile } from 'node:fs/promises';

describe('controlplane package', () => {
  it('is an ES module package built against the kvstore client', async () => {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'));
    expect(pkg.type).to.equal('module');
    expect(pkg.dependencies).to.have.property('@flotilla/kvstore');
  });
});
