// One ESLint config for the workspace. The boundary rules are the point of it:
// - project tags (scope:*, type:*) decide which project may import which;
// - a service's `domain/` folder may not import transport or database packages.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const transportAndDatabase = [
  'fastify', 'fastify-*', '@fastify/*',
  '@nats-io/*',
  '@prisma/*', '**/generated/prisma/**',
  'pg', 'pg-*',
  '@sva/bus', '@sva/db', '@sva/outbox', '@sva/service-kit', '@sva/testing',
];

/**
 * Which project may import which. Tests may also use the testing libs (real PostgreSQL/NATS
 * provisioning, the NEO simulator); production code may not.
 */
const depConstraints = (forTests) => {
  const testing = forTests ? ['type:testing'] : [];
  return [
    // contracts are the only thing services share about each other, and import zod only
    { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: [...testing], allowedExternalImports: forTests ? undefined : ['zod'] },
    // the kernel (errors, clock) is importable by domain code, so it imports nothing
    { sourceTag: 'type:kernel', onlyDependOnLibsWithTags: [...testing], allowedExternalImports: forTests ? undefined : ['node:*'] },
    { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:infra', 'type:kernel', 'type:contracts', ...testing] },
    { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:infra', 'type:kernel', 'type:contracts', 'type:testing'] },
    { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:infra', 'type:kernel', 'type:contracts', ...testing] },
    // a service depends on shared libs only: never on another service
    { sourceTag: 'scope:catalog', onlyDependOnLibsWithTags: ['scope:catalog', 'scope:shared'] },
    { sourceTag: 'scope:subscriptions', onlyDependOnLibsWithTags: ['scope:subscriptions', 'scope:shared'] },
    { sourceTag: 'scope:billing-status', onlyDependOnLibsWithTags: ['scope:billing-status', 'scope:shared'] },
    { sourceTag: 'scope:neo-gateway', onlyDependOnLibsWithTags: ['scope:neo-gateway', 'scope:shared'] },
    // the console talks to the services over HTTP only (their OpenAPI documents), never by import
    { sourceTag: 'scope:console', onlyDependOnLibsWithTags: ['scope:console', 'scope:shared'] },
    { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
    // tools (embedded runner, simulator, benchmarks) compose the services
    { sourceTag: 'scope:tools', onlyDependOnLibsWithTags: ['*'] },
  ].map((c) => (c.allowedExternalImports === undefined ? (({ allowedExternalImports: _, ...rest }) => rest)(c) : c));
};

const boundaries = (forTests) => [
  'error',
  { enforceBuildableLibDependency: false, allow: [], depConstraints: depConstraints(forTests) },
];

const testFiles = ['**/*.spec.ts', '**/test/**/*.ts', '**/test/**/*.tsx'];

export default [
  { ignores: ['**/node_modules/**', '**/dist/**', '**/generated/**', '**/.data/**', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@nx/enforce-module-boundaries': boundaries(false),
    },
  },
  {
    files: testFiles,
    rules: {
      '@nx/enforce-module-boundaries': boundaries(true),
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // Each project's vitest config re-exports the workspace's shared settings.
    files: ['**/vitest.config.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
  {
    // Domain rules are plain functions: no HTTP, no bus, no database, no ambient clock.
    files: ['apps/*/src/domain/**/*.ts', 'apps/*/src/*/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: transportAndDatabase, message: 'domain code is pure: no transport or database imports (CONVENTIONS.md, Architecture).' }],
      }],
    },
  },
];
