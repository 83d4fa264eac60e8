import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { LeaseMemory } from "../app/context.js";

/**
 * Per-worktree memory of the epochs claimed from it, in the worktree's own git dir: a
 * process in another worktree, or a stale agent after a takeover, cannot borrow them.
 */
export function fileLeaseMemory(gitDir: string): LeaseMemory {
  const memory = plainMemory(gitDir);
  return {
    ...memory,
    rememberIn: (worktree, task, epoch) => {
      const gitFile = join(worktree, ".git");
      try {
        const m = /^gitdir:\s*(.+?)\s*$/m.exec(readFileSync(gitFile, "utf8"));
        if (m?.[1]) plainMemory(resolve(worktree, m[1])).remember(task, epoch);
      } catch {
        /* not a linked worktree of ours: nothing to remember there */
      }
    },
  };
}

function plainMemory(gitDir: string): Omit<LeaseMemory, "rememberIn"> {
  const file = join(gitDir, "planref", "leases.json");
  const read = (): Record<string, number> => {
    try {
      const data = JSON.parse(readFileSync(file, "utf8")) as unknown;
      return data && typeof data === "object" ? (data as Record<string, number>) : {};
    } catch {
      return {};
    }
  };
  const write = (data: Record<string, number>) => {
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(data));
    renameSync(tmp, file);
  };
  return {
    recall: (task) => read()[task],
    remember: (task, epoch) => write({ ...read(), [task]: epoch }),
    forget: (task) => {
      const data = read();
      delete data[task];
      write(data);
    },
    tasks: () => Object.keys(read()),
  };
}
