import { clockTime } from "./clock.js";

export type EventKind =
  | "setup"
  | "next"
  | "claim"
  | "race-lost"
  | "takeover"
  | "wait"
  | "packet"
  | "edit"
  | "bash"
  | "heartbeat"
  | "verify"
  | "submit"
  | "crash"
  | "review"
  | "merge"
  | "apply"
  | "clock";

export interface DemoEvent {
  /** On the demo's clock (what planref recorded), not the wall clock. */
  at: string;
  actor: string;
  kind: EventKind;
  task?: string;
  text: string;
}

/** Collects what happened, and prints each line as it happens when someone is reading. */
export class Narrator {
  readonly events: DemoEvent[] = [];

  constructor(
    private readonly now: () => Date,
    private readonly print?: (line: string) => void,
  ) {}

  say(actor: string, kind: EventKind, text: string, task?: string): void {
    const event: DemoEvent = { at: this.now().toISOString(), actor, kind, ...(task ? { task } : {}), text };
    this.events.push(event);
    this.print?.(formatEvent(event));
  }
}

export function formatEvent(e: DemoEvent): string {
  return `${clockTime(e.at)}  ${e.actor.padEnd(9)} ${e.text}`;
}
