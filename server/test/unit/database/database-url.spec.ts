import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { databaseTarget, DEFAULT_DATABASE_URL } from '../../../src/database/database-url.js';

describe('databaseTarget', () => {
  it('puts the default embedded file under the working directory', () => {
    expect(databaseTarget(DEFAULT_DATABASE_URL)).toEqual({ engine: 'sqlite', file: resolve(process.cwd(), 'data/baton.sqlite') });
  });

  it.each([
    ['sqlite:/var/lib/baton/b.sqlite', '/var/lib/baton/b.sqlite'],
    ['sqlite:///var/lib/baton/b.sqlite', '/var/lib/baton/b.sqlite'],
    ['sqlite:data/with%20space.sqlite', resolve(process.cwd(), 'data/with space.sqlite')],
    ['sqlite::memory:', ':memory:'],
  ])('reads %s as the file %s', (url, file) => {
    expect(databaseTarget(url)).toEqual({ engine: 'sqlite', file });
  });

  it('reads a MySQL URL into connection options', () => {
    expect(databaseTarget('mysql://u:p%40ss@db:3307/prod')).toEqual({ engine: 'mysql', connection: { host: 'db', port: 3307, user: 'u', password: 'p@ss', database: 'prod' } });
  });
});
