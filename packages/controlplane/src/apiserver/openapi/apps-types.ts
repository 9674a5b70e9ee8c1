import { type TypeDef, conditionOf, f, kindOf } from './schema-dsl.js';

const replicas = f('integer', 'How many pods are wanted (default 1).');
const selector = f('LabelSelector', 'Which pods belong to the workload; must match the template\'s labels. Cannot be changed.', { required: true });
const template = f('PodTemplateSpec', 'The pods to create.', { required: true });
const minReadySeconds = f('integer', 'Seconds a new pod must be ready, without a container crashing, to count as available (default 0).');
const revisionHistoryLimit = f('integer', 'How many old revisions to keep for rollback (default 10).');
const conditions = (type: string) => f(`${type}[]`, 'The latest observations of the state, one per condition type.', { mergeKey: 'type' });

/** io.k8s.api.apps.v1 */
export const APPS_TYPES: Readonly<Record<string, TypeDef>> = {
  Deployment: kindOf('apps', 'v1', 'Deployment', 'Declarative updates of a set of identical pods, through ReplicaSets: a rollout replaces the old pods with new ones step by step.', {
    spec: f('DeploymentSpec', 'The desired state of the deployment.'),
    status: f('DeploymentStatus', 'The observed state of the deployment, written by the system. Read-only.'),
  }),
  DeploymentSpec: {
    description: 'The pods of a deployment and how they are replaced.',
    fields: {
      replicas,
      selector,
      template,
      strategy: f('DeploymentStrategy', 'How old pods are replaced by new ones.'),
      minReadySeconds,
      revisionHistoryLimit,
      paused: f('boolean', 'When true, changes to the template do not start a rollout.'),
      progressDeadlineSeconds: f('integer', 'Seconds a rollout may make no progress before it is reported as failed (default 600).'),
    },
  },
  DeploymentStrategy: {
    description: 'How a deployment replaces its pods.',
    fields: {
      type: f('string', 'RollingUpdate (default) or Recreate (all old pods go before new ones come).'),
      rollingUpdate: f('RollingUpdateDeployment', 'The limits of a rolling update.'),
    },
  },
  RollingUpdateDeployment: {
    description: 'How far a rolling update may go below and above the wanted number of pods.',
    fields: {
      maxUnavailable: f('IntOrString', 'How many pods may be unavailable during the update: a number or a percentage (default 25%).'),
      maxSurge: f('IntOrString', 'How many pods may exist above the wanted number: a number or a percentage (default 25%).'),
    },
  },
  DeploymentStatus: {
    description: 'The observed state of a deployment.',
    fields: {
      observedGeneration: f('int64', 'The generation the controller last acted on.'),
      replicas: f('integer', 'Pods of the deployment.'),
      updatedReplicas: f('integer', 'Pods with the current template.'),
      readyReplicas: f('integer', 'Pods that are ready.'),
      availableReplicas: f('integer', 'Pods ready for at least minReadySeconds.'),
      unavailableReplicas: f('integer', 'Pods still missing to reach the wanted number of available ones.'),
      conditions: conditions('DeploymentCondition'),
      collisionCount: f('integer', 'Used to make ReplicaSet names unique.'),
    },
  },
  DeploymentCondition: conditionOf('One aspect of a deployment\'s state: Available, Progressing, ReplicaFailure.', { lastUpdateTime: f('Time', 'When it was last updated.') }),
  ReplicaSet: kindOf('apps', 'v1', 'ReplicaSet', 'Keeps a number of identical pods running.', {
    spec: f('ReplicaSetSpec', 'The desired state of the replica set.'),
    status: f('ReplicaSetStatus', 'The observed state of the replica set, written by the system. Read-only.'),
  }),
  ReplicaSetSpec: { description: 'The pods of a replica set.', fields: { replicas, selector, template: f('PodTemplateSpec', 'The pods to create.'), minReadySeconds } },
  ReplicaSetStatus: {
    description: 'The observed state of a replica set.',
    fields: {
      replicas: f('integer', 'Pods of the replica set.', { required: true }),
      fullyLabeledReplicas: f('integer', 'Pods whose labels match the template\'s.'),
      readyReplicas: f('integer', 'Pods that are ready.'),
      availableReplicas: f('integer', 'Pods ready for at least minReadySeconds.'),
      observedGeneration: f('int64', 'The generation the controller last acted on.'),
      conditions: conditions('object'),
    },
  },
  DaemonSet: kindOf('apps', 'v1', 'DaemonSet', 'Runs one pod on every node that matches (nodes added later included).', {
    spec: f('DaemonSetSpec', 'The desired state of the daemon set.'),
    status: f('DaemonSetStatus', 'The observed state of the daemon set, written by the system. Read-only.'),
  }),
  DaemonSetSpec: {
    description: 'The pods of a daemon set and how they are replaced.',
    fields: { selector, template, updateStrategy: f('DaemonSetUpdateStrategy', 'How old pods are replaced.'), minReadySeconds, revisionHistoryLimit },
  },
  DaemonSetUpdateStrategy: {
    description: 'How a daemon set replaces its pods.',
    fields: { type: f('string', 'RollingUpdate (default) or OnDelete.'), rollingUpdate: f('object', 'maxUnavailable and maxSurge of a rolling update.') },
  },
  DaemonSetStatus: {
    description: 'The observed state of a daemon set.',
    fields: {
      currentNumberScheduled: f('integer', 'Nodes running a pod of the daemon set that should.', { required: true }),
      desiredNumberScheduled: f('integer', 'Nodes that should run a pod of the daemon set.', { required: true }),
      numberMisscheduled: f('integer', 'Nodes running a pod of the daemon set that should not.', { required: true }),
      numberReady: f('integer', 'Nodes whose pod of the daemon set is ready.', { required: true }),
      numberAvailable: f('integer', 'Nodes whose pod is ready for at least minReadySeconds.'),
      updatedNumberScheduled: f('integer', 'Nodes running the current template.'),
      observedGeneration: f('int64', 'The generation the controller last acted on.'),
      conditions: conditions('object'),
    },
  },
};
