import { z } from "zod";
import type { PathSegment } from "./raw-issue.js";

function unwrap(schema: unknown): unknown {
  let current = schema;
  while (
    current instanceof z.ZodOptional ||
    current instanceof z.ZodDefault ||
    current instanceof z.ZodPrefault
  ) {
    current = current.unwrap();
  }
  return current;
}

function child(data: unknown, segment: PathSegment): unknown {
  if (data === null || typeof data !== "object") return undefined;
  return Object.hasOwn(data, segment) ? (data as Record<PathSegment, unknown>)[segment] : undefined;
}

/** The member of a discriminated union that the data's discriminator selects. */
function pickVariant(schema: z.ZodDiscriminatedUnion, data: unknown): unknown {
  const value = child(data, schema.def.discriminator);
  return schema.options.find((option) => {
    if (!(option instanceof z.ZodObject)) return false;
    const literal = option.shape[schema.def.discriminator];
    return literal instanceof z.ZodLiteral && literal.values.has(value as z.util.Literal);
  });
}

/** The schema that validates the value at `path` in `data` (optional and default wrappers removed). */
export function schemaAt(schema: unknown, path: readonly PathSegment[], data: unknown): unknown {
  let current = unwrap(schema);
  let value = data;
  for (const segment of [...path, undefined]) {
    if (current instanceof z.ZodDiscriminatedUnion) current = unwrap(pickVariant(current, value));
    if (segment === undefined) break;
    if (current instanceof z.ZodObject) current = unwrap(current.shape[String(segment)]);
    else if (current instanceof z.ZodRecord) current = unwrap(current.valueType);
    else if (current instanceof z.ZodArray) current = unwrap(current.element);
    else return undefined;
    value = child(value, segment);
  }
  return current;
}

/** The keys an object at `path` may have: what a misspelled key is compared against. */
export function allowedKeysAt(schema: unknown, path: readonly PathSegment[], data: unknown): string[] {
  const found = schemaAt(schema, path, data);
  return found instanceof z.ZodObject ? Object.keys(found.shape) : [];
}

/** Whether the number at `path` must be an integer, so messages can say "an integer". */
export function isIntegerAt(schema: unknown, path: readonly PathSegment[], data: unknown): boolean {
  const found = schemaAt(schema, path, data);
  return found instanceof z.ZodNumber && found.isInt;
}
