import * as models from 'kubernetes-models';
import { describe, type K8sObject } from './manifests.ts';

/** A model class of `kubernetes-models`: built from an object, `validate()` throws on a schema error. */
interface ModelClass {
  readonly apiVersion: string;
  readonly kind: string;
  new (data: object): { validate(): void };
}

let registry: Map<string, ModelClass> | undefined;

/** `apiVersion/kind` → model, for every built-in API type `kubernetes-models` ships. */
function modelRegistry(): Map<string, ModelClass> {
  if (registry) return registry;
  const found = new Map<string, ModelClass>();
  const walk = (namespace: object, depth: number) => {
    for (const value of Object.values(namespace)) {
      if (typeof value === 'function' && typeof value.apiVersion === 'string' && typeof value.kind === 'string') {
        found.set(`${value.apiVersion}/${value.kind}`, value as ModelClass);
      } else if (value && typeof value === 'object' && depth < 3) {
        walk(value as object, depth + 1);
      }
    }
  };
  walk(models, 0);
  registry = found;
  return found;
}

/**
 * Custom resources the deployment uses (CloudNativePG, Prometheus Operator). `kubernetes-models`
 * has no schema for them, so their essentials are checked here: what the operator refuses, or
 * what would make the example silently useless.
 */
const customResources: Record<string, (object: Record<string, unknown>) => string[]> = {
  'postgresql.cnpg.io/v1/Cluster': (o) => [
    ...need(o, 'spec.instances', (v) => Number.isInteger(v) && (v as number) >= 1, 'a positive integer'),
    ...need(o, 'spec.storage.size', (v) => typeof v === 'string', 'a quantity such as 20Gi'),
  ],
  'postgresql.cnpg.io/v1/Database': (o) => [
    ...need(o, 'spec.name', (v) => typeof v === 'string' && v !== '', 'the database name'),
    ...need(o, 'spec.owner', (v) => typeof v === 'string' && v !== '', 'the owning role'),
    ...need(o, 'spec.cluster.name', (v) => typeof v === 'string' && v !== '', 'the Cluster it lives in'),
  ],
  'monitoring.coreos.com/v1/PodMonitor': (o) => [
    ...need(o, 'spec.selector', (v) => typeof v === 'object' && v !== null, 'a label selector'),
    ...need(o, 'spec.podMetricsEndpoints', (v) => Array.isArray(v) && v.length > 0, 'at least one endpoint'),
  ],
  'monitoring.coreos.com/v1/PrometheusRule': (o) => {
    const groups = at(o, 'spec.groups');
    if (!Array.isArray(groups) || groups.length === 0) return ['spec.groups must list at least one group'];
    return groups.flatMap((group: Record<string, unknown>, i: number) => {
      const rules = group['rules'];
      if (typeof group['name'] !== 'string' || !Array.isArray(rules) || rules.length === 0) return [`spec.groups[${i}] needs a name and rules`];
      return rules.flatMap((rule: Record<string, unknown>, j: number) =>
        typeof rule['expr'] === 'string' && (typeof rule['alert'] === 'string' || typeof rule['record'] === 'string')
          ? []
          : [`spec.groups[${i}].rules[${j}] needs expr and alert (or record)`],
      );
    });
  },
};

/** Schema problems of one object (empty when valid). Objects of unknown types are a problem too. */
export function validateObject(object: K8sObject): string[] {
  const key = `${object.apiVersion}/${object.kind}`;
  const custom = customResources[key];
  if (custom) return custom(object as unknown as Record<string, unknown>).map((problem) => `${describe(object)}: ${problem}`);
  const Model = modelRegistry().get(key);
  if (!Model) return [`${describe(object)}: no schema for ${key} (not a Kubernetes API type this check knows)`];
  try {
    new Model(object).validate();
    return [];
  } catch (error) {
    return [`${describe(object)}: ${error instanceof Error ? error.message : String(error)}`];
  }
}

/** The value at a dotted path, or undefined. */
export function at(object: unknown, dotted: string): unknown {
  let current: unknown = object;
  for (const key of dotted.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function need(object: unknown, dotted: string, ok: (value: unknown) => boolean, what: string): string[] {
  return ok(at(object, dotted)) ? [] : [`${dotted} must be ${what}`];
}
