import type { ClaimDoc, TaskStatus } from "../../schema/types.js";

/** Statuses that mean "someone is on it": while the claim is live. Once it goes stale, the task is anyone's. */
export const HELD_STATUSES: ReadonlySet<TaskStatus> = new Set<TaskStatus>(["claimed", "in_progress", "blocked"]);

export interface LeaseClock {
  now: number;
  /** Clock-skew margin between machines, in seconds. */
  skewSeconds: number;
}

/** A claim is stale only once it is past its expiry plus the skew margin. */
export function isStale(claim: ClaimDoc, clock: LeaseClock): boolean {
  return clock.now > Date.parse(claim.expiresAt) + clock.skewSeconds * 1000;
}

export function isLive(claim: ClaimDoc | undefined, clock: LeaseClock): boolean {
  return claim !== undefined && claim.state === "live" && !isStale(claim, clock);
}

/** Seconds until expiry (negative once expired). */
export function secondsLeft(claim: ClaimDoc, now: number): number {
  return Math.round((Date.parse(claim.expiresAt) - now) / 1000);
}
