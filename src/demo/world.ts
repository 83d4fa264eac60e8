/**
 * Coordination of the demo's actors. Agents and the reviewer run concurrently and act on the
 * shared state only through planref; the world just tells them when to look again (after a
 * write lands, or the clock moves), and notices when every one of them is waiting. Then
 * nothing can happen unless time passes: `onStall` decides whether to move the clock on
 * (a lease is still running out), to end (all done), or to give up.
 */
export type StallOutcome = { kind: "advanced" } | { kind: "done" } | { kind: "stuck"; reason: string };

type PartyState = "busy" | "waiting" | "gone";

export class World {
  private readonly parties = new Map<string, PartyState>();
  private readonly wakers = new Map<string, () => void>();
  private generation = 0;
  private stalling = false;
  private ended: { stuck: string | null } | null = null;

  constructor(private readonly onStall: () => Promise<StallOutcome>) {}

  get finished(): boolean {
    return this.ended !== null;
  }

  get stuck(): string | null {
    return this.ended?.stuck ?? null;
  }

  join(name: string): void {
    this.parties.set(name, "busy");
  }

  /** The party stops taking part: finished, or crashed without a word to anyone. */
  leave(name: string): void {
    this.parties.set(name, "gone");
    this.checkStalled();
  }

  /** The shared state moved: every waiting party looks again. */
  changed(): void {
    this.generation++;
    const wake = [...this.wakers];
    this.wakers.clear();
    // Marked busy before they run, so a stall check in between does not count them as waiting.
    for (const [name, fn] of wake) {
      this.parties.set(name, "busy");
      fn();
    }
  }

  /** Ends the demo for everyone, waking whoever waits. */
  end(stuck: string | null = null): void {
    this.ended ??= { stuck };
    this.changed();
  }

  /** Resolves true once `ready()` holds, checking again after every change; false when the demo ends first. */
  async waitFor(name: string, ready: () => Promise<boolean>): Promise<boolean> {
    for (;;) {
      if (this.ended) return false;
      const seen = this.generation;
      if (await ready()) return true;
      if (this.ended) return false;
      if (this.generation !== seen) continue;
      const woken = new Promise<void>((resolve) => this.wakers.set(name, resolve));
      this.parties.set(name, "waiting");
      this.checkStalled();
      await woken;
    }
  }

  private checkStalled(): void {
    if (this.stalling || this.ended) return;
    if ([...this.parties.values()].some((s) => s === "busy")) return;
    this.stalling = true;
    this.onStall()
      .then((outcome) => {
        this.stalling = false;
        if (outcome.kind === "advanced") {
          this.changed();
          // With nobody left to wake, nobody would report the next stall.
          this.checkStalled();
        } else this.end(outcome.kind === "stuck" ? outcome.reason : null);
      })
      .catch((e: unknown) => {
        this.stalling = false;
        this.end(`the demo failed while everyone waited: ${(e as Error).message}`);
      });
  }
}
