import type { Project } from "../runtime/open-project.js";
import { clockTime, type DemoClock } from "./clock.js";
import { shortId } from "./context.js";
import type { Narrator } from "./narration.js";
import type { StallOutcome } from "./world.js";

/** How long the clock may run on while nobody moves before the demo gives up (virtual time). */
const PATIENCE_MS = 6 * 60 * 60 * 1000;
const STEP_MS = 30 * 1000;
const IN_HAND = new Set(["claimed", "in_progress", "blocked"]);

/**
 * What happens when every actor waits: if everything is done, the demo ends; if a lease is
 * still running, the clock runs on until it has run out and is past the skew margin, the
 * moment anyone may take the task over; otherwise nothing can ever move and the demo fails.
 */
export function timePasses(observer: Project, clock: DemoClock, narrator: Narrator): () => Promise<StallOutcome> {
  let waitedMs = 0;
  return async () => {
    const tasks = await observer.listTasks();
    if (tasks.every((t) => t.status === "done" || t.status === "cancelled")) return { kind: "done" };
    // Only a lease on work in hand frees anything when it runs out; one on work in review does not.
    const inHand = new Set(tasks.filter((t) => IN_HAND.has(t.status)).map((t) => t.id));
    const running = (await observer.status()).claims.filter((c) => c.state !== "stale" && inHand.has(c.task)).sort((a, b) => (a.expiresAt < b.expiresAt ? -1 : 1));
    const first = running[0];
    if (!first || waitedMs > PATIENCE_MS) {
      return { kind: "stuck", reason: `every actor is waiting and no lease is left to run out: ${tasks.map((t) => `${shortId(t.id)} ${t.status}`).join(", ")}` };
    }
    const id = shortId(first.task);
    if (waitedMs === 0) {
      const blocked = tasks.filter((t) => t.blockedBy.length > 0 && t.status !== "done").map((t) => shortId(t.id));
      narrator.say(
        "clock",
        "clock",
        `nobody can move: ${blocked.length ? `${blocked.join(", ")} wait on unfinished work, and ` : ""}${id} is held by ${first.holder}, whose lease runs to ${clockTime(first.expiresAt)}; the demo's clock runs on`,
        id,
      );
    }
    const left = Date.parse(first.expiresAt) - clock.now().getTime();
    const step = left > 0 ? left : STEP_MS;
    clock.advance(step);
    waitedMs += step;
    const after = (await observer.status()).claims.find((c) => c.task === first.task);
    if (after?.state === "stale") {
      const skew = (await observer.getConfig({ key: "claims.skewMargin" })).value;
      narrator.say("clock", "clock", `${first.holder}'s lease on ${id} expired at ${clockTime(first.expiresAt)} and is now past the ${String(skew)} skew margin: stale, anyone may take ${id} over`, id);
      waitedMs = 0;
    }
    return { kind: "advanced" };
  };
}
