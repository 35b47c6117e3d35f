import { describe, expect, it } from 'vitest';
import { checkPolicy, imageProblem, type K8sObject, kubectlAvailable, renderKustomization, type Violation } from '../src/index.ts';

const kubectl = await kubectlAvailable();

/** A workload that follows every rule, with the objects that make it highly available. */
function compliant(): K8sObject[] {
  const labels = { 'app.kubernetes.io/name': 'demo' };
  const meta = (name: string) => ({ name, namespace: 'ns' });
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta('demo'),
      spec: {
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
            topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: labels } }],
            containers: [
              {
                name: 'demo',
                image: 'registry.example.net/demo:1.2.3',
                resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '256Mi' } },
                livenessProbe: { httpGet: { path: '/livez', port: 'http' } },
                readinessProbe: { httpGet: { path: '/readyz', port: 'http' } },
                startupProbe: { httpGet: { path: '/livez', port: 'http' } },
                lifecycle: { preStop: { sleep: { seconds: 5 } } },
                env: [{ name: 'API_KEY', valueFrom: { secretKeyRef: { name: 'demo', key: 'API_KEY' } } }, { name: 'LOG_LEVEL', value: 'info' }],
                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
                volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
              },
            ],
            volumes: [{ name: 'tmp', emptyDir: {} }],
          },
        },
      },
    },
    { apiVersion: 'v1', kind: 'Service', metadata: meta('demo'), spec: { selector: labels, ports: [{ port: 80 }] } },
    { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: meta('demo'), spec: { maxUnavailable: 1, selector: { matchLabels: labels } } },
    { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: meta('demo'), spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'demo' }, minReplicas: 2, maxReplicas: 4 } },
    { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta('default-deny'), spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } },
  ];
}

/** The compliant set with its container changed by `change`. */
function withContainer(change: (container: Record<string, any>, pod: Record<string, any>) => void): K8sObject[] {
  const objects = compliant();
  const pod = (objects[0] as any).spec.template.spec;
  change(pod.containers[0], pod);
  return objects;
}

const rules = (violations: Violation[]) => violations.map((v) => v.rule);

describe('deployment policy', () => {
  it('when a workload follows every rule, then the policy finds nothing', () => {
    expect(checkPolicy(compliant())).toEqual([]);
  });

  it('when a container has no limits, then the policy fails on resources', () => {
    const violations = checkPolicy(withContainer((c) => delete c.resources.limits));
    expect(violations).toEqual([
      expect.objectContaining({ object: 'Deployment/ns/demo', container: 'demo', rule: 'resources', message: 'no cpu limit' }),
      expect.objectContaining({ rule: 'resources', message: 'no memory limit' }),
    ]);
  });

  it.each(['livenessProbe', 'readinessProbe', 'startupProbe'])('when a long-running container has no %s, then the policy fails on probes', (probe) => {
    expect(checkPolicy(withContainer((c) => delete c[probe]))).toEqual([expect.objectContaining({ rule: 'probes', message: `no ${probe}` })]);
  });

  it('when neither the pod nor the container says runAsNonRoot, then the policy fails on non-root', () => {
    expect(rules(checkPolicy(withContainer((_c, pod) => delete pod.securityContext.runAsNonRoot)))).toEqual(['non-root']);
  });

  it('when the container runs as uid 0, then the policy fails on non-root even with runAsNonRoot', () => {
    expect(rules(checkPolicy(withContainer((c) => (c.securityContext.runAsUser = 0))))).toEqual(['non-root']);
  });

  it('when the root filesystem is writable, then the policy fails on read-only-root-filesystem', () => {
    expect(rules(checkPolicy(withContainer((c) => (c.securityContext.readOnlyRootFilesystem = false))))).toEqual(['read-only-root-filesystem']);
  });

  it('when the root filesystem is read-only but /tmp is not an emptyDir, then the policy fails on tmp-volume', () => {
    expect(rules(checkPolicy(withContainer((c) => (c.volumeMounts = []))))).toEqual(['tmp-volume']);
  });

  it('when privilege escalation, capabilities or seccomp are left open, then the policy names each', () => {
    const violations = checkPolicy(
      withContainer((c, pod) => {
        delete c.securityContext.allowPrivilegeEscalation;
        c.securityContext.capabilities = { add: ['NET_ADMIN'] };
        delete pod.securityContext.seccompProfile;
      }),
    );
    expect(rules(violations).sort()).toEqual(['capabilities', 'capabilities', 'privilege-escalation', 'seccomp']);
  });

  it('when a secret-looking variable has a literal value, then the policy fails on secret-literal', () => {
    const violations = checkPolicy(withContainer((c) => c.env.push({ name: 'CATALOG_DATABASE_URL', value: 'postgres://u:p@h/db' })));
    expect(violations).toEqual([expect.objectContaining({ rule: 'secret-literal', message: expect.stringContaining('CATALOG_DATABASE_URL') })]);
  });

  it('when the image is latest or untagged, then the policy fails on image-tag', () => {
    expect(rules(checkPolicy(withContainer((c) => (c.image = 'registry.example.net/demo:latest'))))).toEqual(['image-tag']);
    expect(imageProblem('registry.example.net:5000/demo')).toMatch(/no tag/);
    expect(imageProblem('demo@sha256:' + 'a'.repeat(64))).toBeUndefined();
  });

  it('when the PodDisruptionBudget, autoscaler, Service or default-deny policy is missing, then the policy names each', () => {
    const objects = compliant().filter((o) => o.kind === 'Deployment');
    expect(rules(checkPolicy(objects)).sort()).toEqual(['autoscaler', 'default-deny', 'disruption-budget', 'service']);
  });

  it('when a Secret object or an Ingress without TLS is rendered, then the policy fails on them', () => {
    const objects = [
      ...compliant(),
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'leaked', namespace: 'ns' }, stringData: { KEY: 'value' } },
      { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'open', namespace: 'ns' }, spec: { rules: [{ host: 'x.example.net' }] } },
    ];
    expect(rules(checkPolicy(objects)).sort()).toEqual(['ingress-tls', 'secret-object']);
  });
});

describe.skipIf(!kubectl.available)(`deployment policy on a rendered overlay${kubectl.available ? '' : ` — skipped: ${kubectl.reason}`}`, () => {
  it('when an overlay removes limits, a probe, runAsNonRoot and the read-only root filesystem, then the policy fails on each, after kustomize', async () => {
    const objects = await renderKustomization(new URL('./fixtures/insecure-overlay', import.meta.url).pathname);
    const found = checkPolicy(objects).map((v) => `${v.object} ${v.rule}: ${v.message}`);
    expect(found.sort()).toEqual(
      [
        'Deployment/sva-dev/catalog resources: no cpu limit',
        'Deployment/sva-dev/catalog resources: no memory limit',
        'Deployment/sva-dev/catalog probes: no readinessProbe',
        'Deployment/sva-dev/subscriptions non-root: runAsNonRoot is not true',
        'Deployment/sva-dev/billing-status read-only-root-filesystem: readOnlyRootFilesystem is not true',
        'Deployment/sva-dev/neo-gateway secret-literal: LOGIN_HASH_KEY has a literal value: take it from a Secret',
      ].sort(),
    );
  });
});
