import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';

const run = promisify(execFile);

/** A Kubernetes object as rendered: what every object has, the rest left open. */
export interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
  };
  readonly [field: string]: unknown;
}

/** `Kind/name`, or `Kind/namespace/name`: how findings name an object. */
export function describe(object: K8sObject): string {
  return object.metadata.namespace ? `${object.kind}/${object.metadata.namespace}/${object.metadata.name}` : `${object.kind}/${object.metadata.name}`;
}

/** Rendering failed, or produced something that is not a list of Kubernetes objects. */
export class RenderError extends Error {
  override readonly name = 'RenderError';
}

/** Whether `kubectl` answers (`kubectl version --client`); its kustomize renders offline. */
export async function kubectlAvailable(): Promise<{ available: true } | { available: false; reason: string }> {
  try {
    await run('kubectl', ['version', '--client'], { timeout: 20_000 });
    return { available: true };
  } catch (error) {
    return { available: false, reason: `kubectl is not installed or does not run (${error instanceof Error ? error.message.split('\n')[0] : String(error)})` };
  }
}

/** `kubectl kustomize <dir>`, parsed. Offline: kustomize needs no cluster. */
export async function renderKustomization(dir: string): Promise<K8sObject[]> {
  let stdout: string;
  try {
    ({ stdout } = await run('kubectl', ['kustomize', dir], { maxBuffer: 32 * 1024 * 1024, timeout: 60_000 }));
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr;
    throw new RenderError(`kubectl kustomize ${dir} failed: ${stderr?.trim() || String(error)}`);
  }
  return parseManifests(stdout, dir);
}

/** Parse multi-document YAML into objects; every document must be a Kubernetes object. */
export function parseManifests(text: string, source = 'manifest'): K8sObject[] {
  const objects: K8sObject[] = [];
  for (const document of parseAllDocuments(text)) {
    if (document.errors.length > 0) throw new RenderError(`${source}: ${document.errors.map((e) => e.message).join('; ')}`);
    const value: unknown = document.toJS();
    if (value === null || value === undefined) continue;
    if (!isObject(value)) throw new RenderError(`${source}: a document is not an object`);
    objects.push(value);
  }
  return objects;
}

function isObject(value: unknown): value is K8sObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const candidate = value as Record<string, unknown>;
  const metadata = candidate['metadata'] as Record<string, unknown> | undefined;
  return typeof candidate['apiVersion'] === 'string' && typeof candidate['kind'] === 'string' && typeof metadata?.['name'] === 'string';
}

/** A kustomization directory under `deploy/` and whether it is a Component (included, not applied alone). */
export interface Kustomization {
  /** Relative to the deploy folder, e.g. `overlays/prod/migrate`. */
  readonly path: string;
  readonly dir: string;
  readonly component: boolean;
}

/** Every folder under `deployDir` holding a `kustomization.yaml`, sorted. */
export function findKustomizations(deployDir: string): Kustomization[] {
  const found: Kustomization[] = [];
  const walk = (dir: string) => {
    const file = path.join(dir, 'kustomization.yaml');
    if (existsSync(file)) {
      const component = /^kind:\s*Component\s*$/m.test(readFileSync(file, 'utf8'));
      found.push({ path: path.relative(deployDir, dir) || '.', dir, component });
    }
    for (const entry of readdirSync(dir)) {
      const child = path.join(dir, entry);
      if (statSync(child).isDirectory()) walk(child);
    }
  };
  walk(deployDir);
  return found.sort((a, b) => a.path.localeCompare(b.path));
}
