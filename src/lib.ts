/**
 * planref as a library: the same use cases the CLI runs, in-process. `openProject` finds the
 * repository from `cwd` and returns a Project whose methods are those use cases, each
 * documented with what it refuses and an example. The acting actor is `actor`, else
 * PLANREF_ACTOR, else the git user. A refusal is a PlanrefError with a stable `code`, a `hint`
 * and structured `data`; the classes below (ClaimConflictError, LeaseLostError,
 * GateRefusedError, ...) let a caller catch the ones it handles. Close the project when done.
 *
 * @example
 * ```ts
 * import { readFile } from "node:fs/promises";
 * import { ClaimConflictError, openProject } from "planref";
 *
 * const project = openProject({ cwd: "/path/to/repo", actor: "orchestrator" });
 * try {
 *   await project.init();
 *   const file = "docs/prd/invoice-export.md";
 *   const { specId, plan } = await project.importSpec({ file, text: await readFile(file, "utf8") });
 *   // Tasks become claimable once the spec is approved and each passes its readiness review.
 *   await project.reviewSpec({ spec: specId, verdict: "approve" });
 *   for (const t of plan.tasks.added) await project.reviewTask({ task: t.id, verdict: "approve" });
 *
 *   const { candidate, reason } = await project.next();
 *   if (!candidate) throw new Error(reason);
 *   const { claim } = await project.claim({ task: candidate.id, lease: "30m" });
 *   console.log(`${claim.task}: epoch ${claim.epoch}, lease until ${claim.expiresAt}`);
 * } catch (e) {
 *   if (!(e instanceof ClaimConflictError)) throw e;
 *   console.log(`lost the race: ${e.message}`); // ask project.next() again
 * } finally {
 *   await project.close();
 * }
 * ```
 *
 * @packageDocumentation
 */
export { openProject, STATE_REF } from "./runtime/open-project.js";
export type { OpenProjectOptions, Project } from "./runtime/open-project.js";
export * from "./errors.js";
export type { StatusResult } from "./app/status.js";
export type { LogEntry, LogQuery } from "./app/log.js";
export type { DoctorResult, Check } from "./app/doctor.js";
export type { InitInput, InitResult } from "./app/init.js";
export { VERSION } from "./version.js";
