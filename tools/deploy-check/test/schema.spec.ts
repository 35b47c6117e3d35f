import { describe, expect, it } from 'vitest';
import { type K8sObject, parseManifests, unknownFields, validateObject } from '../src/index.ts';

const deployment = (container: Record<string, unknown>): K8sObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'demo', namespace: 'ns' },
  spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'demo', image: 'demo:1.0.0', ...container }] } } },
});

describe('schema validation', () => {
  it('when an object matches its API type, then it validates', () => {
    expect(validateObject(deployment({ ports: [{ containerPort: 80 }] }))).toEqual([]);
  });

  it('when a field has the wrong type, then validation names it', () => {
    expect(validateObject(deployment({ ports: [{ containerPort: 'eighty' }] }))).toEqual([expect.stringMatching(/^Deployment\/ns\/demo: .*containerPort/)]);
  });

  it('when the kind is unknown, then validation says there is no schema for it', () => {
    expect(validateObject({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } })).toEqual(['Widget/w: no schema for example.com/v1/Widget (not a Kubernetes API type this check knows)']);
  });

  it('when a CloudNativePG Database has no owner, then validation names the field', () => {
    expect(validateObject({ apiVersion: 'postgresql.cnpg.io/v1', kind: 'Database', metadata: { name: 'd' }, spec: { name: 'x', cluster: { name: 'c' } } })).toEqual(['Database/d: spec.owner must be the owning role']);
  });

  it('when a field is misspelt, then the strict check reports it where the schemas accept it', () => {
    const typo = deployment({ readinesProbe: { httpGet: { path: '/readyz', port: 80 } } });
    expect(validateObject(typo)).toEqual([]);
    expect(unknownFields([typo])).toEqual(['Deployment/ns/demo: spec.template.spec.containers[0].readinesProbe is not a field of IContainer']);
  });

  it('when YAML holds something that is not a Kubernetes object, then parsing refuses it', () => {
    expect(() => parseManifests('apiVersion: v1\nkind: ConfigMap\n---\n- a list\n')).toThrow(/not an object/);
  });
});
