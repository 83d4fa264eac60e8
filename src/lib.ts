/**
 * planref as a library: the same use cases the CLI runs, in-process.
 *
 * @example
 * ```ts
 * import { openProject } from "planref";
 * const project = openProject({ cwd: "/path/to/repo", actor: "orchestrator" });
 * try {
 *   await project.init();
 *   console.log(await project.status());
 * } finally {
 *   await project.close();
 * }
 * ```
 */
export { openProject, STATE_REF } from "./runtime/open-project.js";
export type { OpenProjectOptions, Project } from "./runtime/open-project.js";
export * from "./errors.js";
export type { StatusResult } from "./app/status.js";
export type { LogEntry, LogQuery } from "./app/log.js";
export type { DoctorResult, Check } from "./app/doctor.js";
export type { InitInput, InitResult } from "./app/init.js";
export { VERSION } from "./version.js";
