export { describe, findKustomizations, kubectlAvailable, parseManifests, renderKustomization, RenderError, type K8sObject, type Kustomization } from './manifests.ts';
export { at, validateObject } from './schema.ts';
export { checkPolicy, imageProblem, podSpecOf, type PolicyRule, type Violation } from './policy.ts';
export { execForm, lintDockerfile, parseDockerfile, type Instruction, type Stage } from './dockerfile.ts';
export { containerEnvironment, type ContainerEnvironment, type SecretReference } from './environment.ts';
export { unknownFields } from './strict-fields.ts';
