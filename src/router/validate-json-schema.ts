import type { JsonValue } from "../core/index.js";

const jsonTypes = new Set(["string", "number", "integer", "boolean", "object", "array", "null"]);
const maximumDepth = 64;

/**
 * Structural check of a JSON Schema: catches the mistakes that make providers reject a call
 * (a misspelled type, `properties` that is not an object, `required` that is not a list)
 * before any provider is called. Returns the first problem with its JSON pointer, or undefined.
 */
export function findJsonSchemaProblem(schema: JsonValue, pointer = "", depth = 0): string | undefined {
  if (depth > maximumDepth) return `${pointer || "/"}: nested deeper than ${maximumDepth} levels`;
  if (typeof schema === "boolean") return undefined;
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) {
    return `${pointer || "/"}: a schema must be an object or a boolean`;
  }
  const type = schema.type;
  if (type !== undefined) {
    const types = Array.isArray(type) ? type : [type];
    for (const entry of types) {
      if (typeof entry !== "string" || !jsonTypes.has(entry)) {
        return `${pointer}/type: ${JSON.stringify(entry)} is not a JSON type (${[...jsonTypes].join(", ")})`;
      }
    }
  }
  const properties = schema.properties;
  if (properties !== undefined) {
    if (typeof properties !== "object" || properties === null || Array.isArray(properties)) {
      return `${pointer}/properties: must be an object of schemas`;
    }
    for (const [name, child] of Object.entries(properties)) {
      const problem = findJsonSchemaProblem(child, `${pointer}/properties/${name}`, depth + 1);
      if (problem) return problem;
    }
  }
  const required = schema.required;
  if (
    required !== undefined &&
    (!Array.isArray(required) || required.some((entry) => typeof entry !== "string"))
  ) {
    return `${pointer}/required: must be a list of property names`;
  }
  if (schema.items !== undefined) {
    const problem = findJsonSchemaProblem(schema.items, `${pointer}/items`, depth + 1);
    if (problem) return problem;
  }
  for (const keyword of ["anyOf", "oneOf", "allOf"] as const) {
    const list = schema[keyword];
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.length === 0)
      return `${pointer}/${keyword}: must be a non-empty list of schemas`;
    for (const [index, child] of list.entries()) {
      const problem = findJsonSchemaProblem(child, `${pointer}/${keyword}/${index}`, depth + 1);
      if (problem) return problem;
    }
  }
  if (schema.enum !== undefined && (!Array.isArray(schema.enum) || schema.enum.length === 0)) {
    return `${pointer}/enum: must be a non-empty list`;
  }
  return undefined;
}
