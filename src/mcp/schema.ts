import { UsageError } from "../errors.js";

/** The few JSON Schema shapes tool inputs use: flat objects of scalars and string lists. */
export type Field =
  | { type: "string"; description: string; enum?: readonly string[]; minLength?: number }
  | { type: "integer"; description: string; minimum?: number }
  | { type: "boolean"; description: string }
  | { type: "array"; description: string; items: { type: "string"; enum?: readonly string[]; minLength?: number }; minItems?: number };

export interface ObjectSchema {
  type: "object";
  properties: Record<string, Field>;
  required?: string[];
  additionalProperties: false;
}

export type Args = Record<string, unknown>;

/**
 * Checks a tool call's arguments against its schema, so a bad call is a USAGE error naming
 * the field, before any use case runs. The SDK's ajv would do this too, but these schemas
 * are flat, and a dozen lines keep ajv out of planref's own runtime path.
 * `null` for an optional field means "not given" (models send it often); unknown keys are refused.
 */
export function validateArgs(tool: string, schema: ObjectSchema, input: unknown): Args {
  if (input === undefined || input === null) input = {};
  if (typeof input !== "object" || Array.isArray(input)) throw bad(tool, "arguments", "must be an object", { expected: "object", got: kindOf(input) });
  const args: Args = {};
  for (const [key, value] of Object.entries(input as Args)) {
    const field = schema.properties[key];
    if (!field) {
      throw new UsageError(`${tool}: unknown argument "${key}"`, {
        hint: `Arguments of ${tool}: ${Object.keys(schema.properties).join(", ")}.`,
        data: { tool, field: key },
      });
    }
    if (value === null) continue;
    check(tool, key, field, value);
    args[key] = value;
  }
  for (const key of schema.required ?? []) {
    if (args[key] === undefined) throw bad(tool, key, "is required", { expected: schema.properties[key]?.type });
  }
  return args;
}

function check(tool: string, key: string, field: Field, value: unknown): void {
  switch (field.type) {
    case "string":
      if (typeof value !== "string") throw bad(tool, key, "must be a string", { expected: "string", got: kindOf(value) });
      checkString(tool, key, field, value);
      return;
    case "integer":
      if (typeof value !== "number" || !Number.isInteger(value)) throw bad(tool, key, "must be a whole number", { expected: "integer", got: kindOf(value) });
      if (field.minimum !== undefined && value < field.minimum) throw bad(tool, key, `must be at least ${field.minimum}`, { expected: `>= ${field.minimum}`, got: value });
      return;
    case "boolean":
      if (typeof value !== "boolean") throw bad(tool, key, "must be true or false", { expected: "boolean", got: kindOf(value) });
      return;
    case "array":
      if (!Array.isArray(value)) throw bad(tool, key, "must be an array of strings", { expected: "array", got: kindOf(value) });
      value.forEach((item, i) => {
        if (typeof item !== "string") throw bad(tool, `${key}[${i}]`, "must be a string", { expected: "string", got: kindOf(item) });
        checkString(tool, `${key}[${i}]`, field.items, item);
      });
      if (field.minItems !== undefined && value.length < field.minItems) throw bad(tool, key, `needs at least ${field.minItems} item(s)`, { expected: `>= ${field.minItems} items`, got: value.length });
      return;
  }
}

function checkString(tool: string, key: string, field: { enum?: readonly string[]; minLength?: number }, value: string): void {
  if (field.minLength !== undefined && value.length < field.minLength) throw bad(tool, key, "must not be empty", { expected: "a non-empty string", got: value });
  if (field.enum && !field.enum.includes(value)) throw bad(tool, key, `must be one of ${field.enum.join(", ")}`, { expected: field.enum, got: value });
}

function bad(tool: string, field: string, problem: string, data: Record<string, unknown>): UsageError {
  return new UsageError(`${tool}: "${field}" ${problem}`, { hint: `Fix "${field}" and call ${tool} again.`, data: { tool, field, ...data } });
}

function kindOf(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "array" : typeof v;
}
