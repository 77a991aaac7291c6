import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The publishable packages, packed as `npm publish` would pack them (from the build output that
// `npm test` makes first; --ignore-scripts skips `prepack`, which would rebuild dist under the
// feet of tests running in parallel), then installed into a fresh project outside the workspace.
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PACKAGES = ['protocol', 'executor-sdk'] as const;
type PackageDir = (typeof PACKAGES)[number];

interface PackageJson {
  name: string;
  version: string;
  private?: boolean;
  main?: string;
  types?: string;
  exports?: unknown;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

interface Packed {
  manifest: PackageJson;
  files: string[];
  tarball: string;
}

const DEPENDENCY_FIELDS = ['dependencies', 'peerDependencies', 'optionalDependencies'] as const;
const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

let scratch: string;
const packed = {} as Record<PackageDir, Packed>;

beforeAll(() => {
  for (const dir of PACKAGES) {
    if (!existsSync(join(ROOT, dir, 'dist/index.js'))) throw new Error(`${dir}/dist is missing: run \`npm run build\` first (the root \`npm test\` does).`);
  }
  scratch = mkdtempSync(join(tmpdir(), 'baton-pack-'));
  for (const dir of PACKAGES) {
    const out = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', scratch], { cwd: join(ROOT, dir), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const [info] = JSON.parse(out) as Array<{ filename: string; files: Array<{ path: string }> }>;
    packed[dir] = { manifest: readJson(join(ROOT, dir, 'package.json')), files: info!.files.map((f) => f.path).sort(), tarball: join(scratch, info!.filename) };
  }
}, 60_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** Every path string in an `exports` map, plus `main` and `types`. */
function entryTargets(manifest: PackageJson): string[] {
  const targets: string[] = [];
  const walk = (value: unknown) => {
    if (typeof value === 'string') targets.push(value);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(manifest.exports);
  for (const field of [manifest.main, manifest.types]) if (field) targets.push(field);
  return targets.map((t) => posix.normalize(t));
}

/** Module specifiers a compiled ESM file imports (static, side-effect and dynamic imports, re-exports). */
function importsOf(source: string): string[] {
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s*)['"]([^'"]+)['"]/gm;
  return [...source.matchAll(pattern)].map((m) => m[1]!);
}

describe.each(PACKAGES)('the %s package', (dir) => {
  it('holds the dist JavaScript and declarations, the README and package.json, and no sources, tests or source maps', () => {
    const { files } = packed[dir];
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts']));
    const stray = files.filter((f) => !['package.json', 'README.md', 'LICENSE'].includes(f) && !f.startsWith('dist/'));
    expect(stray).toEqual([]);
    expect(files.filter((f) => /\.map$|\.spec\.|\.test\.|(^|\/)(src|test)\//.test(f) || (f.endsWith('.ts') && !f.endsWith('.d.ts')))).toEqual([]);
    const js = files.filter((f) => f.endsWith('.js'));
    expect(js.filter((f) => !files.includes(f.replace(/\.js$/, '.d.ts')))).toEqual([]);
  });

  it('has every exports, main and types target in the package, with types for each entry point', () => {
    const { manifest, files } = packed[dir];
    const targets = entryTargets(manifest);
    expect(targets.length).toBeGreaterThan(0);
    expect(targets.filter((t) => !files.includes(t))).toEqual([]);
    for (const [entry, conditions] of Object.entries(manifest.exports as Record<string, unknown>)) {
      if (entry === './package.json') continue;
      expect(conditions, `exports["${entry}"]`).toMatchObject({ types: expect.stringMatching(/\.d\.ts$/), default: expect.stringMatching(/\.js$/) });
    }
  });

  it('depends on nothing under server/ or any unpublished workspace package, and imports only what it declares', () => {
    const { manifest, files } = packed[dir];
    expect(manifest.private).toBeFalsy();
    const declared = new Map<string, string>();
    for (const field of DEPENDENCY_FIELDS) for (const [name, spec] of Object.entries(manifest[field] ?? {})) declared.set(name, spec);
    for (const [name, spec] of declared) {
      expect(spec, `${name}'s version spec`).not.toMatch(/^(file|link|workspace|portal):|server/);
      if (name.startsWith('@baton/')) {
        // A workspace sibling: it must be one of the publishable packages, at the version depended on.
        const sibling = PACKAGES.find((p) => packed[p].manifest.name === name);
        expect(sibling, `${name} is a publishable package`).toBeDefined();
        expect(packed[sibling!].manifest.version).toBe(spec);
      }
    }
    const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
    for (const file of files.filter((f) => f.endsWith('.js') || f.endsWith('.d.ts'))) {
      for (const specifier of importsOf(readFileSync(join(ROOT, dir, file), 'utf8'))) {
        if (specifier.startsWith('.')) {
          expect(files, `${file} imports ${specifier}`).toContain(posix.normalize(posix.join(posix.dirname(file), specifier)));
          continue;
        }
        const pkg = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
        expect(builtins.has(specifier) || declared.has(pkg), `${file} imports ${specifier}, which is not a declared dependency`).toBe(true);
      }
    }
  });
});

describe('a fresh project using the packed packages', () => {
  let project: string;

  beforeAll(() => {
    project = join(scratch, 'consumer');
    for (const dir of PACKAGES) {
      const target = join(project, 'node_modules', packed[dir].manifest.name);
      mkdirSync(target, { recursive: true });
      execFileSync('tar', ['-xzf', packed[dir].tarball, '-C', target, '--strip-components=1']);
    }
    // Third-party dependencies come from the workspace's install (the machine has no registry
    // access to spare for this); node resolves their own dependencies from their real path.
    for (const name of ['socket.io-client', '@types/node']) {
      const link = join(project, 'node_modules', name);
      mkdirSync(dirname(link), { recursive: true });
      symlinkSync(join(ROOT, 'node_modules', name), link, 'dir');
    }
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  });

  it('imports the main entry, ./testing and the protocol, and runs a handler with the testing kit', () => {
    writeFileSync(
      join(project, 'use.mjs'),
      `import { createExecutor, createClient, NonRetryableError, ExecutorRefusedError, BatonApiError, SDK_VERSION } from '@baton/executor-sdk';
import { runHandler } from '@baton/executor-sdk/testing';
import { EXECUTOR_PROTOCOL_VERSION, RUN_STATUSES } from '@baton/protocol';
const executor = createExecutor({ servers: ['http://127.0.0.1:9'], app: 'billing', token: 't' });
executor.handle('report.build', async (ctx) => ({ customer: ctx.params.customer }));
const run = await runHandler(async (ctx) => { ctx.log('hi'); return ctx.params; }, { params: { n: 1 } });
const failed = await runHandler(async () => { throw new NonRetryableError('no'); });
createClient({ url: 'http://127.0.0.1:9', apiKey: 'k' });
let deepImport = 'allowed';
try { await import('@baton/executor-sdk/dist/executor.js'); } catch (e) { deepImport = e.code; }
console.log(JSON.stringify({ sdk: typeof SDK_VERSION, errors: [typeof ExecutorRefusedError, typeof BatonApiError], protocol: EXECUTOR_PROTOCOL_VERSION, statuses: RUN_STATUSES.length > 0, run, failed: [failed.outcome, failed.error.retryable], deepImport }));
`,
    );
    const result = spawnSync(process.execPath, ['use.mjs'], { cwd: project, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toMatchObject({
      sdk: 'string',
      errors: ['function', 'function'],
      protocol: 1,
      statuses: true,
      run: { outcome: 'SUCCEEDED', result: { n: 1 } },
      failed: ['FAILED', false],
      deepImport: 'ERR_PACKAGE_PATH_NOT_EXPORTED',
    });
  });

  it('type-checks a TypeScript consumer against the packed declarations (nodenext resolution)', () => {
    writeFileSync(
      join(project, 'use.ts'),
      `import { createExecutor, type RunContext, type ExecutorOptions } from '@baton/executor-sdk';
import { runHandler, type RunHandlerResult } from '@baton/executor-sdk/testing';
import type { CreateJobRequest } from '@baton/protocol';
const options: ExecutorOptions = { servers: ['http://localhost:8080'], app: 'billing', token: 't', concurrency: 2 };
const executor = createExecutor(options);
const handler = async (ctx: RunContext<{ customer: string }>) => ({ customer: ctx.params.customer.toUpperCase() });
executor.handle('report.build', handler);
export const result: Promise<RunHandlerResult> = runHandler(handler, { params: { customer: 'acme' } });
export const job: CreateJobRequest = { app: 'billing', name: 'r', handler: 'report.build', schedule: { type: 'NONE', expression: null } };
// @ts-expect-error: ./testing has no createExecutor, so this line must be an error
import { createExecutor as wrong } from '@baton/executor-sdk/testing';
export { wrong };
`,
    );
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'ES2023', strict: true, noEmit: true, skipLibCheck: false, types: ['node'] }, files: ['use.ts'] }),
    );
    const result = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: project, encoding: 'utf8' });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
