import { describe, type K8sObject } from './manifests.ts';
import { at } from './schema.ts';

interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: {
    readonly secretKeyRef?: { readonly name: string; readonly key: string; readonly optional?: boolean };
    readonly configMapKeyRef?: { readonly name: string; readonly key: string; readonly optional?: boolean };
    readonly fieldRef?: { readonly fieldPath: string };
  };
}

interface EnvFrom {
  readonly configMapRef?: { readonly name: string; readonly optional?: boolean };
  readonly secretRef?: { readonly name: string; readonly optional?: boolean };
  readonly prefix?: string;
}

/** A Secret key a container reads, which someone must create in the cluster. */
export interface SecretReference {
  readonly secret: string;
  readonly key: string;
}

/** What a container would see at run time, as far as the manifests tell. */
export interface ContainerEnvironment {
  readonly env: Record<string, string>;
  /** Secret keys referenced, filled in `env` by `secretValue`. */
  readonly secrets: readonly SecretReference[];
  /** References to ConfigMaps (or keys) that are not in the rendered manifests. */
  readonly missing: readonly string[];
}

/**
 * The environment of `containerName` in a workload, as Kubernetes would build it: `envFrom`
 * ConfigMaps, then `env` entries in order with `$(VAR)` expanded; Secret values come from
 * `secretValue` (the manifests only name them) and downward-API fields are placeholders.
 */
export function containerEnvironment(
  workload: K8sObject,
  containerName: string,
  objects: readonly K8sObject[],
  secretValue: (reference: SecretReference) => string,
): ContainerEnvironment {
  const template = workload.kind === 'CronJob' ? 'spec.jobTemplate.spec.template.spec' : 'spec.template.spec';
  const containers = (at(workload, `${template}.containers`) as Array<{ name: string; env?: EnvVar[]; envFrom?: EnvFrom[] }> | undefined) ?? [];
  const container = containers.find((c) => c.name === containerName);
  if (!container) throw new Error(`${describe(workload)} has no container ${containerName}`);
  const namespace = workload.metadata.namespace;
  const configMap = (name: string) =>
    objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name && o.metadata.namespace === namespace) as
      | (K8sObject & { data?: Record<string, string> })
      | undefined;
  const env: Record<string, string> = {};
  const secrets: SecretReference[] = [];
  const missing: string[] = [];
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) {
      const found = configMap(source.configMapRef.name);
      if (!found) {
        if (!source.configMapRef.optional) missing.push(`ConfigMap ${source.configMapRef.name}`);
        continue;
      }
      for (const [key, value] of Object.entries(found.data ?? {})) env[`${source.prefix ?? ''}${key}`] = value;
    } else if (source.secretRef) {
      missing.push(`Secret ${source.secretRef.name} imported whole: name its keys instead`);
    }
  }
  for (const variable of container.env ?? []) {
    if (variable.value !== undefined) {
      env[variable.name] = variable.value.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name: string) => env[name] ?? whole);
    } else if (variable.valueFrom?.secretKeyRef) {
      const reference = { secret: variable.valueFrom.secretKeyRef.name, key: variable.valueFrom.secretKeyRef.key };
      secrets.push(reference);
      env[variable.name] = secretValue(reference);
    } else if (variable.valueFrom?.configMapKeyRef) {
      const { name, key, optional } = variable.valueFrom.configMapKeyRef;
      const value = configMap(name)?.data?.[key];
      if (value === undefined) {
        if (!optional) missing.push(`ConfigMap ${name} key ${key}`);
      } else env[variable.name] = value;
    } else if (variable.valueFrom?.fieldRef) {
      env[variable.name] = `<${variable.valueFrom.fieldRef.fieldPath}>`;
    }
  }
  return { env, secrets, missing };
}
