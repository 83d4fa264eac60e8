/** TypeScript shapes of the documents; schemas/*.schema.json is the authority they mirror. */

export type Duration = `${number}${"s" | "m" | "h" | "d"}`;

export interface PlanDoc {
  formatVersion: number;
  project: { name: string };
  createdAt: string;
  createdBy: string;
  settings: PlanSettings;
}

export interface PlanSettings {
  claims: { lease: Duration; heartbeatInterval: Duration; skewMargin: Duration };
  gate: { distinctReviewer: boolean; requireFreshVerification: boolean };
  scopeGuard: { outsideScope: "allow" | "warn" | "deny"; noClaim: "allow" | "warn" | "deny" };
  sync: { mode: "solo" | "team"; remote: string };
  packet: { maxBytes: number };
}
