import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// There is no Docker engine in CI, so the images are never built here. These checks read the
// Dockerfile for the mistakes that would only show at `docker build` or at run time.
const read = (path: string) => readFileSync(fileURLToPath(new URL(`../../${path}`, import.meta.url)), 'utf8');
const dockerfile = read('Dockerfile');
const workspaces = (JSON.parse(read('package.json')) as { workspaces: string[] }).workspaces;

/** The instructions of each stage, by stage name, with line continuations joined. */
function stages(): Map<string, string[]> {
  const result = new Map<string, string[]>();
  let current: string[] | undefined;
  const lines = dockerfile.replace(/\\\n\s*/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  for (const line of lines) {
    const from = /^FROM\s+\S+(?:\s+AS\s+(\S+))?$/i.exec(line);
    if (from) result.set(from[1] ?? `stage${result.size}`, (current = []));
    else current?.push(line);
  }
  return result;
}

describe('Dockerfile', () => {
  const byStage = stages();
  const build = byStage.get('build')!;
  const server = byStage.get('server')!;
  const demo = byStage.get('demo-executor')!;

  it('has the build, demo-executor and server stages, the server last so a plain `docker build` makes it', () => {
    expect([...byStage.keys()]).toEqual(['build', 'demo-executor', 'server']);
  });

  it('copies every workspace\'s package.json before `npm ci`, which needs all of them', () => {
    const ci = build.findIndex((l) => l.startsWith('RUN npm ci'));
    expect(ci).toBeGreaterThan(0);
    for (const ws of workspaces) expect(build.slice(0, ci), `COPY ${ws}/package.json ${ws}/`).toContain(`COPY ${ws}/package.json ${ws}/`);
    expect(build.slice(0, ci)).toContain('COPY package.json package-lock.json tsconfig.base.json ./');
  });

  it('builds, then prunes dev dependencies', () => {
    expect(build).toContain('RUN npm run build && npm prune --omit=dev --no-audit --no-fund');
  });

  it('puts what the server reads at run time into the server image: its dist, the protocol, the console and sql/', () => {
    for (const path of ['package.json', 'node_modules', 'protocol/package.json', 'protocol/dist', 'server/package.json', 'server/dist', 'admin-ui/dist', 'sql']) {
      expect(server.some((l) => l.startsWith(`COPY --from=build /src/${path} `)), path).toBe(true);
    }
    expect(server).toContain('CMD ["node", "server/dist/main.js"]');
    expect(server.some((l) => /^HEALTHCHECK .*\/readyz/.test(l))).toBe(true);
  });

  it('puts the SDK build and its examples into the demo-executor image', () => {
    for (const path of ['node_modules', 'protocol/package.json', 'protocol/dist', 'executor-sdk/package.json', 'executor-sdk/dist']) {
      expect(demo.some((l) => l.startsWith(`COPY --from=build /src/${path} `)), path).toBe(true);
    }
    expect(demo).toContain('CMD ["node", "executor-sdk/dist/examples/demo-executor.js"]');
  });

  it('runs both images as the unprivileged node user', () => {
    for (const stage of [server, demo]) expect(stage.filter((l) => l.startsWith('USER ')).at(-1)).toBe('USER node');
  });
});

describe('.dockerignore', () => {
  it('keeps host installs, build output, secrets and git out of the build context', () => {
    const entries = read('.dockerignore').split('\n').map((l) => l.trim());
    for (const entry of ['.git', '**/node_modules', '**/dist', '.env', 'data']) expect(entries).toContain(entry);
  });
});
