import { expect } from 'chai';
import { labelSelectorMatches, nodeLabelsMatch, nodeSelectorMatches } from '../../src/scheduler/labels.js';
import type { NodeSelectorRequirement } from '../../src/scheduler/types.js';
import { makeNode } from './fixtures.js';

describe('scheduler labels', () => {
  const node = makeNode('n1', { labels: { zone: 'a', gen: '5', disk: 'ssd' } });
  const term = (...matchExpressions: NodeSelectorRequirement[]) => ({ nodeSelectorTerms: [{ matchExpressions }] });

  const cases: Array<[string, NodeSelectorRequirement, boolean]> = [
    ['In with the value', { key: 'zone', operator: 'In', values: ['a', 'b'] }, true],
    ['In without it', { key: 'zone', operator: 'In', values: ['b'] }, false],
    ['In on a missing label', { key: 'rack', operator: 'In', values: ['a'] }, false],
    ['NotIn without the value', { key: 'zone', operator: 'NotIn', values: ['b'] }, true],
    ['NotIn with it', { key: 'zone', operator: 'NotIn', values: ['a'] }, false],
    ['NotIn on a missing label', { key: 'rack', operator: 'NotIn', values: ['a'] }, true],
    ['Exists', { key: 'disk', operator: 'Exists' }, true],
    ['Exists on a missing label', { key: 'rack', operator: 'Exists' }, false],
    ['DoesNotExist', { key: 'rack', operator: 'DoesNotExist' }, true],
    ['DoesNotExist on a present label', { key: 'disk', operator: 'DoesNotExist' }, false],
    ['Gt below', { key: 'gen', operator: 'Gt', values: ['4'] }, true],
    ['Gt equal', { key: 'gen', operator: 'Gt', values: ['5'] }, false],
    ['Lt above', { key: 'gen', operator: 'Lt', values: ['6'] }, true],
    ['Lt equal', { key: 'gen', operator: 'Lt', values: ['5'] }, false],
    ['Gt on a non-integer label', { key: 'zone', operator: 'Gt', values: ['1'] }, false],
    ['Gt on a missing label', { key: 'rack', operator: 'Gt', values: ['1'] }, false],
  ];
  for (const [name, requirement, expected] of cases) {
    it(`node affinity operator: ${name} → ${expected}`, () => {
      expect(nodeSelectorMatches(term(requirement), node)).to.equal(expected);
    });
  }

  it('ANDs the expressions of a term and ORs the terms', () => {
    const zoneA = { key: 'zone', operator: 'In', values: ['a'] } as const;
    const zoneB = { key: 'zone', operator: 'In', values: ['b'] } as const;
    expect(nodeSelectorMatches(term(zoneA, zoneB), node)).to.equal(false);
    expect(nodeSelectorMatches({ nodeSelectorTerms: [{ matchExpressions: [zoneB] }, { matchExpressions: [zoneA] }] }, node)).to.equal(true);
  });

  it('matches nothing with no terms or an empty term', () => {
    expect(nodeSelectorMatches({ nodeSelectorTerms: [] }, node)).to.equal(false);
    expect(nodeSelectorMatches({ nodeSelectorTerms: [{}] }, node)).to.equal(false);
  });

  it('matches metadata.name through matchFields', () => {
    const byName = (name: string) => ({ nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In' as const, values: [name] }] }] });
    expect(nodeSelectorMatches(byName('n1'), node)).to.equal(true);
    expect(nodeSelectorMatches(byName('n2'), node)).to.equal(false);
  });

  it('requires every nodeSelector label', () => {
    expect(nodeLabelsMatch({ zone: 'a', disk: 'ssd' }, node)).to.equal(true);
    expect(nodeLabelsMatch({ zone: 'a', disk: 'hdd' }, node)).to.equal(false);
    expect(nodeLabelsMatch(undefined, node)).to.equal(true);
  });

  it('label selectors: empty matches all, missing matches none', () => {
    expect(labelSelectorMatches({}, { app: 'web' })).to.equal(true);
    expect(labelSelectorMatches(undefined, { app: 'web' })).to.equal(false);
    expect(labelSelectorMatches({ matchLabels: { app: 'web' } }, { app: 'web' })).to.equal(true);
    expect(labelSelectorMatches({ matchLabels: { app: 'web' } }, { app: 'db' })).to.equal(false);
    expect(labelSelectorMatches({ matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['db'] }] }, {})).to.equal(true);
  });
});
