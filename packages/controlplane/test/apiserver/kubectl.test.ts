import { expect } from 'chai';
import type { ChildProcess } from 'node:child_process';
import { TestControlPlane, eventually } from '../support/control-plane.js';

const NAMESPACE = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
`;

const DEPLOYMENT_AND_SERVICE = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports:
        - containerPort: 80
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - port: 80
    targetPort: 80
`;

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: web-0
  labels: {app: web}
spec:
  nodeName: worker-1
  containers:
  - name: nginx
    image: nginx:1.27
`;

/** The proof of issue 7: the real kubectl against our apiserver on a three-member kvstore. */
describe('kube-apiserver with the real kubectl', function () {
  this.timeout(120_000);
  let cp: TestControlPlane;
  const watchers: ChildProcess[] = [];

  before(async () => {
    cp = await TestControlPlane.start();
  });

  after(async () => {
    for (const w of watchers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGTERM');
    await cp?.stop();
  });

  async function ok(args: string[], stdin?: string): Promise<string> {
    const run = await cp.kubectl(args, { stdin });
    expect(run.code, `kubectl ${args.join(' ')}: ${run.stderr}`).to.equal(0);
    return run.stdout;
  }

  it('lists the namespaces the apiserver bootstraps', async () => {
    const out = await ok(['get', 'namespaces']);
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) expect(out).to.match(new RegExp(`^${ns}\\s+Active`, 'm'));
  });

  it('creates a namespace with kubectl create (a protobuf body) and with apply -f', async () => {
    expect(await ok(['create', 'namespace', 'shop'])).to.contain('namespace/shop created');
    expect(await ok(['get', 'namespace', 'shop', '-o', 'jsonpath={.status.phase}'])).to.equal('Active');
    expect(await ok(['get', 'namespaces', '-l', 'kubernetes.io/metadata.name=shop', '-o', 'name'])).to.equal('namespace/shop\n');
    expect(await ok(['apply', '-f', '-'], NAMESPACE.replace('shop', 'depot'))).to.contain('namespace/depot created');
    expect(await ok(['delete', 'namespace', 'depot'])).to.contain('namespace "depot" deleted');
  });

  it('creates configmaps, secrets and service accounts with kubectl create', async () => {
    await ok(['create', 'configmap', 'flags', '-n', 'shop', '--from-literal=a=1', '--from-literal=b=2']);
    await ok(['create', 'secret', 'generic', 'db', '-n', 'shop', '--from-literal=password=hunter2']);
    await ok(['create', 'serviceaccount', 'robot', '-n', 'shop']);
    expect(JSON.parse(await ok(['get', 'configmap', 'flags', '-n', 'shop', '-o', 'json'])).data).to.deep.equal({ a: '1', b: '2' });
    const secret = JSON.parse(await ok(['get', 'secret', 'db', '-n', 'shop', '-o', 'json']));
    expect(secret.type).to.equal('Opaque');
    expect(Buffer.from(secret.data.password, 'base64').toString()).to.equal('hunter2');
    expect(await ok(['get', 'serviceaccounts', '-n', 'shop', '-o', 'name'])).to.equal('serviceaccount/default\nserviceaccount/robot\n');
  });

  it('creates a Deployment and Services with kubectl create (protobuf bodies), zero replicas and named target ports kept', async () => {
    await ok(['create', 'deployment', 'api', '-n', 'shop', '--image=node:20', '--replicas=0', '--port=8080', '--', 'node', 'server.js']);
    const deployment = JSON.parse(await ok(['get', 'deployment', 'api', '-n', 'shop', '-o', 'json']));
    expect(deployment.spec.replicas).to.equal(0);
    expect(deployment.spec.selector).to.deep.equal({ matchLabels: { app: 'api' } });
    const [container] = deployment.spec.template.spec.containers;
    expect(container).to.deep.include({ name: 'node', image: 'node:20', command: ['node', 'server.js'], ports: [{ containerPort: 8080, protocol: 'TCP' }] });
    expect(deployment.spec.template.spec.restartPolicy).to.equal('Always');
    await ok(['create', 'service', 'clusterip', 'api', '-n', 'shop', '--tcp=80:8080', '--tcp=81:metrics']);
    const service = JSON.parse(await ok(['get', 'service', 'api', '-n', 'shop', '-o', 'json']));
    expect(service.spec.ports.map((p: { port: number; targetPort: unknown }) => [p.port, p.targetPort])).to.deep.equal([[80, 8080], [81, 'metrics']]);
    expect(service.spec.selector).to.deep.equal({ app: 'api' });
    await ok(['delete', 'deployment', 'api', '-n', 'shop']);
    await ok(['delete', 'service', 'api', '-n', 'shop']);
  });

  it('applies a Deployment and a Service from YAML, and a second apply changes nothing', async () => {
    const out = await ok(['apply', '-n', 'shop', '-f', '-'], DEPLOYMENT_AND_SERVICE);
    expect(out).to.contain('deployment.apps/web created');
    expect(out).to.contain('service/web created');
    const again = await ok(['apply', '-n', 'shop', '-f', '-'], DEPLOYMENT_AND_SERVICE);
    expect(again).to.contain('deployment.apps/web unchanged');
    expect(again).to.contain('service/web unchanged');
  });

  it('gets them as tables, with defaults filled in and a cluster IP allocated', async () => {
    const out = await ok(['get', 'deployments,services', '-n', 'shop']);
    expect(out).to.match(/deployment\.apps\/web\s+0\/2\s+0\s+0\s+\d+s/);
    expect(out).to.match(/service\/web\s+ClusterIP\s+10\.\d+\.\d+\.\d+\s+<none>\s+80\/TCP/);
    const deployment = JSON.parse(await ok(['get', 'deployment', 'web', '-n', 'shop', '-o', 'json', '--show-managed-fields']));
    expect(deployment.spec.strategy.type).to.equal('RollingUpdate');
    expect(deployment.metadata.generation).to.equal(1);
    expect(deployment.metadata.uid).to.match(/^[0-9a-f-]{36}$/);
    expect(deployment.metadata.managedFields[0].manager).to.equal('kubectl-client-side-apply');
  });

  it('explains fields from the served OpenAPI schemas', async () => {
    const containers = await ok(['explain', 'pods.spec.containers']);
    expect(containers).to.match(/^FIELD: containers <\[\]Container>$/m);
    expect(containers).to.match(/^  name\t<string> -required-$/m);
    expect(containers).to.match(/^  ports\t<\[\]ContainerPort>$/m);
    const strategy = await ok(['explain', 'deployments.spec.strategy']);
    expect(strategy).to.match(/^GROUP:\s+apps$/m);
    expect(strategy).to.match(/^  rollingUpdate\t<RollingUpdateDeployment>$/m);
  });

  it('describes the Deployment', async () => {
    const out = await ok(['describe', 'deployment', 'web', '-n', 'shop']);
    expect(out).to.match(/^Name:\s+web$/m);
    expect(out).to.match(/^Replicas:\s+2 desired/m);
    expect(out).to.match(/Image:\s+nginx:1\.27/);
  });

  it('patches with strategic merge and JSON merge patches, bumping the generation only for spec', async () => {
    await ok(['patch', 'deployment', 'web', '-n', 'shop', '-p', '{"spec":{"replicas":3,"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.28"}]}}}}']);
    await ok(['patch', 'deployment', 'web', '-n', 'shop', '--type', 'merge', '-p', '{"metadata":{"annotations":{"team":"storefront"}}}']);
    const deployment = JSON.parse(await ok(['get', 'deployment', 'web', '-n', 'shop', '-o', 'json']));
    expect(deployment.spec.replicas).to.equal(3);
    expect(deployment.spec.template.spec.containers).to.have.length(1);
    expect(deployment.spec.template.spec.containers[0]).to.include({ name: 'nginx', image: 'nginx:1.28' });
    expect(deployment.spec.template.spec.containers[0].ports).to.deep.equal([{ containerPort: 80, protocol: 'TCP' }]);
    expect(deployment.metadata.annotations.team).to.equal('storefront');
    expect(deployment.metadata.generation).to.equal(2);
  });

  it('edits the Deployment through an editor (kubectl edit sends a strategic merge patch)', async () => {
    const editor = "sed -i -e 's/team: storefront/team: checkout/'";
    const run = await cp.kubectl(['edit', 'deployment', 'web', '-n', 'shop'], { env: { KUBE_EDITOR: editor } });
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.contain('deployment.apps/web edited');
    expect(await ok(['get', 'deployment', 'web', '-n', 'shop', '-o', 'jsonpath={.metadata.annotations.team}'])).to.equal('checkout');
  });

  it('scales the Deployment through its scale subresource', async () => {
    expect(await ok(['scale', 'deployment', 'web', '-n', 'shop', '--replicas=4'])).to.contain('deployment.apps/web scaled');
    expect(await ok(['get', 'deployment', 'web', '-n', 'shop', '-o', 'jsonpath={.spec.replicas}'])).to.equal('4');
  });

  it('labels the Service and selects it by label', async () => {
    expect(await ok(['label', 'service', 'web', '-n', 'shop', 'tier=frontend'])).to.contain('service/web labeled');
    expect(await ok(['get', 'services', '-n', 'shop', '-l', 'tier=frontend', '-o', 'name'])).to.equal('service/web\n');
    expect(await ok(['get', 'services', '-n', 'shop', '-l', 'tier=backend', '-o', 'name'])).to.equal('');
  });

  it('shows a pod, its node and IP with get pods -o wide', async () => {
    await ok(['apply', '-n', 'shop', '-f', '-'], POD);
    await ok(['patch', 'pod', 'web-0', '-n', 'shop', '--subresource=status', '--type=merge', '-p', '{"status":{"phase":"Running","podIP":"10.244.1.7"}}']);
    const out = await ok(['get', 'pods', '-n', 'shop', '-o', 'wide']);
    expect(out).to.match(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/m);
    expect(out).to.match(/^web-0\s+0\/1\s+Running\s+0\s+\S+\s+10\.244\.1\.7\s+worker-1\s+<none>\s+<none>$/m);
    expect(await ok(['get', 'pods', '-A', '--field-selector', 'spec.nodeName=worker-1', '-o', 'name'])).to.equal('pod/web-0\n');
    expect(await ok(['get', 'pods', '-A', '--field-selector', 'status.phase=Pending', '-o', 'name'])).to.equal('');
  });

  it('streams changes to get -w', async () => {
    await ok(['apply', '-n', 'shop', '-f', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  color: blue\n');
    const watcher = cp.spawnKubectl(['get', 'configmaps', '-n', 'shop', '-w', '--output-watch-events']);
    watchers.push(watcher);
    let out = '';
    watcher.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    watcher.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const seen = (pattern: RegExp, what: string) => eventually(() => (pattern.test(out) ? true : undefined), 30_000, `${what} in get -w (got ${JSON.stringify(out)})`);
    await seen(/^ADDED\s+settings\s+1\s/m, 'the initial state');
    await ok(['patch', 'configmap', 'settings', '-n', 'shop', '--type', 'merge', '-p', '{"data":{"size":"large"}}']);
    await seen(/^MODIFIED\s+settings\s+2\s/m, 'the change');
    await ok(['delete', 'configmap', 'settings', '-n', 'shop']);
    await seen(/^DELETED\s+settings\s+2\s/m, 'the deletion');
    watcher.kill('SIGTERM');
  });

  it('applies server-side, creating the object and then merging into it as the Apply manager', async () => {
    const config = (size: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: limits\n  namespace: shop\ndata:\n  size: "${size}"\n`;
    expect(await ok(['apply', '--server-side', '-f', '-'], config('1'))).to.contain('configmap/limits serverside-applied');
    expect(await ok(['apply', '--server-side', '-f', '-'], config('2'))).to.contain('configmap/limits serverside-applied');
    const applied = JSON.parse(await ok(['get', 'configmap', 'limits', '-n', 'shop', '-o', 'json', '--show-managed-fields']));
    expect(applied.data).to.deep.equal({ size: '2' });
    expect(applied.metadata.managedFields.map((f: { manager: string; operation: string }) => `${f.manager}/${f.operation}`)).to.deep.equal(['kubectl/Apply']);
  });

  it('answers a user without rights with 403 Forbidden', async () => {
    const run = await cp.kubectl(['get', 'pods', '-n', 'shop'], { kubeconfig: cp.nobodyKubeconfig });
    expect(run.code).to.equal(1);
    expect(run.stderr).to.contain('Error from server (Forbidden): pods is forbidden: User "nobody" cannot list resource "pods" in API group "" in the namespace "shop"');
    const whoami = await cp.kubectl(['auth', 'whoami'], { kubeconfig: cp.nobodyKubeconfig });
    expect(whoami.stdout).to.match(/^Username\s+nobody$/m);
    expect(whoami.stdout).to.match(/^Groups\s+\[system:authenticated\]$/m);
    const canI = await cp.kubectl(['auth', 'can-i', 'list', 'pods', '-n', 'shop'], { kubeconfig: cp.nobodyKubeconfig });
    expect(canI.code).to.equal(1);
    expect(canI.stdout).to.equal('no\n');
  });

  it('grants that user rights with a Role and RoleBinding, in their namespace only', async () => {
    await ok(['apply', '-n', 'shop', '-f', '-'], `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: pod-reader
rules:
- apiGroups: [""]
  resources: [pods]
  verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: nobody-reads-pods
subjects:
- kind: User
  name: nobody
  apiGroup: rbac.authorization.k8s.io
roleRef:
  kind: Role
  name: pod-reader
  apiGroup: rbac.authorization.k8s.io
`);
    // RBAC reads roles and bindings from the watch caches, which follow the store asynchronously.
    const allowed = await eventually(async () => {
      const run = await cp.kubectl(['get', 'pods', '-n', 'shop', '-o', 'name'], { kubeconfig: cp.nobodyKubeconfig });
      return run.code === 0 ? run : undefined;
    }, 30_000, 'the RoleBinding to take effect');
    expect(allowed.stdout).to.equal('pod/web-0\n');
    expect((await cp.kubectl(['auth', 'can-i', 'list', 'pods', '-n', 'shop'], { kubeconfig: cp.nobodyKubeconfig })).stdout).to.equal('yes\n');
    expect((await cp.kubectl(['auth', 'can-i', 'delete', 'pods', '-n', 'shop'], { kubeconfig: cp.nobodyKubeconfig })).stdout).to.equal('no\n');
    const elsewhere = await cp.kubectl(['get', 'pods', '-n', 'default'], { kubeconfig: cp.nobodyKubeconfig });
    expect(elsewhere.stderr).to.contain('Error from server (Forbidden): pods is forbidden: User "nobody" cannot list resource "pods" in API group "" in the namespace "default"');
    const write = await cp.kubectl(['delete', 'pod', 'web-0', '-n', 'shop'], { kubeconfig: cp.nobodyKubeconfig });
    expect(write.stderr).to.contain('Error from server (Forbidden): pods "web-0" is forbidden: User "nobody" cannot delete resource "pods" in API group "" in the namespace "shop"');
  });

  it('mints a service-account token with kubectl create token, which authenticates as the service account', async () => {
    const token = (await ok(['create', 'token', 'default', '-n', 'shop', '--duration=1h'])).trim();
    expect(token.split('.')).to.have.length(3);
    const kubeconfig = await cp.kubeconfigWithToken('shop-default', token);
    const run = await cp.kubectl(['get', 'configmaps', '-n', 'shop'], { kubeconfig });
    expect(run.code).to.equal(1);
    expect(run.stderr).to.contain('Error from server (Forbidden): configmaps is forbidden: User "system:serviceaccount:shop:default" cannot list resource "configmaps" in API group "" in the namespace "shop"');
    const forged = await cp.kubectl(['get', 'configmaps', '-n', 'shop'], { kubeconfig: await cp.kubeconfigWithToken('forged', `${token.slice(0, -4)}AAAA`) });
    expect(forged.stderr).to.contain('error: You must be logged in to the server (Unauthorized)');
  });

  it('rejects an invalid object with 422 naming the field', async () => {
    const run = await cp.kubectl(['apply', '-n', 'shop', '-f', '-'], { stdin: DEPLOYMENT_AND_SERVICE.replace('replicas: 2', 'replicas: -1') });
    expect(run.code).to.equal(1);
    expect(run.stderr).to.contain('The Deployment "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0');
  });

  it('refuses an update with a stale resourceVersion with 409 Conflict', async () => {
    const stale = JSON.parse(await ok(['get', 'service', 'web', '-n', 'shop', '-o', 'json']));
    await ok(['label', 'service', 'web', '-n', 'shop', 'tier=edge', '--overwrite']);
    stale.metadata.labels.tier = 'stale';
    const run = await cp.kubectl(['replace', '-f', '-'], { stdin: JSON.stringify(stale) });
    expect(run.code).to.equal(1);
    expect(run.stderr).to.contain('Error from server (Conflict)');
    expect(run.stderr).to.contain('the object has been modified; please apply your changes to the latest version and try again');
    expect(await ok(['get', 'service', 'web', '-n', 'shop', '-o', 'jsonpath={.metadata.labels.tier}'])).to.equal('edge');
  });

  it('deletes the Deployment, then the namespace and everything in it', async () => {
    expect(await ok(['delete', 'deployment', 'web', '-n', 'shop'])).to.contain('deployment.apps "web" deleted');
    const missing = await cp.kubectl(['get', 'deployment', 'web', '-n', 'shop']);
    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.contain('Error from server (NotFound): deployments.apps "web" not found');
    // No kubelet runs here to finish a graceful pod deletion, so the pod goes at once (as `--force` does).
    expect(await ok(['delete', 'pod', 'web-0', '-n', 'shop', '--grace-period=0', '--force'])).to.contain('pod "web-0" force deleted');
    expect(await ok(['delete', 'namespace', 'shop', '--wait=true', '--timeout=60s'])).to.contain('namespace "shop" deleted');
    expect(await ok(['get', 'services,pods', '-A', '--field-selector', 'metadata.namespace=shop', '-o', 'name'])).to.equal('');
  });
});
