import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { dialectOf } from '../../database/sql-dialect.js';

export interface RouteRow {
  channelId: string;
  channelName: string;
  channelType: string;
  channelEnabled: boolean;
  events: string;
  suppressWindowMs: number;
}

/** An app-wide kind's route: a channel any job of the app routes the kind to, with the widest window among them. */
export interface AppRoute {
  channelId: string;
  suppressWindowMs: number;
}

const marks = (list: unknown[]) => list.map(() => '?').join(',');

/** Every SQL statement on job_alert_channels. */
@Injectable()
export class RoutingRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** A job's routes with their channels (PRIMARY (job_id, channel_id)); routes to deleted channels are left out. */
  async routesOfJob(jobId: string): Promise<RouteRow[]> {
    const rows: Array<{ channel_id: string; name: string; type: string; enabled: number; events: string; suppress_window_ms: number }> = await this.dataSource.query(
      `SELECT r.channel_id, c.name, c.type, c.enabled, r.events, r.suppress_window_ms
         FROM job_alert_channels r JOIN alert_channels c ON c.id = r.channel_id
        WHERE r.job_id = ? ORDER BY c.name`,
      [jobId],
    );
    return rows.map((r) => ({
      channelId: String(r.channel_id),
      channelName: r.name,
      channelType: r.type,
      channelEnabled: Number(r.enabled) === 1,
      events: r.events,
      suppressWindowMs: Number(r.suppress_window_ms),
    }));
  }

  /**
   * Replaces a job's routes in one transaction. The job row and every channel row are read in
   * share mode first: deleting either takes its row's exclusive lock, so a route cannot be
   * written for a job or channel being deleted. Returns the channel ids that no longer exist
   * (then nothing is written), or null when the job itself is gone. (SQLite: no share locks, its
   * transactions run one at a time.)
   */
  async replaceRoutes(jobId: string, channelIds: string[], events: string, suppressWindowMs: number, now: Date): Promise<{ missingChannels: string[] } | null> {
    return this.dataSource.transaction(async (m) => {
      const forShare = dialectOf(m).forShare();
      const job = await m.query(`SELECT id FROM jobs WHERE id = ?${forShare}`, [jobId]);
      if (job.length === 0) return null;
      if (channelIds.length > 0) {
        const found: Array<{ id: string }> = await m.query(`SELECT id FROM alert_channels WHERE id IN (${marks(channelIds)})${forShare}`, channelIds);
        const present = new Set(found.map((r) => String(r.id)));
        const missing = channelIds.filter((id) => !present.has(id));
        if (missing.length > 0) return { missingChannels: missing };
      }
      await m.query('DELETE FROM job_alert_channels WHERE job_id = ?', [jobId]);
      if (channelIds.length > 0) {
        await m.query(
          `INSERT INTO job_alert_channels (job_id, channel_id, events, suppress_window_ms, created_at) VALUES ${channelIds.map(() => '(?, ?, ?, ?, ?)').join(', ')}`,
          channelIds.flatMap((id) => [jobId, id, events, suppressWindowMs, now]),
        );
      }
      return { missingChannels: [] };
    });
  }

  /**
   * The enabled channels that any job of the app routes `kind` to, each with the widest
   * suppression window among those routes (idx_jobs_app, then PRIMARY of the routes).
   * `events` is a comma-separated list; INSTR on the comma-framed list (both engines have it)
   * stands in for MySQL's FIND_IN_SET.
   */
  async routesOfApp(appId: string, kind: string): Promise<AppRoute[]> {
    const rows: Array<{ channel_id: string; window_ms: number | string }> = await this.dataSource.query(
      `SELECT r.channel_id, MAX(r.suppress_window_ms) AS window_ms
         FROM jobs j JOIN job_alert_channels r ON r.job_id = j.id JOIN alert_channels c ON c.id = r.channel_id
        WHERE j.app_id = ? AND c.enabled = 1 AND INSTR(concat(',', r.events, ','), concat(',', ?, ',')) > 0
        GROUP BY r.channel_id`,
      [appId, kind],
    );
    return rows.map((r) => ({ channelId: String(r.channel_id), suppressWindowMs: Number(r.window_ms) }));
  }
}
