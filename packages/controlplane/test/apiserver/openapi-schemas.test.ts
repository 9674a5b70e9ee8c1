import { expect } from 'chai';
import { RESOURCES } from '../../src/api/resources.js';
import { openApiSchemas } from '../../src/apiserver/openapi/catalog.js';

/** Every $ref anywhere below `value`. */
function refsIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => refsIn(v, found));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') found.push(v);
      else refsIn(v, found);
    }
  }
  return found;
}

describe('OpenAPI v3 schemas', () => {
  const schemas = openApiSchemas() as Record<string, { properties?: Record<string, any>; 'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string }[] }>;

  it('has a schema, marked with its group, version and kind, for every stored kind', () => {
    for (const r of RESOURCES.filter((x) => x.stored)) {
      const found = Object.values(schemas).find((s) => s['x-kubernetes-group-version-kind']?.some((g) => g.group === r.group && g.version === r.version && g.kind === r.kind));
      expect(found, `${r.kind}.${r.group || 'core'}/${r.version}`).to.not.equal(undefined);
      expect(Object.keys(found!.properties ?? {})).to.include.members(['apiVersion', 'kind', 'metadata']);
    }
  });

  it('resolves every reference inside the set', () => {
    const refs = refsIn(schemas);
    expect(refs.length).to.be.greaterThan(50);
    for (const ref of refs) expect(schemas, ref).to.have.property(ref.replace('#/components/schemas/', ''));
  });

  it('marks the lists strategic merge patch merges, with their keys', () => {
    const containers = schemas['io.k8s.api.core.v1.PodSpec'].properties!.containers;
    expect(containers).to.include({ 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'name' });
    expect(containers.items.allOf[0].$ref).to.equal('#/components/schemas/io.k8s.api.core.v1.Container');
    expect(schemas['io.k8s.api.core.v1.Container'].properties!.ports).to.include({ 'x-kubernetes-patch-merge-key': 'containerPort' });
  });
});
