import { readFileSync, statSync } from "node:fs";
import { basename, isAbsolute, relative, resolve } from "node:path";
import type { SpecImportResult } from "../../app/spec-import.js";
import type { SpecVerdict } from "../../schema/types.js";
import { NotFoundError, UsageError } from "../../errors.js";
import type { Handler } from "../program.js";
import { formatIssue } from "../render.js";
import { withProject } from "../with-project.js";

const MAX_PRD_FILE = 2 * 1024 * 1024;

export const importCmd: Handler = (globals, io, args, opts) => {
  const file = String(args[0]);
  const path = resolve(globals.cwd, file);
  const text = readInput(path, file, "Pass the path of a markdown PRD.");
  return withProject(globals, io, async (p) => {
    const recorded = recordedPath(p.location.workTree, path);
    const r = await p.importSpec({ file: recorded, text, dryRun: opts.dryRun === true, ...(typeof opts.id === "string" ? { specId: opts.id } : {}) });
    return { data: importData(r), text: renderImport(r), warnings: r.warnings.map(formatIssue) };
  });
};

export const importTaskmasterCmd: Handler = (globals, io, args, opts) => {
  const file = String(args[0]);
  const text = readInput(resolve(globals.cwd, file), file, "Pass Taskmaster's tasks.json.");
  return withProject(globals, io, async (p) => {
    const r = await p.importTaskmaster({
      file: recordedPath(p.location.workTree, resolve(globals.cwd, file)),
      text,
      ...(Array.isArray(opts.tag) ? { tags: opts.tag as string[] } : {}),
      ...(opts.includeDone === true ? { includeDone: true } : {}),
      ...(opts.dryRun === true ? { dryRun: true } : {}),
    });
    const parts = r.specs.map((s) => {
      const lines = [`tag ${s.tag} -> spec ${s.import.specId}`, renderImport(s.import)];
      if (s.skipped.length) lines.push(`left out (done or cancelled in Taskmaster; --include-done brings them): ${s.skipped.map((k) => `${k.id} (${k.status})`).join(", ")}`);
      const dropped = s.notes.filter((n) => n.severity !== "warning");
      if (dropped.length) lines.push(...dropped.map((n) => `  ${n.path}: ${n.message}`));
      return lines.join("\n");
    });
    parts.push("Taskmaster has no verification commands: add them (planref task edit <task> --verify <cmd>) before the readiness review.");
    return {
      data: { specs: r.specs.map((s) => ({ tag: s.tag, ...importData(s.import), skipped: s.skipped, notes: s.notes })) },
      text: parts.join("\n\n"),
      warnings: r.specs.flatMap((s) => s.import.warnings.map(formatIssue)),
    };
  });
};

function readInput(path: string, file: string, hint: string): string {
  try {
    const size = statSync(path).size;
    if (size > MAX_PRD_FILE) throw new UsageError(`${file} is ${size} bytes; at most ${MAX_PRD_FILE} are read`, { hint: "Split it into several files." });
    return readFileSync(path, "utf8");
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new NotFoundError("NOT_FOUND", `cannot read ${file}: ${(e as Error).message}`, { hint, data: { file } });
  }
}

/** Recorded relative to the repository, so imports from any directory or machine agree. */
function recordedPath(top: string | null, path: string): string {
  const rel = top ? relative(top, path) : "";
  return top && rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : basename(path);
}

function importData(r: SpecImportResult) {
  const t = r.plan.tasks;
  return {
    spec: r.specId,
    dryRun: r.dryRun,
    commit: r.commit,
    specChange: r.plan.specChange,
    specStatus: r.plan.specStatus,
    tasks: {
      added: t.added.map((x) => x.id),
      changed: t.changed.map((c) => ({ id: c.after.id, fields: c.fields, ...(c.statusChange ? { statusChange: c.statusChange } : {}), ...(c.needsReview ? { needsReview: true } : {}) })),
      removed: t.removed.map((x) => ({ id: x.task.id, action: x.action })),
      unchanged: [...t.unchanged, ...t.moved].map((x) => x.id).sort(),
    },
    features: r.plan.features,
    warnings: r.warnings,
  };
}

function renderImport(r: SpecImportResult): string {
  const t = r.plan.tasks;
  const s = r.plan.specStatus;
  const lines = [`spec ${r.specId}: ${r.plan.specChange}${s.from && s.from !== s.to ? `, ${s.from} -> ${s.to} (content changed: needs review again)` : `, ${s.to}`}`];
  for (const x of t.added) lines.push(`  + ${x.localId}  ${x.title}`);
  for (const c of t.changed) {
    const note = c.statusChange ? `  ${c.statusChange.from} -> ${c.statusChange.to}` : c.needsReview ? `  (${c.after.status}: content changed under way; needs a new readiness review)` : "";
    lines.push(`  ~ ${c.after.localId}  ${c.after.title}  (${c.fields.join(", ")})${note}`);
  }
  for (const x of t.removed) lines.push(`  - ${x.task.localId}  ${x.task.title}  (${x.action === "tombstone" ? "kept as a cancelled tombstone: it has work recorded" : "deleted"})`);
  const same = t.unchanged.length + t.moved.length;
  if (same > 0) lines.push(`  = ${same} unchanged`);
  const f = r.plan.features;
  if (f.added.length + f.changed.length + f.removed.length > 0) lines.push(`  features: +${f.added.length} ~${f.changed.length} -${f.removed.length}`);
  lines.push(r.dryRun ? "dry run: nothing written" : r.commit ? `applied in ${r.commit.slice(0, 12)}` : "nothing to change");
  if (!r.dryRun && s.to !== "approved") lines.push(`next: planref spec review ${r.specId} --approve`);
  return lines.join("\n");
}

export const listCmd: Handler = (globals, io) =>
  withProject(globals, io, async (p) => {
    const specs = await p.listSpecs();
    const text = specs.length ? specs.map((s) => `${s.id.padEnd(24)} ${s.status.padEnd(10)} ${String(s.tasks).padStart(4)} tasks  ${s.openDecisions} open  ${s.title}`).join("\n") : "no specs yet: planref spec import <prd.md>";
    return { data: { specs }, text };
  });

export const showCmd: Handler = (globals, io, args, opts) =>
  withProject(globals, io, async (p) => {
    if (opts.source === true) {
      const source = await p.specSource(String(args[0]));
      return { data: { source }, text: source, raw: true };
    }
    const { spec, tasks } = await p.showSpec(String(args[0]));
    const lines = [
      `${spec.id}: ${spec.title}`,
      `status ${spec.status}${spec.approval ? `  (approved by ${spec.approval.by} at ${spec.approval.at}${spec.approval.contentHash === spec.contentHash ? "" : ", for earlier content"})` : ""}`,
      `source ${spec.sourceFile}  sha256 ${spec.contentHash.slice(0, 16)}…`,
      "",
      spec.summary,
      "",
      `requirements: ${spec.requirements.length}  features: ${spec.features.length}  decisions open: ${spec.decisions.length}  questions: ${spec.openQuestions.length}`,
      "",
      ...tasks.map((t) => `  ${t.localId.padEnd(10)} ${t.status.padEnd(12)} ${t.priority.padEnd(8)} ${t.title}`),
    ];
    return { data: { spec, tasks }, text: lines.join("\n") };
  });

const VERDICT_FLAGS: Array<[string, SpecVerdict]> = [
  ["approve", "approve"],
  ["markReviewed", "mark-reviewed"],
  ["reject", "reject"],
  ["requestChanges", "request-changes"],
  ["supersede", "supersede"],
];

export function oneVerdict<V extends string>(opts: Record<string, unknown>, flags: Array<[string, V]>): V {
  const chosen = flags.filter(([k]) => opts[k] === true).map(([, v]) => v);
  if (chosen.length !== 1) throw new UsageError(`choose exactly one of ${flags.map(([, v]) => `--${v}`).join(", ")}`);
  return chosen[0] as V;
}

export const reviewCmd: Handler = (globals, io, args, opts) =>
  withProject(globals, io, async (p) => {
    const verdict = oneVerdict(opts, VERDICT_FLAGS);
    const r = await p.reviewSpec({
      spec: String(args[0]),
      verdict,
      ...(typeof opts.note === "string" ? { note: opts.note } : {}),
      ...(typeof opts.by === "string" ? { supersededBy: opts.by } : {}),
    });
    return { data: { spec: r.spec.id, from: r.from, to: r.spec.status, commit: r.commit, contentHash: r.spec.contentHash }, text: `spec ${r.spec.id}: ${r.from} -> ${r.spec.status} (${r.commit.slice(0, 12)})` };
  });

export const decisionsCmd: Handler = (globals, io, args) =>
  withProject(globals, io, async (p) => {
    const d = await p.specDecisions(String(args[0]));
    const lines = [`spec ${d.spec}`];
    for (const x of d.decisions) lines.push(`  NEEDS DECISION (${x.section}, line ${x.line}): ${x.question ?? "(no question given)"}`);
    for (const q of d.openQuestions) lines.push(`  open question (line ${q.line}): ${q.text}`);
    for (const t of d.tasksMissingCriteria) lines.push(`  ${t}: no acceptance criteria`);
    for (const t of d.tasksMissingVerification) lines.push(`  ${t}: no verification command`);
    if (lines.length === 1) lines.push("  nothing open");
    return { data: d, text: lines.join("\n") };
  });
