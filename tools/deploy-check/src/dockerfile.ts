import { imageProblem, secretName } from './policy.ts';

/** One Dockerfile instruction: keyword (upper case), its arguments, and the line it starts on. */
export interface Instruction {
  readonly keyword: string;
  readonly args: string;
  readonly line: number;
}

/** A build stage: its `FROM` and what follows until the next one. */
export interface Stage {
  readonly image: string;
  readonly name: string | undefined;
  readonly instructions: readonly Instruction[];
}

/**
 * Split a Dockerfile into stages of instructions: comments and blank lines dropped, lines ending
 * in `\` joined (continuation lines may be interleaved with comments, as Docker allows).
 */
export function parseDockerfile(text: string): Stage[] {
  const instructions: Instruction[] = [];
  let pending: { keyword: string; parts: string[]; line: number } | undefined;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line.startsWith('#') || (line === '' && !pending)) return;
    const continues = line.endsWith('\\');
    const body = continues ? line.slice(0, -1).trim() : line;
    if (pending) pending.parts.push(body);
    else {
      const match = /^(\S+)\s*(.*)$/.exec(body);
      if (!match) return;
      pending = { keyword: match[1]!.toUpperCase(), parts: [match[2]!], line: index + 1 };
    }
    if (!continues) {
      instructions.push({ keyword: pending.keyword, args: pending.parts.filter(Boolean).join(' ').trim(), line: pending.line });
      pending = undefined;
    }
  });
  if (pending) instructions.push({ keyword: pending.keyword, args: pending.parts.join(' ').trim(), line: pending.line });

  const stages: Array<{ image: string; name: string | undefined; instructions: Instruction[] }> = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const words = instruction.args.split(/\s+/).filter((word) => !word.startsWith('--'));
      const asIndex = words.findIndex((word) => word.toUpperCase() === 'AS');
      stages.push({ image: words[0] ?? '', name: asIndex >= 0 ? words[asIndex + 1] : undefined, instructions: [] });
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return stages;
}

/** The words of an exec-form (JSON array) instruction, or undefined for the shell form. */
export function execForm(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined;
  try {
    const parsed: unknown = JSON.parse(args);
    return Array.isArray(parsed) && parsed.every((word) => typeof word === 'string') ? parsed : undefined;
  } catch {
    return undefined;
  }
}

const packageManager = /\b(npm|npx|yarn|pnpm|corepack)\b/;

/**
 * What this project asks of its image, checked offline (no container engine here):
 * - multi-stage, every base image pinned to a version tag or digest (never `latest`), the final
 *   one a Node LTS (an even major, 22 or later);
 * - the final stage runs as a numeric non-root `USER` (Kubernetes' runAsNonRoot can verify it);
 * - its `CMD` is exec form and starts `node` directly, so node is PID 1 and receives SIGTERM —
 *   no `npm start`, no shell, no `ENTRYPOINT` in shell form;
 * - `node_modules` copied into it comes from an install without dev dependencies;
 * - no remote `ADD`, no secret-looking `ENV`/`ARG`;
 * - no `HEALTHCHECK` is required: Kubernetes probes `/livez` and `/readyz`.
 * `dockerignore` (the `.dockerignore` text) must keep `node_modules`, `.git` and `.env` out of the context.
 */
export function lintDockerfile(text: string, dockerignore?: string): string[] {
  const problems: string[] = [];
  const stages = parseDockerfile(text);
  if (stages.length < 2) problems.push('single-stage build: build tools would ship in the image');
  const stageNames = new Set(stages.map((stage) => stage.name).filter(Boolean));
  for (const stage of stages) {
    if (stageNames.has(stage.image) || stage.image === 'scratch') continue;
    if (stage.image.includes('$')) problems.push(`FROM ${stage.image}: the base image is a variable, so it cannot be checked`);
    else if (imageProblem(stage.image) !== undefined) problems.push(`FROM ${stage.image}: pin the base image to a version tag (or a digest), never latest`);
  }
  const final = stages.at(-1);
  if (!final) return ['no FROM'];
  const nodeMajor = /^(?:docker\.io\/(?:library\/)?)?node:(\d+)/.exec(final.image)?.[1];
  if (!nodeMajor || Number(nodeMajor) < 22 || Number(nodeMajor) % 2 !== 0) {
    problems.push(`final image ${final.image} is not a current Node LTS (node:22 or node:24)`);
  }

  const user = final.instructions.filter((i) => i.keyword === 'USER').at(-1)?.args;
  if (!user) problems.push('the final stage has no USER: it would run as root');
  else if (!/^\d+(:\d+)?$/.test(user)) problems.push(`USER ${user}: use a numeric uid (runAsNonRoot cannot verify a name)`);
  else if (user.split(':')[0] === '0') problems.push('USER 0 is root');

  const cmd = final.instructions.filter((i) => i.keyword === 'CMD').at(-1);
  const entrypoint = final.instructions.filter((i) => i.keyword === 'ENTRYPOINT').at(-1);
  if (entrypoint && !execForm(entrypoint.args)) problems.push(`ENTRYPOINT ${entrypoint.args}: shell form puts a shell in front of node`);
  if (!cmd) problems.push('the final stage has no CMD');
  else {
    const words = execForm(cmd.args);
    if (!words) problems.push(`CMD ${cmd.args}: use the exec form ["node", "main.mjs"] so node is PID 1 and gets SIGTERM`);
    else if (!entrypoint && words[0] !== 'node') problems.push(`CMD ${cmd.args}: start node itself, not ${words[0]}`);
  }
  for (const instruction of [cmd, entrypoint]) {
    if (instruction && packageManager.test(instruction.args)) problems.push(`${instruction.keyword} ${instruction.args}: no package manager at run time (npm start does not forward signals)`);
  }
  for (const stage of stages) {
    for (const instruction of stage.instructions) {
      if (/\bnpm\s+(run\s+)?start\b/.test(instruction.args)) problems.push(`line ${instruction.line}: npm start`);
      if (instruction.keyword === 'ADD' && /https?:\/\//.test(instruction.args)) problems.push(`line ${instruction.line}: ADD of a URL (download in a RUN with a checksum instead)`);
      if (instruction.keyword === 'ENV' || instruction.keyword === 'ARG') {
        for (const name of instruction.args.split(/\s+/).map((word) => word.split('=')[0]!)) {
          if (secretName.test(name)) problems.push(`line ${instruction.line}: ${instruction.keyword} ${name} would bake a secret into the image`);
        }
      }
    }
  }
  for (const copy of final.instructions.filter((i) => i.keyword === 'COPY' && i.args.includes('node_modules'))) {
    const from = /--from=(\S+)/.exec(copy.args)?.[1];
    const source = stages.find((stage) => stage.name === from);
    const installs = source?.instructions.filter((i) => i.keyword === 'RUN' && /\bnpm\s+(ci|install)\b/.test(i.args)) ?? [];
    if (!source || installs.length === 0 || installs.some((i) => !/--omit=dev|--production\b/.test(i.args))) {
      problems.push(`line ${copy.line}: node_modules copied into the image must come from an install with --omit=dev`);
    }
  }
  if (dockerignore !== undefined) {
    const ignored = dockerignore.split(/\r?\n/).map((line) => line.trim());
    for (const [what, patterns] of [
      ['node_modules', ['node_modules', '**/node_modules', 'node_modules/']],
      ['.git', ['.git', '.git/']],
      ['.env', ['.env', '.env*', '*.env']],
    ] as const) {
      if (!patterns.some((pattern) => ignored.includes(pattern))) problems.push(`.dockerignore does not exclude ${what}`);
    }
  }
  return problems;
}
