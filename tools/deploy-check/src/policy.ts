import { describe, type K8sObject } from './manifests.ts';
import { at } from './schema.ts';

/** The rules a rendered set of manifests must follow; each finding names one. */
export type PolicyRule =
  | 'resources'
  | 'probes'
  | 'pre-stop'
  | 'non-root'
  | 'read-only-root-filesystem'
  | 'privilege-escalation'
  | 'capabilities'
  | 'seccomp'
  | 'host-namespaces'
  | 'service-account-token'
  | 'tmp-volume'
  | 'image-tag'
  | 'secret-literal'
  | 'secret-object'
  | 'topology-spread'
  | 'disruption-budget'
  | 'autoscaler'
  | 'service'
  | 'ingress-tls'
  | 'default-deny';

/** One broken rule. */
export interface Violation {
  readonly object: string;
  readonly container?: string;
  readonly rule: PolicyRule;
  readonly message: string;
}

interface SecurityContext {
  readonly runAsNonRoot?: boolean;
  readonly runAsUser?: number;
  readonly readOnlyRootFilesystem?: boolean;
  readonly allowPrivilegeEscalation?: boolean;
  readonly privileged?: boolean;
  readonly capabilities?: { readonly drop?: readonly string[]; readonly add?: readonly string[] };
  readonly seccompProfile?: { readonly type?: string };
}

interface Container {
  readonly name: string;
  readonly image?: string;
  readonly resources?: { readonly limits?: Record<string, unknown>; readonly requests?: Record<string, unknown> };
  readonly securityContext?: SecurityContext;
  readonly livenessProbe?: unknown;
  readonly readinessProbe?: unknown;
  readonly startupProbe?: unknown;
  readonly lifecycle?: { readonly preStop?: unknown };
  readonly env?: ReadonlyArray<{ readonly name: string; readonly value?: string; readonly valueFrom?: unknown }>;
  readonly volumeMounts?: ReadonlyArray<{ readonly name: string; readonly mountPath: string }>;
}

interface PodSpec {
  readonly containers?: readonly Container[];
  readonly initContainers?: readonly Container[];
  readonly securityContext?: SecurityContext;
  readonly automountServiceAccountToken?: boolean;
  readonly hostNetwork?: boolean;
  readonly hostPID?: boolean;
  readonly hostIPC?: boolean;
  readonly volumes?: ReadonlyArray<{ readonly name: string; readonly emptyDir?: unknown; readonly hostPath?: unknown }>;
  readonly topologySpreadConstraints?: readonly unknown[];
}

/** Kinds that run until stopped: they need probes, a graceful stop and the availability objects. */
const longRunning = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

/** Environment variables whose value must come from a Secret, never be written in a manifest. */
/** Environment variable names that hold secrets (`…_API_KEYS`, `…_DATABASE_URL`, …): never a literal value in a manifest or an image. */
export const secretName = /(^|_)(KEYS?|SECRETS?|PASSWORD|TOKEN|CREDENTIALS|DATABASE_URL)$/i;

/** The pod template of a workload, or undefined for other kinds. */
export function podSpecOf(object: K8sObject): PodSpec | undefined {
  switch (object.kind) {
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
    case 'Job':
      return at(object, 'spec.template.spec') as PodSpec | undefined;
    case 'CronJob':
      return at(object, 'spec.jobTemplate.spec.template.spec') as PodSpec | undefined;
    case 'Pod':
      return at(object, 'spec') as PodSpec | undefined;
    default:
      return undefined;
  }
}

/**
 * Check a rendered overlay against the deployment's rules:
 * - every container: CPU and memory requests and limits; non-root; read-only root filesystem with
 *   an emptyDir at /tmp; no privilege escalation; ALL capabilities dropped; seccomp RuntimeDefault;
 *   an image pinned to a version (not `latest`); no secret-looking variable with a literal value;
 * - pods: no host namespaces, no service account token unless asked for;
 * - long-running workloads: liveness, readiness and startup probes, a preStop hook, topology
 *   spread, and a PodDisruptionBudget, a HorizontalPodAutoscaler and a Service that select them;
 * - no Secret objects at all (secret values are never committed), Ingresses with TLS for every
 *   host, and a default-deny NetworkPolicy in every namespace that runs workloads.
 */
export function checkPolicy(objects: readonly K8sObject[]): Violation[] {
  const violations: Violation[] = [];
  const workloadNamespaces = new Set<string>();
  for (const object of objects) {
    const spec = podSpecOf(object);
    if (spec) {
      workloadNamespaces.add(object.metadata.namespace ?? '');
      violations.push(...checkPod(object, spec));
      if (longRunning.has(object.kind)) violations.push(...checkAvailability(object, spec, objects));
    }
    if (object.kind === 'Secret') {
      violations.push({ object: describe(object), rule: 'secret-object', message: 'secret values are never committed: reference Secrets created in the cluster instead' });
    }
    if (object.kind === 'Ingress') violations.push(...checkIngress(object));
  }
  for (const namespace of workloadNamespaces) {
    const denied = objects.some(
      (o) =>
        o.kind === 'NetworkPolicy' &&
        (o.metadata.namespace ?? '') === namespace &&
        isEmptySelector(at(o, 'spec.podSelector')) &&
        ['Ingress', 'Egress'].every((type) => ((at(o, 'spec.policyTypes') as string[] | undefined) ?? []).includes(type)) &&
        at(o, 'spec.ingress') === undefined &&
        at(o, 'spec.egress') === undefined,
    );
    if (!denied) {
      violations.push({ object: `Namespace/${namespace || '(default)'}`, rule: 'default-deny', message: 'no default-deny NetworkPolicy (empty podSelector, Ingress and Egress, no rules)' });
    }
  }
  return violations;
}

function checkPod(object: K8sObject, spec: PodSpec): Violation[] {
  const name = describe(object);
  const found: Violation[] = [];
  const pod = spec.securityContext ?? {};
  if (spec.hostNetwork || spec.hostPID || spec.hostIPC) found.push({ object: name, rule: 'host-namespaces', message: 'shares a host namespace' });
  if (spec.automountServiceAccountToken !== false) {
    found.push({ object: name, rule: 'service-account-token', message: 'mounts a service account token it does not need (set automountServiceAccountToken: false)' });
  }
  const emptyDirs = new Set((spec.volumes ?? []).filter((volume) => volume.emptyDir !== undefined).map((volume) => volume.name));
  const isLongRunning = longRunning.has(object.kind);
  for (const container of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    const add = (rule: PolicyRule, message: string) => found.push({ object: name, container: container.name, rule, message });
    const context = container.securityContext ?? {};
    for (const resource of ['cpu', 'memory']) {
      if (container.resources?.limits?.[resource] === undefined) add('resources', `no ${resource} limit`);
      if (container.resources?.requests?.[resource] === undefined) add('resources', `no ${resource} request`);
    }
    const nonRoot = context.runAsNonRoot ?? pod.runAsNonRoot;
    const user = context.runAsUser ?? pod.runAsUser;
    if (nonRoot !== true) add('non-root', 'runAsNonRoot is not true');
    if (user === 0) add('non-root', 'runs as user 0');
    if (context.readOnlyRootFilesystem !== true) add('read-only-root-filesystem', 'readOnlyRootFilesystem is not true');
    else if (!(container.volumeMounts ?? []).some((mount) => mount.mountPath === '/tmp' && emptyDirs.has(mount.name))) {
      add('tmp-volume', 'read-only root filesystem without an emptyDir at /tmp');
    }
    if (context.allowPrivilegeEscalation !== false) add('privilege-escalation', 'allowPrivilegeEscalation is not false');
    if (context.privileged) add('privilege-escalation', 'privileged');
    if (!(context.capabilities?.drop ?? []).includes('ALL')) add('capabilities', 'does not drop ALL capabilities');
    if ((context.capabilities?.add ?? []).length > 0) add('capabilities', `adds capabilities ${context.capabilities?.add?.join(', ')}`);
    const seccomp = context.seccompProfile?.type ?? pod.seccompProfile?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') add('seccomp', 'no RuntimeDefault (or Localhost) seccomp profile');
    const tagProblem = imageProblem(container.image);
    if (tagProblem) add('image-tag', tagProblem);
    for (const variable of container.env ?? []) {
      if (variable.value !== undefined && secretName.test(variable.name)) add('secret-literal', `${variable.name} has a literal value: take it from a Secret`);
    }
    const isInit = (spec.initContainers ?? []).includes(container);
    if (isLongRunning && !isInit) {
      for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
        if (container[probe] === undefined) add('probes', `no ${probe}`);
      }
      if (container.lifecycle?.preStop === undefined) add('pre-stop', 'no preStop hook: the pod may be killed while still receiving traffic');
    }
  }
  return found;
}

function checkAvailability(object: K8sObject, spec: PodSpec, objects: readonly K8sObject[]): Violation[] {
  const name = describe(object);
  const found: Violation[] = [];
  const namespace = object.metadata.namespace;
  const labels = (at(object, 'spec.template.metadata.labels') as Record<string, string> | undefined) ?? {};
  const sameNamespace = (o: K8sObject) => o.metadata.namespace === namespace;
  if ((spec.topologySpreadConstraints ?? []).length === 0) found.push({ object: name, rule: 'topology-spread', message: 'no topologySpreadConstraints' });
  if (object.kind !== 'DaemonSet') {
    const budget = objects.some((o) => o.kind === 'PodDisruptionBudget' && sameNamespace(o) && selects(at(o, 'spec.selector'), labels));
    if (!budget) found.push({ object: name, rule: 'disruption-budget', message: 'no PodDisruptionBudget selects its pods' });
    const scaler = objects.some(
      (o) => o.kind === 'HorizontalPodAutoscaler' && sameNamespace(o) && at(o, 'spec.scaleTargetRef.kind') === object.kind && at(o, 'spec.scaleTargetRef.name') === object.metadata.name,
    );
    if (!scaler) found.push({ object: name, rule: 'autoscaler', message: 'no HorizontalPodAutoscaler targets it' });
  }
  const service = objects.some((o) => o.kind === 'Service' && sameNamespace(o) && matchLabels(at(o, 'spec.selector') as Record<string, string> | undefined, labels));
  if (!service) found.push({ object: name, rule: 'service', message: 'no Service selects its pods' });
  return found;
}

function checkIngress(object: K8sObject): Violation[] {
  const tls = (at(object, 'spec.tls') as Array<{ hosts?: string[]; secretName?: string }> | undefined) ?? [];
  const covered = new Set(tls.filter((entry) => entry.secretName).flatMap((entry) => entry.hosts ?? []));
  const hosts = ((at(object, 'spec.rules') as Array<{ host?: string }> | undefined) ?? []).map((rule) => rule.host);
  const uncovered = hosts.filter((host) => host === undefined || !covered.has(host));
  if (tls.length === 0 || uncovered.length > 0) {
    return [{ object: describe(object), rule: 'ingress-tls', message: `hosts without TLS: ${uncovered.map((h) => h ?? '(any host)').join(', ') || '(all)'}` }];
  }
  return [];
}

/** Why an image reference is not pinned, or undefined when it is (a version tag or a digest). */
export function imageProblem(image: string | undefined): string | undefined {
  if (!image) return 'no image';
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return undefined;
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  if (colon < 0) return `${image} has no tag (it means latest)`;
  const tag = lastSegment.slice(colon + 1);
  if (tag === 'latest' || !/\d/.test(tag)) return `${image} is not pinned to a version`;
  return undefined;
}

function isEmptySelector(selector: unknown): boolean {
  if (selector === undefined || selector === null) return true;
  if (typeof selector !== 'object') return false;
  const { matchLabels, matchExpressions } = selector as { matchLabels?: object; matchExpressions?: unknown[] };
  return (matchLabels === undefined || Object.keys(matchLabels).length === 0) && (matchExpressions === undefined || matchExpressions.length === 0);
}

function matchLabels(wanted: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  if (!wanted || Object.keys(wanted).length === 0) return false;
  return Object.entries(wanted).every(([key, value]) => labels[key] === value);
}

/** Whether a label selector (matchLabels and matchExpressions) selects `labels`. An empty one selects nothing here. */
function selects(selector: unknown, labels: Record<string, string>): boolean {
  if (!selector || typeof selector !== 'object') return false;
  const { matchLabels: wanted, matchExpressions } = selector as {
    matchLabels?: Record<string, string>;
    matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
  };
  if (isEmptySelector(selector)) return false;
  const labelsOk = Object.entries(wanted ?? {}).every(([key, value]) => labels[key] === value);
  const expressionsOk = (matchExpressions ?? []).every((expression) => {
    const value = labels[expression.key];
    switch (expression.operator) {
      case 'In':
        return value !== undefined && (expression.values ?? []).includes(value);
      case 'NotIn':
        return value === undefined || !(expression.values ?? []).includes(value);
      case 'Exists':
        return value !== undefined;
      case 'DoesNotExist':
        return value === undefined;
      default:
        return false;
    }
  });
  return labelsOk && expressionsOk;
}
