/**
 * The wait before a webhook's next attempt: 5 s, 10 s, 20 s … capped at 1 h, each ±25 % so receivers coming
 * back up are not hit in lockstep. Pure, so the job workflow and the delivery activity share it.
 */
export function webhookRetryDelayMs(attempt: number, random = Math.random): number {
  const base = Math.min(3_600_000, 5_000 * 2 ** (attempt - 1));
  return Math.round(base * (0.75 + random() * 0.5));
}
