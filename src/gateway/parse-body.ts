import type { z } from "zod";
import { InvalidRequestError } from "../core/index.js";

/** `messages[0].content` from zod's path; unknown keys are named themselves. */
function fieldOf(issue: z.core.$ZodIssue): string {
  const path = [...issue.path];
  if (issue.code === "unrecognized_keys" && issue.keys[0] !== undefined) path.push(issue.keys[0]);
  let field = "";
  for (const segment of path) {
    field += typeof segment === "number" ? `[${segment}]` : `${field ? "." : ""}${String(segment)}`;
  }
  return field || "body";
}

function messageOf(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys") {
    return `unknown field${issue.keys.length > 1 ? `s ${issue.keys.join(", ")}` : ""}: not part of the API or not supported by this gateway`;
  }
  return issue.message;
}

/** Validates a decoded JSON body; the first problem becomes an `InvalidRequestError` naming its field. */
export function parseBody<Schema extends z.ZodType>(schema: Schema, value: unknown): z.infer<Schema> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  if (!issue) throw new InvalidRequestError("body", "is not valid");
  throw new InvalidRequestError(fieldOf(issue), messageOf(issue));
}
