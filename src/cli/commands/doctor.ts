import type { Check } from "../../app/doctor.js";
import { PlanrefError } from "../../errors.js";
import type { CliIo } from "../io.js";
import type { Handler } from "../program.js";
import { formatIssue } from "../render.js";
import { withProject } from "../with-project.js";

const MARK = { ok: "ok  ", warn: "warn", error: "FAIL" } as const;

export function formatChecks(checks: Check[]): string {
  const lines: string[] = [];
  for (const c of checks) {
    lines.push(`${MARK[c.status]}  ${c.name}: ${c.message}`);
    for (const i of c.issues ?? []) lines.push(`        ${formatIssue(i)}`);
    if (c.hint && c.status !== "ok") lines.push(`        hint: ${c.hint}`);
  }
  return lines.join("\n");
}

const doctor: Handler = (globals, io: CliIo, _args, opts) =>
  withProject(globals, io, async (p) => {
    try {
      const r = await p.doctor({ breakLock: opts.breakLock === true });
      return { data: r, text: formatChecks(r.checks) };
    } catch (e) {
      // Unhealthy: people still want the whole report, not just the first problem.
      if (e instanceof PlanrefError && e.code === "UNHEALTHY" && !globals.json) {
        io.stderr(`${formatChecks((e.data as { checks: Check[] }).checks)}\n`);
      }
      throw e;
    }
  });

export default doctor;
