/**
 * The demo's clock, handed to every planref process as PLANREF_NOW. Leases expire on it
 * for real; it only runs faster than the wall clock, so a fifteen-minute lease goes stale
 * in a second of waiting instead of fifteen minutes.
 */
export class DemoClock {
  private t: number;

  constructor(start: Date) {
    this.t = start.getTime();
  }

  /**
   * The time for one action, a second after the previous one. Distinct, increasing times
   * keep evidence in order: the gate asks whether verification ran after the last edit.
   */
  stamp(): Date {
    this.t += 1000;
    return new Date(this.t);
  }

  now(): Date {
    return new Date(this.t);
  }

  advance(ms: number): Date {
    this.t += ms;
    return new Date(this.t);
  }
}

export function clockTime(at: Date | string): string {
  return (typeof at === "string" ? at : at.toISOString()).slice(11, 19);
}
