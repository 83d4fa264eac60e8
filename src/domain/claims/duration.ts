import { UsageError } from "../../errors.js";

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** "90s", "15m", "2h", "1d" → seconds. */
export function parseDuration(text: string, what = "duration"): number {
  const m = /^([1-9][0-9]*)(s|m|h|d)$/.exec(text.trim());
  if (!m) throw new UsageError(`${what} "${text}" is not a duration`, { hint: "Write a whole number and a unit: 90s, 15m, 2h, 1d." });
  return Number(m[1]) * (UNITS[m[2] as string] as number);
}
