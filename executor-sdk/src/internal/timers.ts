/** setTimeout fires at once for delays above 2^31-1 ms; clamp so a long timeout stays long. */
export const MAX_TIMER_MS = 2_147_483_647;

export function clampDelay(ms: number): number {
  return Math.min(Math.max(0, ms), MAX_TIMER_MS);
}
