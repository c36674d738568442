import { suggestion } from "../config/did-you-mean.js";
import { InvalidRequestError } from "../core/index.js";
import { hasVisibleText, pieceLength, scanLongText, textFlaw } from "./check-text.js";
import { type FieldPath, formatField } from "./field-path.js";
import type { Checks, WorkMeter } from "./work-meter.js";

// Helpers take a field as (parent, key) and build its path only for an error: a request may hold
// hundreds of thousands of fields, and a path array for each would cost more than the checks.

/** The error for one field; no provider has been called. */
export function invalid(path: FieldPath, message: string): InvalidRequestError {
  return new InvalidRequestError(formatField(path), message);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** An object with only the named keys (a key holding `undefined` counts as absent). */
export function expectObject(
  value: unknown,
  path: FieldPath,
  keys: readonly string[],
  what: string,
): Record<string, unknown> {
  if (!isRecord(value)) throw invalid(path, `must be an object (${what})`);
  for (const key in value) {
    if (!Object.hasOwn(value, key) || value[key] === undefined || keys.includes(key)) continue;
    throw invalid(
      [...path, key],
      `is not a field of ${what}${suggestion(key, keys)}; its fields: ${keys.join(", ")}`,
    );
  }
  return value;
}

export interface StringRules {
  /** @default 0 */
  minLength?: number;
  maxLength?: number;
  /** Needs a character that is not whitespace. @default false */
  visible?: boolean;
  /** Refuses control characters (C0, DEL, C1): for names that become keys and labels. @default false */
  printable?: boolean;
  pattern?: { regex: RegExp; description: string };
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const controlCharacter = /[\u0000-\u001F\u007F-\u009F]/;

/**
 * A string no provider would refuse for its text (see textFlaw), within the rules. A string longer
 * than a scan piece is checked for its type, length and pattern here and left on the meter for
 * `checkLongTexts`, which scans it a piece per slice of work.
 */
export function expectString(
  value: unknown,
  parent: FieldPath,
  key: string | number,
  meter: WorkMeter,
  rules: StringRules = {},
): string {
  if (typeof value !== "string") throw invalid([...parent, key], `must be a string (got ${describe(value)})`);
  const { minLength = 0, maxLength, pattern } = rules;
  if (value.length < minLength) {
    throw invalid(
      [...parent, key],
      minLength === 1 ? "must not be empty" : `must be at least ${minLength} characters`,
    );
  }
  if (maxLength !== undefined && value.length > maxLength) {
    throw invalid([...parent, key], `must be at most ${maxLength} characters (got ${value.length})`);
  }
  if (pattern && !pattern.regex.test(value))
    throw invalid([...parent, key], `must be ${pattern.description}`);
  if (rules.printable && controlCharacter.test(value)) {
    const code = value.charCodeAt(value.search(controlCharacter));
    throw invalid(
      [...parent, key],
      `contains the control character U+${code.toString(16).toUpperCase().padStart(4, "0")}`,
    );
  }
  if (value.length > pieceLength) {
    meter.longTexts.push({ text: value, parent, key, visible: rules.visible === true });
    return value;
  }
  const flaw = textFlaw(value);
  if (flaw) throw invalid([...parent, key], flaw);
  if (rules.visible && !hasVisibleText(value)) {
    throw invalid([...parent, key], value.length === 0 ? "is empty" : "holds only whitespace");
  }
  meter.add(value.length);
  return value;
}

/** Scans the long strings `expectString` left on the meter, in the order they were met. */
export function* checkLongTexts(meter: WorkMeter): Checks {
  for (const { text, parent, key, visible } of meter.longTexts) {
    const flaw = yield* scanLongText(text, meter, visible);
    if (flaw) throw invalid([...parent, key], flaw);
  }
}

export interface NumberRules {
  integer?: boolean;
  min?: number;
  /** The value must be above `min`, not equal to it. @default false */
  exclusiveMin?: boolean;
  max?: number;
}

/** A finite number within the rules. */
export function expectNumber(value: unknown, path: FieldPath, rules: NumberRules): number {
  if (typeof value !== "number") throw invalid(path, `must be a number (got ${describe(value)})`);
  if (!Number.isFinite(value)) throw invalid(path, `must be a finite number (got ${value})`);
  if (rules.integer && !Number.isSafeInteger(value)) throw invalid(path, `must be an integer (got ${value})`);
  const { min, max } = rules;
  if (min !== undefined && (rules.exclusiveMin ? value <= min : value < min)) {
    throw invalid(path, `must be ${rules.exclusiveMin ? "greater than" : "at least"} ${min} (got ${value})`);
  }
  if (max !== undefined && value > max) throw invalid(path, `must be at most ${max} (got ${value})`);
  return value;
}

export function expectList(value: unknown, path: FieldPath, maxItems?: number): unknown[] {
  if (!Array.isArray(value)) throw invalid(path, `must be a list (got ${describe(value)})`);
  if (maxItems !== undefined && value.length > maxItems) {
    throw invalid(path, `holds ${value.length} entries; the limit is ${maxItems}`);
  }
  return value;
}

export function expectOneOf<const T extends string>(
  value: unknown,
  parent: FieldPath,
  key: string | number,
  choices: readonly T[],
): T {
  if (typeof value === "string" && (choices as readonly string[]).includes(value)) return value as T;
  throw invalid(
    [...parent, key],
    `must be one of ${choices.map((choice) => JSON.stringify(choice)).join(", ")} (got ${describe(value)})`,
  );
}

/** A short description of what was given instead, never the value of a long string. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return value.length <= 40 ? JSON.stringify(value) : "a string";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (typeof value === "object") return "an object";
  return typeof value;
}
