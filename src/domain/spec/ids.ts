/** A task's project-wide id: the spec id, a dot, and the id written in the PRD (T003). */
export function taskIdFor(specId: string, localId: string): string {
  return `${specId}.${localId}`;
}

const SLUG_MAX = 60;

/** Spec ids come from file names: lower-case words joined by dashes. */
export function slugify(text: string): string {
  const slug = text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/\.md$/, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, SLUG_MAX)
    .replace(/-+$/, "");
  return slug || "spec";
}
