import type { ScheduleType } from '../enums.js';

export interface SchedulePreviewRequest {
  type: ScheduleType;
  expression: string | null;
  timezone?: string;
  /** Start after this instant (default: now). */
  from?: string;
  /** How many fire times, 1..100 (default 10). */
  count?: number;
}

export interface SchedulePreviewResponse {
  timezone: string;
  /** ISO 8601 instants with the zone's offset, e.g. `2026-03-29T03:30:00.000+02:00`. */
  fireTimes: string[];
}
