import type { z } from "zod";
import { suggestion } from "./did-you-mean.js";
import { isSecretPath } from "./interpolate-env.js";
import type { PathSegment, RawIssue } from "./raw-issue.js";
import { allowedKeysAt, isIntegerAt } from "./schema-keys.js";

type ZodIssue = z.core.$ZodIssue;

const TYPE_NAMES: Record<string, string> = {
  int: "an integer",
  number: "a number",
  string: "a string",
  boolean: "true or false",
  object: "a mapping",
  array: "a list",
  record: "a mapping",
};

export function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let current = data;
  for (const segment of path) {
    if (current === null || typeof current !== "object" || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<PathSegment, unknown>)[segment];
  }
  return current;
}

/** What was found, for "(got …)"; a secret field's content is never shown. */
export function describeValue(value: unknown, secret: boolean): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (secret && typeof value !== "object") return `a ${typeof value}`;
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return `a list of ${value.length}`;
  return typeof value === "object" ? "a mapping" : `a ${typeof value}`;
}

function bound(issue: { minimum?: unknown; maximum?: unknown; inclusive?: boolean }, below: boolean): string {
  const limit = Number(below ? issue.minimum : issue.maximum);
  const operator = below ? (issue.inclusive ? "≥" : ">") : issue.inclusive ? "≤" : "<";
  return `${operator} ${limit.toLocaleString("en-US")}`;
}

function sizeMessage(
  issue: Extract<ZodIssue, { code: "too_small" | "too_big" }>,
  got: string,
  integer: boolean,
): string {
  const below = issue.code === "too_small";
  const limit = Number(below ? issue.minimum : issue.maximum);
  if (issue.origin === "array") {
    return `expected ${below ? "at least" : "at most"} ${limit} item${limit === 1 ? "" : "s"} (got ${got})`;
  }
  if (issue.origin === "string") {
    return below && limit === 1
      ? "expected a non-empty string"
      : `expected ${below ? "at least" : "at most"} ${limit} characters`;
  }
  const kind = issue.origin === "int" || integer ? "an integer" : "a number";
  return `expected ${kind} ${bound(issue, below)} (got ${got})`;
}

const quoteAll = (values: readonly unknown[]) => values.map((value) => `\`${String(value)}\``).join(", ");

/**
 * A union of an enum and other types (`retryOn: [rate_limit, 503]`): its names, and the other
 * types as " or an integer", so a misspelled name gets its suggestion.
 */
function unionOfNames(issue: Extract<ZodIssue, { code: "invalid_union" }>) {
  const branches = (issue.errors ?? []).flat().filter((branch) => branch.path.length === 0);
  const values = branches.flatMap((branch) => (branch.code === "invalid_value" ? branch.values : []));
  if (values.length === 0) return undefined;
  const others = branches.flatMap((branch) =>
    branch.code === "invalid_type" ? [TYPE_NAMES[branch.expected] ?? branch.expected] : [],
  );
  return { values, others: others.length > 0 ? ` or ${others.join(" or ")}` : "" };
}

/** Turns zod's issues into messages that say what was expected, what was found and where. */
export function describeZodIssues(
  issues: readonly ZodIssue[],
  data: unknown,
  schema: unknown,
  secretFields?: ReadonlySet<string>,
): RawIssue[] {
  return issues.flatMap((issue): RawIssue[] => {
    const path = issue.path.map((segment) => (typeof segment === "number" ? segment : String(segment)));
    const value = valueAt(data, path);
    const got = describeValue(value, isSecretPath(path, secretFields));
    const typo =
      typeof value === "string"
        ? (candidates: readonly unknown[]) => suggestion(value, candidates.map(String))
        : () => "";
    switch (issue.code) {
      case "invalid_type": {
        const integer = issue.expected === "number" && isIntegerAt(schema, path, data);
        const expected = integer ? "an integer" : (TYPE_NAMES[issue.expected] ?? issue.expected);
        // YAML reads `"0.6"` as text: the likeliest cause of a string where a number belongs.
        const quoted = typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value));
        const numberHint = quoted && (issue.expected === "number" || issue.expected === "int");
        // YAML 1.2 reads yes/no/on/off as text, unlike YAML 1.1 and many older tools.
        const booleanWord = typeof value === "string" && /^(y|yes|n|no|on|off)$/i.test(value);
        const hint = numberHint
          ? "; write it without quotes"
          : booleanWord && issue.expected === "boolean"
            ? "; write true or false"
            : "";
        const message =
          value === undefined
            ? `is required (expected ${expected})`
            : `expected ${expected} (got ${got}${hint})`;
        return [{ path, message }];
      }
      case "too_small":
      case "too_big":
        return [{ path, message: sizeMessage(issue, got, isIntegerAt(schema, path, data)) }];
      case "invalid_value":
        return [
          { path, message: `expected one of ${quoteAll(issue.values)} (got ${got})${typo(issue.values)}` },
        ];
      case "invalid_union": {
        // A discriminated union reports its allowed discriminator values on the issue, untyped.
        const options =
          "options" in issue && Array.isArray(issue.options) ? issue.options.map(String) : undefined;
        if (options !== undefined) {
          const expected = `expected one of ${quoteAll(options)}`;
          const message =
            value === undefined ? `is required (${expected})` : `${expected} (got ${got})${typo(options)}`;
          return [{ path, message }];
        }
        const named = unionOfNames(issue);
        if (named !== undefined && typeof value === "string") {
          const message = `expected one of ${quoteAll(named.values)}${named.others} (got ${got})${typo(named.values)}`;
          return [{ path, message }];
        }
        return [{ path, message: `does not match any allowed form (got ${got})` }];
      }
      case "unrecognized_keys": {
        const allowed = allowedKeysAt(schema, path, data);
        return issue.keys.map((key) => ({
          path: [...path, key],
          at: "key" as const,
          message: `unknown key \`${key}\`${suggestion(key, allowed) || (allowed.length > 0 ? ` (allowed: ${allowed.join(", ")})` : "")}`,
        }));
      }
      case "invalid_key": {
        const reason = issue.issues[0]?.message ?? "invalid name";
        return [{ path, at: "key", message: `invalid name \`${String(path.at(-1))}\`: ${reason}` }];
      }
      case "invalid_format":
        return [{ path, message: `${issue.message} (got ${got})` }];
      default:
        return [{ path, message: issue.message }];
    }
  });
}
