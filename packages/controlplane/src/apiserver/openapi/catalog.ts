import { APPS_TYPES } from './apps-types.js';
import { CORE_TYPES } from './core-types.js';
import { META_TYPES } from './meta-types.js';
import { COORDINATION_TYPES, RBAC_TYPES } from './rbac-types.js';
import { APIMACHINERY, type TypeDef, openApiSchemaOf } from './schema-dsl.js';

/** Each type table and the prefix of its schema names, in the order short names are looked up. */
const TABLES: readonly { readonly prefix: string; readonly types: Readonly<Record<string, TypeDef>> }[] = [
  { prefix: 'io.k8s.api.core.v1.', types: CORE_TYPES },
  { prefix: 'io.k8s.api.apps.v1.', types: APPS_TYPES },
  { prefix: 'io.k8s.api.rbac.v1.', types: RBAC_TYPES },
  { prefix: 'io.k8s.api.coordination.v1.', types: COORDINATION_TYPES },
  { prefix: 'io.k8s.apimachinery.pkg.apis.meta.v1.', types: META_TYPES },
];

function fullName(short: string): string {
  const table = TABLES.find((t) => short in t.types);
  if (!table) throw new Error(`openapi: no type named ${short}`);
  return table.prefix + short;
}

/**
 * Every schema, by full name (io.k8s.api.core.v1.Pod, ...): the components.schemas of each
 * group version's document. All documents carry all schemas: references then always resolve
 * inside the document, as kubectl requires, and the whole set is small.
 */
export function openApiSchemas(): Record<string, unknown> {
  const schemas: Record<string, unknown> = { ...APIMACHINERY };
  for (const table of TABLES) {
    for (const [name, def] of Object.entries(table.types)) schemas[table.prefix + name] = openApiSchemaOf(def, fullName);
  }
  return schemas;
}
