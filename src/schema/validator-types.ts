/** The shape of an ajv standalone validator, without importing ajv at run time. */
export interface AjvErrorObject {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

export interface ValidateFunction {
  (data: unknown): boolean;
  errors?: AjvErrorObject[] | null;
}
