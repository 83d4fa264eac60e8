import type { Project } from "../runtime/open-project.js";
import type { DemoClock } from "./clock.js";
import type { Narrator } from "./narration.js";
import type { World } from "./world.js";

/** One agent's part in the story, as the summary tells it. */
export interface AgentStory {
  name: string;
  crashed: boolean;
  tasks: Array<{ task: string; epoch: number; tookOverFrom?: string; changesRequested: number; outcome: string }>;
}

export interface DemoFacts {
  agents: AgentStory[];
  /** Claims that lost the compare-and-swap to a concurrent claim of the same task. */
  raceLosses: Array<{ agent: string; task: string; winner: string }>;
  takeovers: Array<{ task: string; from: string; to: string; epoch: number }>;
  reviews: Array<{ task: string; verdict: "approve" | "request-changes"; note: string }>;
  applied: string[];
}

/** What every actor of the demo shares. */
export interface DemoContext {
  /** The main checkout: where agents ask for work and claim it, and where finished work is merged. */
  repo: string;
  clock: DemoClock;
  world: World;
  /** The environment every process of the demo starts from. */
  env: NodeJS.ProcessEnv;
  /** A read-only view of the state, for deciding when to look again; all changes go through planref. */
  observer: Project;
  narrator: Narrator;
  facts: DemoFacts;
  /** A short pause between steps so a person can follow; none with --fast. */
  pause(ms?: number): Promise<void>;
}

export const shortId = (taskId: string): string => taskId.slice(taskId.lastIndexOf(".") + 1);
