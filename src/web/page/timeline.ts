import type { LogEntry } from "../../app/log.js";
import { esc, taskLink } from "./dom.js";
import { clock } from "./time.js";

export interface LogFilters {
  actor: string;
  task: string;
  op: string;
}

/** Values seen so far, offered in the filters: the log itself is the only list of actors and operations. */
export class Seen {
  readonly actors = new Set<string>();
  readonly ops = new Set<string>();
  add(entries: LogEntry[]): void {
    for (const e of entries) {
      if (e.actor) this.actors.add(e.actor);
      if (e.op) this.ops.add(e.op);
    }
  }
}

export function renderFilters(f: LogFilters, seen: Seen): string {
  const ops = [...new Set([...seen.ops, ...(f.op ? [f.op] : [])])].sort();
  return `<label>actor <input name="actor" list="log-actors" value="${esc(f.actor)}" placeholder="any"></label>
    <datalist id="log-actors">${[...seen.actors].sort().map((a) => `<option value="${esc(a)}"></option>`).join("")}</datalist>
    <label>task <input name="task" value="${esc(f.task)}" placeholder="any (id or prefix)"></label>
    <label>operation <select name="op"><option value="">any</option>${ops.map((o) => `<option${o === f.op ? " selected" : ""}>${esc(o)}</option>`).join("")}</select></label>
    <button type="submit">Filter</button> <button type="reset">Clear</button>`;
}

export function renderTimeline(entries: LogEntry[]): string {
  if (entries.length === 0) return `<p class="empty">No entries match.</p>`;
  const rows = entries.map(
    (e) => `<tr data-op="${esc(e.op ?? "")}"><td class="small">${esc(clock(e.time))}</td><td><span class="op">${esc(e.op ?? "?")}</span></td><td>${esc(e.actor ?? e.author)}</td>
      <td>${e.task ? taskLink(e.task) : ""}</td><td>${esc(e.subject)}</td><td><code class="small">${esc(e.commit.slice(0, 10))}</code></td></tr>`,
  );
  return `<table class="timeline"><thead><tr><th>when</th><th>operation</th><th>actor</th><th>task</th><th>what</th><th>commit</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}
