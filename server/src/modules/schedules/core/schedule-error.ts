/**
 * Thrown for any invalid schedule spec. `field` says which input is wrong; the message
 * says what to fix, in one sentence, for an end user.
 *
 * Lives in its own module so the parsers can throw it without importing `schedule.ts`
 * (which imports them). `schedule.ts` re-exports it as the public name.
 */
export class ScheduleError extends Error {
  constructor(
    message: string,
    readonly field: 'expression' | 'timezone' | 'type',
  ) {
    super(message);
    this.name = 'ScheduleError';
  }
}
