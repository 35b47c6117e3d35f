import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig as loadBillingConfig } from '@sva/billing-status';
import { appDatabaseVariable } from '@sva/db';
import { loadConfig as loadCatalogConfig } from '@sva/catalog';
import { loadConfig as loadConsoleConfig } from '@sva/console';
import { loadConfig as loadGatewayConfig } from '@sva/neo-gateway';
import { loadConfig as loadSubscriptionsConfig } from '@sva/subscriptions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  at,
  checkPolicy,
  containerEnvironment,
  findKustomizations,
  type K8sObject,
  kubectlAvailable,
  renderKustomization,
  type SecretReference,
  unknownFields,
  validateObject,
} from '../src/index.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const deployDir = path.join(root, 'deploy');
const kubectl = await kubectlAvailable();
const environments = ['dev', 'prod'] as const;
const services = ['catalog', 'subscriptions', 'billing-status', 'neo-gateway', 'console'] as const;
const loaders: Record<(typeof services)[number], (env: NodeJS.ProcessEnv) => unknown> = {
  catalog: loadCatalogConfig,
  subscriptions: loadSubscriptionsConfig,
  'billing-status': loadBillingConfig,
  'neo-gateway': loadGatewayConfig,
  console: loadConsoleConfig,
};

/** Plausible values for the Secret keys the manifests reference (the cluster holds the real ones). */
function fakeSecret({ key }: SecretReference): string {
  if (key.endsWith('DATABASE_URL')) return 'postgres://svc:pw@sva-pg-rw.postgres.svc:5432/svc?sslmode=verify-full&sslrootcert=/etc/sva/postgres-ca/ca.crt';
  if (key.endsWith('API_KEYS') || key.endsWith('SERVICE_API_KEY')) return 'an-operator-api-key-of-32-characters-x';
  return 'a-secret-of-at-least-thirty-two-characters-long';
}

const byKind = (objects: readonly K8sObject[], kind: string) => objects.filter((o) => o.kind === kind);
const named = (objects: readonly K8sObject[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
const podLabels = (workload: K8sObject) => (at(workload, 'spec.template.metadata.labels') as Record<string, string> | undefined) ?? {};

describe.skipIf(!kubectl.available)(`Kubernetes manifests (deploy/)${kubectl.available ? '' : ` — skipped: ${kubectl.reason}`}`, () => {
  const kustomizations = findKustomizations(deployDir).filter((k) => !k.component);
  const rendered = new Map<string, K8sObject[]>();
  const environment = (env: string) => [...rendered.get(`overlays/${env}`)!, ...rendered.get(`overlays/${env}/migrate`)!];

  beforeAll(async () => {
    for (const k of kustomizations) rendered.set(k.path, await renderKustomization(k.dir));
  });

  it('when deploy/ is searched, then both environments have an overlay for the services and one for the migrations', () => {
    const paths = kustomizations.map((k) => k.path);
    for (const env of environments) expect(paths).toEqual(expect.arrayContaining([`overlays/${env}`, `overlays/${env}/migrate`]));
  });

  it('when every kustomization is rendered by kubectl kustomize, then every object validates against the Kubernetes API schemas', () => {
    const problems = [...rendered.values()].flat().flatMap(validateObject);
    expect(problems).toEqual([]);
    expect([...rendered.values()].every((objects) => objects.length > 0)).toBe(true);
  });

  it('when every kustomization is rendered, then no object has a field its API type does not know (kubectl --validate=strict)', () => {
    expect(unknownFields([...rendered.values()].flat())).toEqual([]);
  });

  it.each(environments)('when the %s environment (services and migrations) is rendered, then it follows the policy', (env) => {
    expect(checkPolicy(environment(env))).toEqual([]);
  });

  it.each(environments)('when the %s overlay is rendered, then each service has a Deployment, Service, PodDisruptionBudget and HorizontalPodAutoscaler, and no Secret is committed', (env) => {
    const objects = rendered.get(`overlays/${env}`)!;
    for (const service of services) {
      for (const kind of ['Deployment', 'Service', 'PodDisruptionBudget', 'HorizontalPodAutoscaler']) {
        expect(named(objects, kind, service), `${kind} ${service}`).toBeDefined();
      }
    }
    expect(byKind(environment(env), 'Secret')).toEqual([]);
    expect(new Set(environment(env).map((o) => o.metadata.namespace))).toEqual(new Set([env === 'prod' ? 'sva' : 'sva-dev']));
  });

  it.each(environments)('when the %s overlay is rendered, then only the gateway and the console are reachable from outside, each through an Ingress with TLS', (env) => {
    const objects = rendered.get(`overlays/${env}`)!;
    const ingresses = byKind(objects, 'Ingress');
    expect(ingresses.map((i) => i.metadata.name).sort()).toEqual(['console', 'neo-gateway']);
    for (const ingress of ingresses) {
      const backends = JSON.stringify(at(ingress, 'spec.rules')).match(/"service":\{"name":"([^"]+)"/g);
      expect(backends).toEqual([`"service":{"name":"${ingress.metadata.name}"`]);
      expect(at(ingress, 'spec.tls')).toEqual([expect.objectContaining({ secretName: ingress.metadata.name === 'console' ? 'console-tls' : 'neo-gateway-tls' })]);
    }
    // The gateway's Ingress serves only the callbacks.
    expect(JSON.stringify(at(named(objects, 'Ingress', 'neo-gateway')!, 'spec.rules'))).toContain('"path":"/v1/callback/"');
    expect(byKind(objects, 'Service').every((s) => (at(s, 'spec.type') ?? 'ClusterIP') === 'ClusterIP')).toBe(true);
    // Ingress from another namespace's controller is allowed to the gateway's and the console's pods only.
    const fromIngressController = byKind(objects, 'NetworkPolicy').filter((p) => JSON.stringify(at(p, 'spec.ingress') ?? []).includes('ingress-nginx'));
    expect(fromIngressController.map((p) => JSON.stringify(at(p, 'spec.podSelector'))).sort()).toEqual([
      JSON.stringify({ matchLabels: { 'app.kubernetes.io/name': 'console' } }),
      JSON.stringify({ matchLabels: { 'app.kubernetes.io/name': 'neo-gateway' } }),
    ]);
  });

  it.each(environments)('when the %s overlay is rendered, then the console may call the three operator APIs and nothing else of the services', (env) => {
    const objects = rendered.get(`overlays/${env}`)!;
    const console_ = named(objects, 'Deployment', 'console')!;
    expect(podLabels(console_)).toMatchObject({ 'sva.io/operator-api-client': 'true', 'sva.io/postgres-client': 'true' });
    expect(podLabels(console_)['sva.io/nats-client']).toBeUndefined();
    const egress = byKind(objects, 'NetworkPolicy').filter((p) => JSON.stringify(at(p, 'spec.podSelector')) === JSON.stringify({ matchLabels: { 'app.kubernetes.io/name': 'console' } }) && at(p, 'spec.egress'));
    expect(egress.map((p) => p.metadata.name)).toEqual(['console-to-operator-apis']);
    expect(JSON.stringify(at(egress[0]!, 'spec.egress'))).toContain('"values":["catalog","subscriptions","billing-status"]');
    // The operator APIs admit it by its label; the gateway does not (it only takes the ingress).
    const operatorApis = named(objects, 'NetworkPolicy', 'operator-apis-from-clients')!;
    expect(JSON.stringify(at(operatorApis, 'spec.ingress'))).toContain('"sva.io/operator-api-client":"true"');
    // In Kubernetes the first admin comes from the one-time command, never from a start that logs a password.
    const { env: variables } = containerEnvironment(console_, 'console', objects, fakeSecret);
    expect(variables['CONSOLE_CREATE_FIRST_ADMIN']).toBe('false');
  });

  it.each(environments)('when the %s environment is rendered, then only the services with a database and their migration Jobs may reach PostgreSQL, and only the services NATS', (env) => {
    const workloads = environment(env).filter((o) => o.kind === 'Deployment' || o.kind === 'Job');
    const postgresClients = workloads.filter((w) => podLabels(w)['sva.io/postgres-client'] === 'true').map((w) => w.metadata.name).sort();
    const natsClients = workloads.filter((w) => podLabels(w)['sva.io/nats-client'] === 'true').map((w) => w.metadata.name).sort();
    expect(postgresClients).toEqual(['billing-status', 'billing-status-migrate', 'catalog', 'catalog-migrate', 'console', 'console-migrate', 'subscriptions', 'subscriptions-migrate']);
    expect(natsClients).toEqual(['billing-status', 'catalog', 'neo-gateway', 'subscriptions']);
    const policies = byKind(environment(env), 'NetworkPolicy');
    const toPort = (port: number) => policies.filter((p) => JSON.stringify(at(p, 'spec.egress') ?? []).includes(`"port":${port}`));
    expect(toPort(5432).map((p) => at(p, 'spec.podSelector'))).toEqual([{ matchLabels: { 'sva.io/postgres-client': 'true' } }]);
    expect(toPort(4222).map((p) => at(p, 'spec.podSelector'))).toEqual([{ matchLabels: { 'sva.io/nats-client': 'true' } }]);
  });

  it.each(environments)("when the %s overlay's ConfigMaps and Secret references are given to each service's loadConfig, then it starts without a configuration error", (env) => {
    const objects = rendered.get(`overlays/${env}`)!;
    for (const service of services) {
      const deployment = named(objects, 'Deployment', service)!;
      const { env: variables, missing } = containerEnvironment(deployment, service, objects, fakeSecret);
      expect(missing, service).toEqual([]);
      expect(() => loaders[service](variables), service).not.toThrow();
    }
  });

  it.each(environments)('when the %s migration Jobs are rendered, then each runs migrate.mjs from the same image as its service, with the database variable that service reads', (env) => {
    const services = rendered.get(`overlays/${env}`)!;
    const jobs = byKind(rendered.get(`overlays/${env}/migrate`)!, 'Job');
    expect(jobs.map((j) => j.metadata.name).sort()).toEqual(['billing-status-migrate', 'catalog-migrate', 'console-migrate', 'subscriptions-migrate']);
    for (const job of jobs) {
      const app = job.metadata.name.replace(/-migrate$/, '');
      const [container] = at(job, 'spec.template.spec.containers') as Array<{ image: string; command: string[] }>;
      const [serviceContainer] = at(named(services, 'Deployment', app)!, 'spec.template.spec.containers') as Array<{ image: string }>;
      expect(container!.image).toBe(serviceContainer!.image);
      expect(container!.command).toEqual(['node', 'migrate.mjs']);
      const { env: variables } = containerEnvironment(job, 'migrate', services, fakeSecret);
      expect(Object.keys(variables)).toContain(appDatabaseVariable(root, app));
      // Job pods must not be picked up by the service's Service, PodDisruptionBudget or autoscaler.
      expect(podLabels(job)['app.kubernetes.io/name']).not.toBe(app);
    }
  });

  it('when the environments are compared, then prod replicates streams on three NATS nodes and exports traces, and dev does neither', () => {
    // Generated ConfigMaps carry a content hash: sva-config-<hash>.
    const config = (env: string) => byKind(rendered.get(`overlays/${env}`)!, 'ConfigMap').find((c) => c.metadata.name.startsWith('sva-config-'))!['data'] as Record<string, string>;
    expect(config('prod')).toMatchObject({ NATS_STREAM_REPLICAS: '3', OTEL_TRACES_EXPORTER: 'otlp', OTEL_METRICS_EXPORTER: 'prometheus' });
    expect(config('prod')['OTEL_EXPORTER_OTLP_ENDPOINT']).toMatch(/^http/);
    expect(config('dev')).toMatchObject({ NATS_STREAM_REPLICAS: '1', OTEL_TRACES_EXPORTER: 'none' });
  });

  it('when deploy/README.md is read, then it explains how to create every Secret the manifests reference', () => {
    const readme = readFileSync(path.join(deployDir, 'README.md'), 'utf8');
    const referenced = new Set<string>();
    for (const env of environments) {
      for (const workload of environment(env).filter((o) => o.kind === 'Deployment' || o.kind === 'Job')) {
        const containers = at(workload, 'spec.template.spec.containers') as Array<{ name: string }>;
        for (const container of containers) {
          for (const reference of containerEnvironment(workload, container.name, environment(env), fakeSecret).secrets) referenced.add(`${reference.secret} ${reference.key}`);
        }
      }
    }
    expect(referenced.size).toBeGreaterThan(0);
    for (const reference of referenced) {
      const [secret, key] = reference.split(' ');
      expect(readme, `deploy/README.md should show how to create ${secret} (${key})`).toContain(secret);
      expect(readme, `deploy/README.md should name ${key}`).toContain(key);
    }
  });
});
