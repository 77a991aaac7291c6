import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AppConfig, ConfigError } from '../../../src/config/app-config.js';
import { CONFIG_VARIABLES } from '../../../src/config/config-variables.js';

describe('AppConfig.fromEnv', () => {
  it('applies defaults', () => {
    const c = AppConfig.fromEnv({});
    expect(c.databaseUrl).toBe('sqlite:data/baton.sqlite');
    expect(c.port).toBe(8080);
    expect(c.databasePoolSize).toBe(10);
    expect(c.migrateOnStart).toBe(true);
    expect(c.nodeId).toMatch(/^[A-Za-z0-9._-]+-[0-9a-f]{8}$/);
    expect(c.advertiseUrl).toMatch(/^http:\/\/.+:8080$/);
  });

  it('reads and converts values', () => {
    const c = AppConfig.fromEnv({ PORT: '9090', MIGRATE_ON_START: 'off', NODE_ID: 'node-a', ADVERTISE_URL: 'http://a:9090', DATABASE_URL: 'mysql://u:p%40ss@db:3307/prod' });
    expect([c.port, c.migrateOnStart, c.nodeId, c.advertiseUrl]).toEqual([9090, false, 'node-a', 'http://a:9090']);
  });

  it('defaults ADVERTISE_URL to HOST and the port actually listened on', () => {
    const c = AppConfig.fromEnv({ PORT: '0', HOST: '127.0.0.1' });
    expect(c.advertiseUrl).toBe('http://127.0.0.1:0');
    c.setListeningPort(43125);
    expect(c.advertiseUrl).toBe('http://127.0.0.1:43125');
    expect(AppConfig.fromEnv({ HOST: '::1', PORT: '81' }).advertiseUrl).toBe('http://[::1]:81');
  });

  it('lists every bad variable in one error', () => {
    let error: unknown;
    try {
      AppConfig.fromEnv({ PORT: 'eighty', DATABASE_URL: 'postgres://x/y', MIGRATE_ON_START: 'perhaps', NODE_ID: 'has space', DATABASE_POOL_SIZE: '0' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(5);
    for (const name of ['PORT', 'DATABASE_URL', 'MIGRATE_ON_START', 'NODE_ID', 'DATABASE_POOL_SIZE']) {
      expect(problems.some((p) => p.startsWith(name))).toBe(true);
    }
  });

  it.each(['sqlite:/var/lib/baton/baton.sqlite', 'mysql://u:p@db:3306/baton', 'mariadb://db/baton'])('accepts DATABASE_URL %s', (url) => {
    expect(AppConfig.fromEnv({ DATABASE_URL: url }).databaseUrl).toBe(url);
  });

  it.each(['mysql://root@127.0.0.1:3306/', 'not a url', 'mysql://h/bad-name!', 'sqlite:'])('rejects DATABASE_URL %s', (url) => {
    expect(() => AppConfig.fromEnv({ DATABASE_URL: url })).toThrow(/DATABASE_URL/);
  });
});

describe('docs/configuration.md', () => {
  it('documents every variable the server reads', () => {
    const doc = readFileSync(new URL('../../../../docs/configuration.md', import.meta.url), 'utf8');
    for (const spec of Object.values(CONFIG_VARIABLES)) expect(doc, spec.name).toContain(`\`${spec.name}\``);
  });
});

describe('AppConfig.localUrlFor', () => {
  it('offers localhost when the server listens on every interface and nothing is advertised', () => {
    expect(AppConfig.fromEnv({}).localUrlFor(8080)).toBe('http://localhost:8080');
    expect(AppConfig.fromEnv({ HOST: '::' }).localUrlFor(81)).toBe('http://localhost:81');
  });

  it('offers nothing when HOST names one address or ADVERTISE_URL is set', () => {
    expect(AppConfig.fromEnv({ HOST: '127.0.0.1' }).localUrlFor(8080)).toBeNull();
    expect(AppConfig.fromEnv({ ADVERTISE_URL: 'https://baton.example.com' }).localUrlFor(8080)).toBeNull();
  });
});
