import { Injectable } from '@nestjs/common';
import type { SchedulePreviewResponse, ScheduleType } from '@baton/protocol';
import { Clock } from '../../common/clock.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { compileLiveSchedule, compileSchedule, formatInZone, previewFireTimes, type CompiledSchedule, type ScheduleSpec } from './core/schedule.js';
import { ScheduleError } from './core/schedule-error.js';

export const DEFAULT_TIMEZONE = 'UTC';
export const DEFAULT_PREVIEW_COUNT = 10;

export interface ScheduleInput {
  type: ScheduleType;
  expression: string | null;
  timezone?: string;
}

/** The API's door to the schedule engine: turns engine errors into 400s that name the field. */
@Injectable()
export class SchedulesService {
  constructor(private readonly clock: Clock) {}

  /** Valid, but it may have no future fire (used for saved jobs whose schedule has run out). */
  compile(input: ScheduleInput, field = 'schedule'): CompiledSchedule {
    return translate(() => compileSchedule(toSpec(input)), field);
  }

  /** Valid AND fires again after now (NONE excepted): what saving, changing or enabling a schedule requires. */
  compileLive(input: ScheduleInput, field = 'schedule'): CompiledSchedule {
    return translate(() => compileLiveSchedule(toSpec(input), this.clock.now()), field);
  }

  /** The first fire of a newly saved or re-enabled job: the next one after now (never a back-fill). */
  firstFireAt(schedule: CompiledSchedule): Date | null {
    return schedule.nextAfter(this.clock.now());
  }

  preview(schedule: CompiledSchedule, from: Date | undefined, count = DEFAULT_PREVIEW_COUNT): SchedulePreviewResponse {
    const times = previewFireTimes(schedule, from ?? this.clock.now(), count);
    const tz = schedule.spec.timezone;
    return { timezone: tz, fireTimes: times.map((t) => formatInZone(t, tz)) };
  }

  /** Like preview, but starting with the already planned `first` fire. */
  previewFrom(schedule: CompiledSchedule, first: Date, count = DEFAULT_PREVIEW_COUNT): SchedulePreviewResponse {
    const tz = schedule.spec.timezone;
    const times = [first, ...previewFireTimes(schedule, first, count - 1)];
    return { timezone: tz, fireTimes: times.map((t) => formatInZone(t, tz)) };
  }
}

function toSpec(input: ScheduleInput): ScheduleSpec {
  return { type: input.type, expression: input.expression ?? null, timezone: input.timezone ?? DEFAULT_TIMEZONE };
}

function translate<T>(fn: () => T, field: string): T {
  try {
    return fn();
  } catch (error) {
    if (!(error instanceof ScheduleError)) throw error;
    const code = error.field === 'timezone' ? 'INVALID_TIMEZONE' : 'INVALID_SCHEDULE';
    throw new DomainError(code, error.message, [{ field: field ? `${field}.${error.field}` : error.field, message: error.message }]);
  }
}
