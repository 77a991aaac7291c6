import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteDataSource } from '../../src/database/sqlite-data-source.js';
import { migrateSqlite } from '../../src/database/sqlite-migrator.js';

// A wrong embedded database path must stop the start with a message that says what to fix.
const dir = mkdtempSync(join(tmpdir(), 'baton-embedded-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const open = (file: string) => openSqliteDataSource({ file, migrate: (db) => migrateSqlite(db) });

describe('the embedded database at a bad path', () => {
  it('names the folder it cannot create and how to choose another', async () => {
    writeFileSync(join(dir, 'a-file'), '');
    await expect(open(join(dir, 'a-file', 'sub', 'baton.sqlite'))).rejects.toThrow(
      /^Cannot create .*a-file\/sub for the embedded database \(ENOTDIR\): point DATABASE_URL=sqlite:<path> at a writable place, or use mysql:\/\//,
    );
  });

  it('names a file that is not a database', async () => {
    const file = join(dir, 'not-a-database.sqlite');
    writeFileSync(file, 'this is not a SQLite file, but long enough to have a header of its own..........');
    await expect(open(file)).rejects.toThrow(`Cannot open the embedded database ${file}: file is not a database`);
  });

  it('opens a good path, creating its folder', async () => {
    const ds = await open(join(dir, 'new', 'deeper', 'baton.sqlite'));
    try {
      expect((await ds.query("SELECT name FROM scheduler_lease WHERE name = 'leader'")).map((r: { name: string }) => r.name)).toEqual(['leader']);
    } finally {
      await ds.destroy();
    }
  });
});
