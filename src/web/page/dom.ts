/// <reference lib="dom" />
/** Everything shown comes from the shared state ref: text from PRDs, commands, output. It is always escaped. */
export function esc(value: unknown): string {
  return String(value ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function $(selector: string): HTMLElement {
  const el = document.querySelector<HTMLElement>(selector);
  if (!el) throw new Error(`the page has no ${selector}`);
  return el;
}

/** Replaces an element's content only when it changed, so open <details> and focus survive an unchanged refresh. */
export function setHtml(el: HTMLElement, html: string): void {
  if (el.dataset.html !== html) {
    el.innerHTML = html;
    el.dataset.html = html;
  }
}

export function statusBadge(status: string): string {
  return `<span class="badge s-${esc(status)}">${esc(status.replace("_", " "))}</span>`;
}

export function taskLink(id: string, label = id): string {
  return `<a href="#" class="task-link" data-task="${esc(id)}">${esc(label)}</a>`;
}
