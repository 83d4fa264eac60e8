import type { BoardOverview } from "../../app/board.js";
import { esc, statusBadge, taskLink } from "./dom.js";

type Spec = BoardOverview["specs"][number];

function approval(s: Spec): string {
  if (!s.approvedFor) return `<span class="muted">not approved</span>`;
  return s.approvedFor === s.contentHash ? `<span class="ok">approved text is current</span>` : `<span class="bad">changed since approval: needs review</span>`;
}

function open(s: Spec): string {
  const o = s.open;
  const parts: string[] = [];
  if (o.decisions.length) parts.push(`<h4>Needs decision</h4><ul>${o.decisions.map((d) => `<li>${esc(d.question ?? "(no question given)")} <span class="muted small">${esc(d.section)}, line ${d.line}</span></li>`).join("")}</ul>`);
  if (o.openQuestions.length) parts.push(`<h4>Open questions</h4><ul>${o.openQuestions.map((q) => `<li>${esc(q.text)} <span class="muted small">line ${q.line}</span></li>`).join("")}</ul>`);
  if (o.tasksMissingCriteria.length) parts.push(`<h4>Tasks without acceptance criteria</h4><p>${o.tasksMissingCriteria.map((id) => taskLink(id)).join(", ")}</p>`);
  if (o.tasksMissingVerification.length) parts.push(`<h4>Tasks without verification</h4><p>${o.tasksMissingVerification.map((id) => taskLink(id)).join(", ")}</p>`);
  return parts.length ? `<details><summary>${parts.length} kinds of open items</summary>${parts.join("")}</details>` : `<span class="muted">nothing open</span>`;
}

export function renderSpecs(specs: Spec[]): string {
  if (specs.length === 0) return `<p class="empty">No specs imported yet: planref spec import &lt;prd.md&gt;</p>`;
  const rows = specs.map(
    (s) => `<tr data-spec="${esc(s.id)}"><td><b>${esc(s.id)}</b><br><span class="small">${esc(s.title)}</span></td><td>${statusBadge(s.status)}<br><span class="small">${approval(s)}</span></td>
      <td class="num">${s.tasks}</td><td class="num">${s.openDecisions}</td><td>${open(s)}</td></tr>`,
  );
  return `<table class="specs"><thead><tr><th>spec</th><th>review</th><th>tasks</th><th>open decisions</th><th>what still needs a human</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}
