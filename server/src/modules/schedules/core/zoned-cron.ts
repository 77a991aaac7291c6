/**
 * Fires a CronPattern in an IANA time zone, applying Baton's DST rules:
 * 1. a wall time inside a spring-forward gap fires once, shifted forward by the gap length;
 * 2. a wall time inside a fall-back overlap fires at both occurrences when the hour field is
 *    every hour, otherwise only at the first occurrence;
 * 3. successive results are strictly increasing (duplicates collapse because we always take
 *    the earliest instant strictly after the previous one).
 */
import { END_WALL, type CronPattern } from './cron-pattern.js';
import { DAY, HOUR, SECOND, type OffsetSegment, type ZoneRules } from './zoned-time.js';

/**
 * Upper bound on |offset| (real zones stay within -12h..+14h; historical local mean times
 * slightly beyond). Also bounds gap/overlap lengths.
 */
const SLACK = 16 * HOUR;
/** Exact analysis runs over windows this long; must exceed 2 × SLACK so every window makes progress. */
const WINDOW = 2 * DAY;

export class ZonedCron {
  constructor(
    private readonly pattern: CronPattern,
    private readonly zone: ZoneRules,
  ) {}

  /** The first fire instant strictly after `after`, or null if there is none before the year 2200. */
  nextAfter(after: number): number | null {
    let from = Math.floor(after / SECOND) * SECOND + SECOND;
    while (from < END_WALL + SLACK) {
      // Every fire at or after `from` has a wall time >= from - SLACK and happens within SLACK
      // of its wall time, so the first matching wall time tells us how far we may jump ahead.
      const wall = this.pattern.nextWall(from - SLACK, END_WALL);
      if (wall === null) return null;
      from = Math.max(from, wall - SLACK);
      const fire = this.firstFireIn(from, from + WINDOW);
      if (fire !== null) return fire;
      from += WINDOW;
    }
    return null;
  }

  /** Exact search of `[from, to)`, one constant-offset segment at a time. */
  private firstFireIn(from: number, to: number): number | null {
    for (const segment of this.zone.segments(from, to, SLACK)) {
      const low = Math.max(from, segment.start);
      const high = Math.min(to, segment.end);
      const fire = minOf(this.firstRegularFire(segment, low, high), this.firstGapFire(segment, low, high));
      if (fire !== null) return fire;
    }
    return null;
  }

  /** Wall times that really occur in the segment, read with the segment's own offset. */
  private firstRegularFire(segment: OffsetSegment, low: number, high: number): number | null {
    let wallFrom = low + segment.offset;
    const fellBack = segment.prevOffset > segment.offset;
    if (fellBack && !this.pattern.everyHour) {
      // The repeated wall times right after a fall-back already fired at their first occurrence.
      wallFrom = Math.max(wallFrom, segment.start + segment.prevOffset);
    }
    const wall = this.pattern.nextWall(wallFrom, high + segment.offset);
    return wall === null ? null : wall - segment.offset;
  }

  /**
   * Wall times skipped by a spring-forward gap at the segment's start. Reading them with the
   * previous offset shifts them forward by the gap length (02:30 CET -> 03:30 CEST).
   */
  private firstGapFire(segment: OffsetSegment, low: number, high: number): number | null {
    if (segment.prevOffset >= segment.offset) return null;
    const gapStart = segment.start + segment.prevOffset;
    const gapEnd = segment.start + segment.offset;
    const wall = this.pattern.nextWall(
      Math.max(gapStart, low + segment.prevOffset),
      Math.min(gapEnd, high + segment.prevOffset),
    );
    return wall === null ? null : wall - segment.prevOffset;
  }
}

function minOf(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}
