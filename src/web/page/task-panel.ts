import type { BoardTaskDetail } from "../../app/board.js";
import { esc, statusBadge, taskLink } from "./dom.js";
import { clock } from "./time.js";

export interface ReviewForm {
  task: string;
  note: string;
}

const list = (items: string[]) => (items.length ? `<ul>${items.map((i) => `<li>${esc(i)}</li>`).join("")}</ul>` : `<p class="muted">none</p>`);
const links = (ids: string[]) => (ids.length ? ids.map((id) => taskLink(id)).join(", ") : `<span class="muted">none</span>`);

function gate(d: BoardTaskDetail): string {
  const g = d.gate;
  const blocking = new Set(g.blocking.map((f) => f.id));
  const rows = g.findings.map(
    (f) => `<li class="${f.waived ? "waived" : blocking.has(f.id) ? "blocking" : ""}"><code>${esc(f.id)}</code> ${esc(f.message)}${f.waived ? ` <span class="muted">(waived: ${esc(f.waived)})</span>` : ""}</li>`,
  );
  return `<section class="gate ${g.holds ? "holds" : "refused"}" data-gate="${g.holds ? "holds" : "refused"}">
    <h3>Done gate <span class="muted small">apply --dry-run</span></h3>
    <p class="verdict">${g.holds ? "✔ holds: apply would mark it done" : `✘ does not hold (${g.blocking.length} blocking)`}</p>
    ${rows.length ? `<ul class="findings">${rows.join("")}</ul>` : ""}
    ${g.review ? `<p class="small">latest review: ${esc(g.review.verdict)} by ${esc(g.review.by)} at ${esc(clock(g.review.at))}${g.review.note ? ` — ${esc(g.review.note)}` : ""}</p>` : ""}
  </section>`;
}

function submission(d: BoardTaskDetail, writes: boolean, form: ReviewForm | null): string {
  const s = d.submission;
  if (!s) return "";
  const canReview = writes && d.task.status === "submitted";
  const note = form?.task === d.task.id ? form.note : "";
  return `<section class="submission">
    <h3>Submission <span class="muted small">${esc(s.id)}</span></h3>
    <p>by ${esc(s.by)} (epoch ${s.epoch}) at ${esc(clock(s.at))}</p>
    <blockquote>${esc(s.summary)}</blockquote>
    ${s.findings.length ? `<p class="small">cross-check findings:</p><ul class="findings">${s.findings.map((f) => `<li><code>${esc(f.id)}</code> ${esc(f.message)}</li>`).join("")}</ul>` : `<p class="small muted">cross-check: no findings</p>`}
    ${s.changedFiles.length ? `<details><summary>${s.changedFiles.length} changed files</summary>${list(s.changedFiles)}</details>` : ""}
    ${
      canReview
        ? `<form class="review-form" data-task="${esc(d.task.id)}">
        <textarea name="note" rows="2" placeholder="note for the holder (optional)" aria-label="review note">${esc(note)}</textarea>
        <div class="buttons"><button type="submit" data-verdict="approve" class="primary">Approve</button>
        <button type="submit" data-verdict="request-changes">Request changes</button>
        <button type="submit" data-verdict="reject" class="danger">Reject</button></div></form>`
        : ""
    }
  </section>`;
}

function evidence(d: BoardTaskDetail): string {
  if (d.evidence.length === 0) return `<p class="muted">No evidence recorded.</p>`;
  const rows = d.evidence.map((e) => {
    const what = e.kind === "edit" ? `edit ${(e.files ?? []).join(", ")}` : (e.command ?? "");
    const exit = e.exitCode === undefined ? "" : e.exitCode === null ? `<span class="muted">exit unknown</span>` : e.exitCode === 0 ? `<span class="ok">exit 0</span>` : `<span class="bad">exit ${e.exitCode}</span>`;
    const tail = e.outputTail ? `<details><summary>output</summary><pre>${esc(e.outputTail)}</pre></details>` : "";
    return `<tr><td class="small">${esc(clock(e.finishedAt))}</td><td><code>${esc(what)}</code>${tail}</td><td>${exit}</td><td class="small">${esc(e.capturedBy)} · ${esc(e.actor)} · epoch ${esc(e.epoch)}</td></tr>`;
  });
  return `<table class="evidence"><thead><tr><th>when</th><th>what</th><th>result</th><th>captured by</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

export function renderTask(d: BoardTaskDetail, writes: boolean, form: ReviewForm | null): string {
  const t = d.task;
  return `<header class="panel-head"><h2><span class="tid">${esc(t.id)}</span> ${esc(t.title)}</h2><button type="button" class="close-task" aria-label="close">×</button></header>
    <p>${statusBadge(t.status)} <span class="badge">${esc(t.priority)}</span> ${t.spec ? `<span class="muted">spec ${esc(t.spec)}</span>` : ""}</p>
    <p class="small">waits for: ${links(d.blockedBy)}<br>unblocks: ${links(d.dependents)}</p>
    ${gate(d)}
    ${submission(d, writes, form)}
    <section><h3>Evidence (${d.evidence.length})</h3>${evidence(d)}</section>
    <section><h3>Acceptance criteria</h3>${list(t.acceptanceCriteria)}<h3>Verification</h3>${list(t.verification)}</section>
    <section><details class="packet"><summary>Work packet <span class="muted small">${d.packet.bytes} of ${d.packet.budget} bytes</span></summary><pre>${esc(d.packet.markdown)}</pre></details></section>`;
}
