import type { Issue } from "../../errors.js";

/** Collects the issues of one file, so that no issue can be made without its path and line. */
export class IssueLog {
  readonly errors: Issue[] = [];
  readonly warnings: Issue[] = [];
  readonly #file: string;

  constructor(file: string) {
    this.#file = file;
  }

  error(line: number, message: string, hint: string): void {
    this.errors.push({ message, path: this.#file, line, hint, severity: "error" });
  }

  warn(line: number, message: string, hint: string): void {
    this.warnings.push({ message, path: this.#file, line, hint, severity: "warning" });
  }
}

/** Stable sort, so issues read top to bottom like the file and ties keep discovery order. */
export function sortByLine(issues: Issue[]): Issue[] {
  return issues
    .map((issue, order) => ({ issue, order }))
    .sort((a, b) => (a.issue.line ?? 0) - (b.issue.line ?? 0) || a.order - b.order)
    .map((entry) => entry.issue);
}

/** Quotes user text in a message without letting a huge line flood the output. */
export function quote(text: string, max = 60): string {
  const short = text.length > max ? `${text.slice(0, max - 1)}…` : text;
  return `"${short}"`;
}
