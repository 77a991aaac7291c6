import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '@baton/protocol';
import { httpStatusFor } from '../../../src/common/errors/http-status.js';

describe('docs/api.md error table', () => {
  it('lists every error code under the status the server answers it with', () => {
    const doc = readFileSync(new URL('../../../../docs/api.md', import.meta.url), 'utf8');
    const rows = new Map<number, string>();
    for (const m of doc.matchAll(/^\| (\d{3}) \| (.+) \|$/gm)) rows.set(Number(m[1]), m[2]!);
    for (const code of ERROR_CODES) expect(rows.get(httpStatusFor(code)) ?? '', `${code} (${httpStatusFor(code)})`).toContain(`\`${code}\``);
  });
});
