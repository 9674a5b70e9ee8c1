import { type TypeDef, f } from './schema-dsl.js';

/** io.k8s.apimachinery.pkg.apis.meta.v1 types the kinds refer to. */
export const META_TYPES: Readonly<Record<string, TypeDef>> = {
  ObjectMeta: {
    description: 'Metadata every persisted object has: its name and namespace, labels and annotations, and what the server keeps about it.',
    fields: {
      name: f('string', 'The name, unique in the namespace for its kind. Cannot be changed.'),
      generateName: f('string', 'A prefix the server completes with random characters to make a unique name, when name is empty.'),
      namespace: f('string', 'The namespace the object lives in; empty for cluster-scoped kinds.'),
      uid: f('string', 'Unique in time and space; set by the server on creation.'),
      resourceVersion: f('string', 'The version of the object the server holds; clients send it back unchanged for optimistic concurrency.'),
      generation: f('int64', 'A number the server increments when the desired state (spec) changes.'),
      creationTimestamp: f('Time', 'When the server created the object.'),
      deletionTimestamp: f('Time', 'When the object is to be gone; set when a graceful or finalizer-held deletion was asked for.'),
      deletionGracePeriodSeconds: f('int64', 'Seconds the object is given to terminate gracefully after deletionTimestamp was set.'),
      labels: f('map<string>', 'Key-value pairs used to select and group objects.'),
      annotations: f('map<string>', 'Key-value pairs for tools and people; not used for selection.'),
      ownerReferences: f('OwnerReference[]', 'The objects this one depends on; when all owners are gone the garbage collector deletes it.', { mergeKey: 'uid' }),
      finalizers: f('string[]', 'Each must be removed by its controller before the object is deleted.', { mergeKey: '' }),
      managedFields: f('ManagedFieldsEntry[]', 'Which field manager set which fields, for server-side apply.'),
    },
  },
  OwnerReference: {
    description: 'Identifies an owning object in the same namespace (or a cluster-scoped one).',
    fields: {
      apiVersion: f('string', 'The API version of the owner.', { required: true }),
      kind: f('string', 'The kind of the owner.', { required: true }),
      name: f('string', 'The name of the owner.', { required: true }),
      uid: f('string', 'The uid of the owner.', { required: true }),
      controller: f('boolean', 'True for the one owner that manages this object.'),
      blockOwnerDeletion: f('boolean', 'With foreground deletion, the owner is not removed before this object is.'),
    },
  },
  ManagedFieldsEntry: {
    description: 'The fields one manager set, and how (Apply or Update).',
    fields: {
      manager: f('string', 'Who set the fields.'),
      operation: f('string', 'Apply or Update.'),
      apiVersion: f('string', 'The version the fields are described in.'),
      time: f('Time', 'When the manager last changed them.'),
      fieldsType: f('string', 'The format of fieldsV1: FieldsV1.'),
      fieldsV1: f('object', 'The set of fields.'),
      subresource: f('string', 'The subresource the fields were written through, if any.'),
    },
  },
  LabelSelector: {
    description: 'A label query: every matchLabels pair and every matchExpressions requirement must hold. An empty selector matches everything.',
    fields: {
      matchLabels: f('map<string>', 'Labels that must be present with exactly these values.'),
      matchExpressions: f('LabelSelectorRequirement[]', 'Set-based requirements.'),
    },
  },
  LabelSelectorRequirement: {
    description: 'A key, an operator (In, NotIn, Exists, DoesNotExist) and values.',
    fields: {
      key: f('string', 'The label key.', { required: true }),
      operator: f('string', 'In, NotIn, Exists or DoesNotExist.', { required: true }),
      values: f('string[]', 'The values for In and NotIn; empty for Exists and DoesNotExist.'),
    },
  },
};
