import type { ReviewDoc, SubmissionDoc } from "../../schema/types.js";
import type { Snapshot } from "../../store/types.js";
import { recordDir, REVIEWS, SUBMISSIONS } from "./documents.js";

export function taskSubmissions(snap: Snapshot, taskId: string): SubmissionDoc[] {
  return snap.paths(`${recordDir(SUBMISSIONS, taskId)}/`).map((p) => snap.get(p) as SubmissionDoc);
}

export function taskReviews(snap: Snapshot, taskId: string): ReviewDoc[] {
  return snap.paths(`${recordDir(REVIEWS, taskId)}/`).map((p) => snap.get(p) as ReviewDoc);
}

export function latest<T extends { at: string }>(items: readonly T[]): T | undefined {
  return [...items].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0)).pop();
}
