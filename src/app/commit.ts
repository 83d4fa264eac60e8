import type { CommitInfo } from "../store/types.js";
import type { AppContext } from "./context.js";

export interface OpTrailers {
  task?: string;
  epoch?: number;
  spec?: string;
  extra?: Array<[string, string]>;
}

/** Every planref commit carries the same queryable trailers, whatever the operation. */
export function commitInfo(ctx: AppContext, op: string, subject: string, t: OpTrailers = {}, body?: string): CommitInfo {
  const trailers: Array<[string, string]> = [["Planref-Op", op], ["Planref-Actor", ctx.actor.name]];
  if (t.task) trailers.push(["Planref-Task", t.task]);
  if (t.spec) trailers.push(["Planref-Spec", t.spec]);
  if (t.epoch !== undefined) trailers.push(["Planref-Epoch", String(t.epoch)]);
  trailers.push(...(t.extra ?? []));
  return {
    subject,
    ...(body ? { body } : {}),
    trailers,
    author: { name: ctx.actor.name, email: ctx.actor.email },
    time: ctx.now(),
  };
}
