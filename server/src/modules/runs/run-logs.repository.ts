import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { LogLine, RunLogChunkDto } from '@baton/protocol';
import { dialectOf } from '../../database/sql-dialect.js';

export type AppendOutcome = 'stored' | 'duplicate' | 'truncated' | 'dropped' | 'no-run';

/** Truncation marker: the one line stored in place of what no longer fits. */
export const TRUNCATION_MESSAGE = 'log truncated: this run reached RUN_LOG_MAX_BYTES; later lines were dropped';

@Injectable()
export class RunLogsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Stores one batch of lines as chunk `seq` of the run. A re-sent batch (same seq) is ignored.
   * Past `maxBytes` per run, lines are dropped; the batch that crosses the limit keeps what fits
   * plus a marker line, so a reader sees where the log was cut.
   */
  append(runId: string, seq: number, lines: LogLine[], maxBytes: number, now: Date): Promise<AppendOutcome> {
    const sql = dialectOf(this.dataSource);
    return this.dataSource.transaction(async (m) => {
      const rows = await m.query(`SELECT log_bytes FROM runs WHERE id = ?${sql.forUpdate()}`, [runId]);
      if (rows.length === 0) return 'no-run';
      const used = Number(rows[0].log_bytes);
      const dup = await m.query('SELECT 1 FROM run_log_chunks WHERE run_id = ? AND seq = ?', [runId, seq]);
      if (dup.length > 0) return 'duplicate';
      if (used >= maxBytes) return 'dropped';
      const { kept, cut } = fit(lines, maxBytes - used, now);
      const content = JSON.stringify(kept);
      const bytes = cut ? maxBytes - used : Buffer.byteLength(content, 'utf8');
      await m.query('INSERT INTO run_log_chunks (run_id, seq, content, line_count, bytes, created_at) VALUES (?, ?, ?, ?, ?, ?)', [runId, seq, content, kept.length, bytes, now]);
      await m.query(`UPDATE runs SET log_bytes = log_bytes + ?, log_seq = ${sql.greatest('log_seq', '?')} WHERE id = ?`, [bytes, seq, runId]);
      return cut ? 'truncated' : 'stored';
    });
  }

  /** Chunks after `afterSeq`, in order. */
  async page(runId: string, afterSeq: number, limit: number): Promise<RunLogChunkDto[]> {
    const rows: Array<{ seq: number; content: string }> = await this.dataSource.query(
      'SELECT seq, content FROM run_log_chunks WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ?',
      [runId, afterSeq, limit],
    );
    return rows.map((r) => ({ seq: Number(r.seq), lines: JSON.parse(r.content) as LogLine[] }));
  }

  /** Whether a run's log was cut (the last chunk ends with the marker). */
  async isTruncated(runId: string, maxBytes: number): Promise<boolean> {
    const rows = await this.dataSource.query('SELECT log_bytes FROM runs WHERE id = ?', [runId]);
    return rows.length > 0 && Number(rows[0].log_bytes) >= maxBytes;
  }
}

/** The leading lines that fit in `budget` bytes; when some do not, a marker line ends the list. */
function fit(lines: LogLine[], budget: number, now: Date): { kept: LogLine[]; cut: boolean } {
  const all = Buffer.byteLength(JSON.stringify(lines), 'utf8');
  if (all <= budget) return { kept: lines, cut: false };
  const kept: LogLine[] = [];
  let used = 2;
  for (const line of lines) {
    const size = Buffer.byteLength(JSON.stringify(line), 'utf8') + 1;
    if (used + size > budget - 200) break;
    kept.push(line);
    used += size;
  }
  kept.push({ at: now.toISOString(), level: 'warn', message: TRUNCATION_MESSAGE });
  return { kept, cut: true };
}
