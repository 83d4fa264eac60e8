import type { Issue } from "../errors.js";
import type { ValidateFunction } from "./validator-types.js";

/** Runs a generated validator and turns ajv's errors into issues a person can act on. */
export function validateWith(validate: ValidateFunction, value: unknown): Issue[] {
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => {
    const pointer = e.instancePath;
    const at = pointer === "" ? "document" : pointer.slice(1).replace(/\//g, ".");
    if (e.keyword === "additionalProperties") {
      const key = String(e.params.additionalProperty);
      return { pointer: `${pointer}/${key}`, message: `unknown key "${key}" in ${at}`, hint: "Remove it or check its spelling; planref never ignores keys." };
    }
    if (e.keyword === "required") {
      return { pointer, message: `${at} is missing "${String(e.params.missingProperty)}"` };
    }
    if (e.keyword === "enum") {
      return { pointer, message: `${at} ${e.message ?? "is invalid"}: ${JSON.stringify(e.params.allowedValues)}` };
    }
    return { pointer, message: `${at} ${e.message ?? "is invalid"}` };
  });
}
