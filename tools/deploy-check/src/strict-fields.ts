import { createRequire } from 'node:module';
import path from 'node:path';
import ts from 'typescript';
import { describe, type K8sObject } from './manifests.ts';

const require = createRequire(import.meta.url);

/**
 * Fields the API server would reject as unknown (`kubectl apply --validate=strict`, the default):
 * `kubernetes-models`' JSON schemas accept any extra property, so a misspelt `readinesProbe` or
 * `topologySpreadConstrains` would pass them and be dropped by the cluster — silently. The model
 * interfaces in its type declarations list every field of every API type; the TypeScript checker
 * walks them alongside each object. Objects of kinds it has no declarations for are skipped
 * (`validateObject` reports those).
 *
 * Returns one finding per unknown field, e.g. `Deployment/sva/catalog: spec.template.spec.containers[0].readinesProbe is not a field of IContainer`.
 */
export function unknownFields(objects: readonly K8sObject[]): string[] {
  const modelsDir = path.dirname(require.resolve('kubernetes-models'));
  const targets = objects
    .map((object) => ({ object, file: path.join(modelsDir, object.apiVersion, `${object.kind}.d.ts`) }))
    .filter(({ file }) => ts.sys.fileExists(file));
  if (targets.length === 0) return [];

  // One virtual module declaring a value of each object's model interface.
  const root = path.join(modelsDir, '__deploy_check__.ts');
  const kinds = [...new Set(targets.map((t) => t.file))];
  const source = kinds
    .map((file, i) => `import type { I${path.basename(file, '.d.ts')} as T${i} } from ${JSON.stringify(file.replace(/\.d\.ts$/, ''))};\nexport declare const v${i}: T${i};`)
    .join('\n');
  const options: ts.CompilerOptions = { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, strict: true, noEmit: true, skipLibCheck: true, types: [] };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, language, onError, shouldCreate) =>
    fileName === root ? ts.createSourceFile(fileName, source, language) : getSourceFile(fileName, language, onError, shouldCreate);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (fileName) => fileName === root || fileExists(fileName);
  const program = ts.createProgram([root], options, host);
  const checker = program.getTypeChecker();
  const rootFile = program.getSourceFile(root)!;
  const exports = checker.getExportsOfModule(checker.getSymbolAtLocation(rootFile)!);
  const typeOfFile = new Map(kinds.map((file, i) => [file, checker.getTypeOfSymbolAtLocation(exports.find((e) => e.name === `v${i}`)!, rootFile)]));

  const problems: string[] = [];
  for (const { object, file } of targets) {
    walk(object, typeOfFile.get(file)!, '', (where, field, owner) => problems.push(`${describe(object)}: ${where ? `${where}.` : ''}${field} is not a field of ${owner}`));
  }
  return problems;

  function walk(value: unknown, type: ts.Type, where: string, report: (where: string, field: string, owner: string) => void): void {
    const t = checker.getNonNullableType(type);
    if (t.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return;
    if (Array.isArray(value)) {
      const element = arrayElement(t);
      if (element) value.forEach((item, i) => walk(item, element, `${where}[${i}]`, report));
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const shape = objectMember(t);
    if (!shape || checker.getIndexTypeOfType(shape, ts.IndexKind.String)) return;
    for (const [key, child] of Object.entries(value)) {
      const property = shape.getProperty(key);
      if (!property) {
        report(where, key, checker.typeToString(shape));
        continue;
      }
      walk(child, checker.getTypeOfSymbolAtLocation(property, rootFile), where ? `${where}.${key}` : key, report);
    }
  }

  function arrayElement(type: ts.Type): ts.Type | undefined {
    for (const member of type.isUnion() ? type.types : [type]) {
      const element = checker.getIndexTypeOfType(member, ts.IndexKind.Number);
      if (element && member.getProperty('length')) return element;
    }
    return undefined;
  }

  function objectMember(type: ts.Type): ts.Type | undefined {
    const members = (type.isUnion() ? type.types : [type]).filter((member) => member.flags & ts.TypeFlags.Object && !arrayElement(member));
    return members.length === 1 ? members[0] : undefined;
  }
}
