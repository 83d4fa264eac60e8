/**
 * Every use case, by the name front ends call it. Each takes the AppContext first; the
 * runtime binds the context once, so the CLI, MCP and the library share one table.
 */
import { claimTask } from "./claim.js";
import { getConfig, setConfig } from "./config.js";
import { runDoctor } from "./doctor.js";
import { heartbeat, release } from "./lease-ops.js";
import { addEvidence, listEvidence } from "./evidence.js";
import { runAndRecord, verifyTask } from "./run.js";
import { applyTask } from "./apply.js";
import { boardOverview, boardTask, boardTip } from "./board.js";
import { guardEdit, recordObserved, sessionContext, stopReminder } from "./agent-hooks.js";
import { reviewSubmission } from "./review.js";
import { submitTask } from "./submit.js";
import { taskPacket } from "./packet.js";
import { initProject } from "./init.js";
import { auditLog } from "./log.js";
import { nextTask, scoreTasks, taskGraph, waves } from "./planning.js";
import { importSpec } from "./spec-import.js";
import { importTaskmaster } from "./taskmaster-import.js";
import { listSpecs, showSpec, specDecisions, specSource } from "./spec-queries.js";
import { reviewSpecUseCase } from "./spec-review.js";
import { getStatus } from "./status.js";
import { remotesWithState, syncState } from "./sync.js";
import { acknowledgeConflict, listConflicts } from "./conflicts.js";
import { listTasks, showTask } from "./task-queries.js";
import { addTask, cancelTask, editTask, overrideScore, reviewTaskReadiness } from "./task-write.js";

export const useCases = {
  init: initProject,
  status: getStatus,
  log: auditLog,
  doctor: runDoctor,
  importSpec,
  importTaskmaster,
  listSpecs,
  showSpec,
  specSource,
  specDecisions,
  reviewSpec: reviewSpecUseCase,
  listTasks,
  showTask,
  addTask,
  editTask,
  cancelTask,
  reviewTask: reviewTaskReadiness,
  overrideScore,
  next: nextTask,
  waves,
  scores: scoreTasks,
  graph: taskGraph,
  claim: claimTask,
  heartbeat,
  release,
  packet: taskPacket,
  getConfig,
  setConfig,
  addEvidence,
  listEvidence,
  run: runAndRecord,
  verify: verifyTask,
  submit: submitTask,
  review: reviewSubmission,
  apply: applyTask,
  guardEdit,
  recordObserved,
  sessionContext,
  stopReminder,
  sync: syncState,
  remotesWithState,
  conflicts: listConflicts,
  acknowledgeConflict,
  board: boardOverview,
  boardTask,
  boardTip,
};

export type UseCases = typeof useCases;
