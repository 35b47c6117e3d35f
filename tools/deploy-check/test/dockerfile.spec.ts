import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { execForm, lintDockerfile, parseDockerfile } from '../src/index.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dockerfile = readFileSync(`${root}/Dockerfile`, 'utf8');
const dockerignore = readFileSync(`${root}/.dockerignore`, 'utf8');

/** The repository's Dockerfile with one line replaced. */
const edited = (from: string | RegExp, to: string) => {
  const result = dockerfile.replace(from, to);
  if (result === dockerfile) throw new Error(`the Dockerfile has no ${String(from)}`);
  return result;
};

describe('Dockerfile', () => {
  it("when the repository's Dockerfile and .dockerignore are linted, then nothing is found", () => {
    expect(lintDockerfile(dockerfile, dockerignore)).toEqual([]);
  });

  it('when it is parsed, then it has a build, a dependency and a runtime stage, the last running node as a numeric non-root user', () => {
    const stages = parseDockerfile(dockerfile);
    expect(stages.map((s) => s.name)).toEqual(['build', 'deps', undefined]);
    const final = stages.at(-1)!;
    expect(final.image).toMatch(/^node:(22|24)\.\d+\.\d+-/);
    expect(execForm(final.instructions.find((i) => i.keyword === 'CMD')!.args)).toEqual(['node', 'main.mjs']);
    expect(final.instructions.find((i) => i.keyword === 'USER')!.args).toBe('1000:1000');
    expect(final.instructions.some((i) => i.keyword === 'HEALTHCHECK')).toBe(false);
  });

  it('when it is read, then every app with a build script can be built from it (the APP argument)', () => {
    const apps = readdirSync(`${root}/apps`).filter((app) => {
      const scripts = (JSON.parse(readFileSync(`${root}/apps/${app}/package.json`, 'utf8')) as { scripts?: Record<string, string> }).scripts ?? {};
      return scripts['build'] !== undefined;
    });
    expect(apps.sort()).toEqual(['billing-status', 'catalog', 'console', 'neo-gateway', 'subscriptions']);
    for (const app of apps) expect(dockerfile).toContain(app);
  });

  it.each([
    ['a base image on latest', edited(/^FROM node:[^ ]+ AS build$/m, 'FROM node:latest AS build'), /pin the base image/],
    ['an unpinned base image', edited(/^FROM node:[^ ]+ AS deps$/m, 'FROM node AS deps'), /pin the base image/],
    ['a runtime image that is not a Node LTS', edited(/^FROM node:[^ ]+$/m, 'FROM node:23.1.0-alpine'), /not a current Node LTS/],
    ['no USER', edited(/^USER .*$/m, ''), /no USER/],
    ['USER root', edited(/^USER .*$/m, 'USER 0'), /root/],
    ['a named USER', edited(/^USER .*$/m, 'USER node'), /numeric uid/],
    ['npm start as the command', edited(/^CMD .*$/m, 'CMD ["npm", "start"]'), /npm start/],
    ['a shell-form command', edited(/^CMD .*$/m, 'CMD node main.mjs'), /exec form/],
    ['node_modules installed with dev dependencies', edited('npm ci --omit=dev', 'npm ci'), /--omit=dev/],
    ['a secret baked into ENV', edited('ENV NODE_ENV=production', 'ENV NODE_ENV=production CATALOG_API_KEYS=abc'), /bake a secret/],
    ['a single stage', 'FROM node:24.11.1-alpine3.22\nUSER 1000\nCMD ["node", "main.mjs"]\n', /single-stage/],
  ])('when the Dockerfile has %s, then the lint fails', (_what, text, problem) => {
    expect(lintDockerfile(text, dockerignore)).toEqual(expect.arrayContaining([expect.stringMatching(problem)]));
  });

  it('when .dockerignore lets node_modules into the context, then the lint fails', () => {
    expect(lintDockerfile(dockerfile, dockerignore.replace('**/node_modules', ''))).toEqual(['.dockerignore does not exclude node_modules']);
  });

  it('when a RUN spans lines with a backslash and a comment between them, then it is one instruction', () => {
    const stages = parseDockerfile('FROM node:24.11.1-alpine3.22 AS a\nRUN echo one \\\n  # a comment\n  && echo two\nCMD ["node"]\n');
    expect(stages[0]!.instructions.map((i) => [i.keyword, i.args])).toEqual([
      ['RUN', 'echo one && echo two'],
      ['CMD', '["node"]'],
    ]);
  });
});
