import type { BoardClaim, BoardOverview } from "../../app/board.js";
import { esc, taskLink } from "./dom.js";
import { span } from "./time.js";

export type LeaseState = "live" | "expiring" | "stale";

/** A claim's lease as of now: the server's figures, moved on by the time since they were read. */
export function leaseNow(c: BoardClaim, elapsedSeconds: number): { state: LeaseState; text: string } {
  const left = c.secondsLeft - elapsedSeconds;
  const staleIn = c.staleInSeconds - elapsedSeconds;
  if (staleIn <= 0) return { state: "stale", text: `stale for ${span(-staleIn)}: anyone may take it over` };
  if (left <= 0) return { state: "expiring", text: `expired ${span(-left)} ago; stale in ${span(staleIn)}` };
  return { state: c.state === "stale" ? "expiring" : c.state, text: `${span(left)} left` };
}

export interface ReleaseForm {
  task: string;
  reason: string;
}

export function renderClaims(claims: BoardClaim[], elapsed: number, writes: boolean, form: ReleaseForm | null): string {
  if (claims.length === 0) return `<p class="empty">No live claims.</p>`;
  const rows = claims.map((c) => {
    const lease = leaseNow(c, elapsed);
    const where = [c.branch, c.worktree].filter(Boolean).map(esc).join("<br>");
    let action = "";
    if (writes && form?.task === c.task) {
      action = `<form class="release-form" data-task="${esc(c.task)}">
        <input name="reason" placeholder="reason (recorded)" value="${esc(form.reason)}" required aria-label="reason for force release">
        <button type="submit" class="danger">Force release</button> <button type="button" class="cancel-release">Cancel</button></form>`;
    } else if (writes) {
      action = `<button type="button" class="open-release" data-task="${esc(c.task)}">Force release…</button>`;
    }
    return `<tr data-claim="${esc(c.task)}" data-state="${lease.state}" class="lease-${lease.state}">
      <td>${taskLink(c.task)}</td>
      <td>${esc(c.holder)} <span class="muted">(${esc(c.kind)})</span></td>
      <td class="num">${c.epoch}</td>
      <td><span class="lease-badge">${lease.state === "stale" ? "STALE" : esc(lease.state)}</span> <span class="lease-text">${esc(lease.text)}</span></td>
      <td class="muted small">${where}</td>
      ${writes ? `<td>${action}</td>` : ""}
    </tr>`;
  });
  return `<table class="claims"><thead><tr><th>task</th><th>holder</th><th>epoch</th><th>lease</th><th>branch / worktree</th>${writes ? "<th></th>" : ""}</tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

/** The once-a-second update: only the lease cells change, so nothing else on the page is disturbed. */
export function tickClaims(root: HTMLElement, claims: BoardClaim[], elapsed: number): void {
  for (const c of claims) {
    const row = root.querySelector<HTMLElement>(`tr[data-claim="${CSS.escape(c.task)}"]`);
    if (!row) continue;
    const lease = leaseNow(c, elapsed);
    if (row.dataset.state !== lease.state) {
      row.dataset.state = lease.state;
      row.className = `lease-${lease.state}`;
      (row.querySelector(".lease-badge") as HTMLElement).textContent = lease.state === "stale" ? "STALE" : lease.state;
    }
    (row.querySelector(".lease-text") as HTMLElement).textContent = lease.text;
  }
}

/** Sync conflicts sit under the claims: they are about who holds what, and need someone's attention. */
export function renderConflicts(conflicts: BoardOverview["conflicts"]): string {
  if (conflicts.length === 0) return "";
  const rows = conflicts.map(
    (c) => `<tr data-conflict="${esc(c.id)}"><td>${esc(c.actor)}</td><td>${esc(c.op)}${c.task ? ` ${taskLink(c.task)}` : ""}</td><td><span class="badge conflict">${esc(c.code)}</span></td><td class="small">${esc(c.message)}</td></tr>`,
  );
  return `<h3>Sync conflicts <span class="muted small">(planref conflicts; acknowledge with planref conflicts ack &lt;id&gt;)</span></h3><table class="claims conflicts"><thead><tr><th>actor</th><th>operation</th><th>why</th><th></th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}
