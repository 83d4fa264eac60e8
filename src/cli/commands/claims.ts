import { resolve } from "node:path";
import { UsageError } from "../../errors.js";
import type { Handler } from "../program.js";
import { withProject } from "../with-project.js";

export const claimCmd: Handler = (globals, io, args, opts) =>
  withProject(globals, io, async (p) => {
    if (opts.forceOverlap === true && typeof opts.reason !== "string") throw new UsageError("--force-overlap needs --reason");
    if (opts.forceOverlap !== true && typeof opts.reason === "string") throw new UsageError("--reason goes with --force-overlap on claim");
    const r = await p.claim({
      task: String(args[0]),
      ...(typeof opts.lease === "string" ? { lease: opts.lease } : {}),
      ...(Array.isArray(opts.scope) ? { scope: opts.scope as string[] } : {}),
      ...(opts.branch === true ? { branch: true } : {}),
      ...(opts.worktree !== undefined ? { worktree: opts.worktree === true ? true : resolve(globals.cwd, String(opts.worktree)) } : {}),
      ...(opts.forceOverlap === true ? { forceOverlap: { reason: String(opts.reason) } } : {}),
    });
    const c = r.claim;
    const lines = [
      r.outcome === "already-held" ? `you already hold ${c.task} (epoch ${c.epoch})` : `claimed ${c.task} (epoch ${c.epoch})${r.previousHolder ? `, taking over the stale claim of ${r.previousHolder}` : ""}`,
      `lease until ${c.expiresAt}; renew with: planref heartbeat ${c.task}`,
    ];
    if (c.branch) lines.push(`branch ${c.branch}${c.worktree ? `, worktree ${c.worktree}` : ""}`);
    if (c.forcedOverlap) lines.push(`overlap with ${c.forcedOverlap.with.join(", ")} forced: ${c.forcedOverlap.reason}`);
    return { data: { ...r, task: r.task.id, status: r.task.status }, text: lines.join("\n") };
  });

export const heartbeatCmd: Handler = (globals, io, args, opts) =>
  withProject(globals, io, async (p) => {
    const r = await p.heartbeat({ ...(typeof args[0] === "string" ? { task: args[0] } : {}), ...(typeof opts.epoch === "number" ? { epoch: opts.epoch } : {}) });
    return { data: r, text: `renewed ${r.task} (epoch ${r.epoch}) until ${r.expiresAt}` };
  });

export const releaseCmd: Handler = (globals, io, args, opts) =>
  withProject(globals, io, async (p) => {
    const r = await p.release({
      task: String(args[0]),
      force: opts.force === true,
      ...(typeof opts.reason === "string" ? { reason: opts.reason } : {}),
      ...(typeof opts.epoch === "number" ? { epoch: opts.epoch } : {}),
    });
    return { data: r, text: r.forced ? `force-released ${r.task} (was held by ${r.holder})` : `released ${r.task}` };
  });

export const packetCmd: Handler = (globals, io, args, opts) =>
  withProject(globals, io, async (p) => {
    const r = await p.packet({ task: String(args[0]), ...(typeof opts.maxBytes === "number" ? { maxBytes: opts.maxBytes } : {}) });
    // Pipe-clean: the markdown alone on stdout, or the packet itself as JSON.
    return opts.format === "json" ? { data: r.packet, text: JSON.stringify(r.packet, null, 2) } : { data: r, text: r.markdown, raw: true };
  });
