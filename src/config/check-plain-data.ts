import { describeForbidden, findForbiddenCharacter } from "./policy-characters.js";
import { FORBIDDEN_KEYS, MAX_NESTING_DEPTH, NESTING_MESSAGE } from "./policy-limits.js";
import type { PathSegment, RawIssue } from "./raw-issue.js";

function isPlainObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * The structural checks a YAML file gets from its parser, for a policy passed as an object in
 * code: plain data only (no functions, class instances, symbols), no prototype keys, bounded
 * nesting (which also catches cycles), and strings and keys free of what a YAML file may not hold
 * (NUL and other control characters, a byte order mark, lone surrogates).
 */
export function checkPlainData(value: unknown): RawIssue[] {
  const issues: RawIssue[] = [];
  const visit = (node: unknown, path: PathSegment[], depth: number): void => {
    if (typeof node === "string") {
      const character = findForbiddenCharacter(node);
      if (character)
        issues.push({ path, message: `${describeForbidden(character)} (index ${character.index})` });
      return;
    }
    // `undefined` reads as an absent field, as TypeScript's optional properties allow.
    if (node === null || node === undefined || ["number", "boolean"].includes(typeof node)) return;
    if (typeof node !== "object") {
      issues.push({ path, message: `expected plain data (got a ${typeof node})` });
      return;
    }
    if (!Array.isArray(node) && !isPlainObject(node)) {
      issues.push({
        path,
        message: `expected plain data (got a ${node.constructor?.name ?? "class"} instance)`,
      });
      return;
    }
    if (depth + 1 > MAX_NESTING_DEPTH) {
      issues.push({ path, message: NESTING_MESSAGE });
      return;
    }
    if (Array.isArray(node)) {
      for (const [index, item] of node.entries()) visit(item, [...path, index], depth + 1);
      return;
    }
    if (Object.getOwnPropertySymbols(node).length > 0) {
      issues.push({ path, message: "symbol keys are not allowed" });
    }
    for (const key of Object.keys(node)) {
      if (FORBIDDEN_KEYS.has(key)) {
        issues.push({ path: [...path, key], at: "key", message: `the key \`${key}\` is not allowed` });
        continue;
      }
      const character = findForbiddenCharacter(key);
      if (character) {
        issues.push({ path: [...path, key], at: "key", message: `the key: ${describeForbidden(character)}` });
        continue;
      }
      visit((node as Record<string, unknown>)[key], [...path, key], depth + 1);
    }
  };
  visit(value, [], 0);
  return issues;
}
