import { LineCounter, parseAllDocuments, type YAMLError } from "yaml";
import { checkYamlTree } from "./check-yaml-tree.js";
import { createLocate } from "./create-locate.js";
import { findExcessiveNesting } from "./nesting-guard.js";
import { describeForbidden, findForbiddenCharacter } from "./policy-characters.js";
import { MAX_ALIAS_COUNT, MAX_NESTING_DEPTH, MAX_POLICY_BYTES, NESTING_MESSAGE } from "./policy-limits.js";
import type { Locate, RawIssue, SourcePosition } from "./raw-issue.js";

export type ParsedYaml = { ok: true; data: unknown; locate: Locate } | { ok: false; issues: RawIssue[] };

/**
 * Parses a policy's YAML text as plain data, refusing everything a policy never needs and an
 * attacker would use: control characters and lone surrogates, custom tags, merge keys, prototype
 * keys, duplicate keys, several documents, alias bombs and deep nesting. Every issue comes with its
 * line and column.
 */
export function parseYaml(text: string): ParsedYaml {
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > MAX_POLICY_BYTES) {
    return fail({
      path: [],
      message: `the policy is ${bytes} bytes; the limit is ${MAX_POLICY_BYTES} (1 MB)`,
    });
  }
  const character = findForbiddenCharacter(text, text.startsWith("\uFEFF") ? 1 : 0);
  if (character) {
    return fail({
      path: [],
      position: positionIn(text, character.index),
      message: describeForbidden(character),
    });
  }
  // The parser itself is what deep nesting attacks, so this check cannot wait for the tree.
  const tooDeep = findExcessiveNesting(text, 2 * MAX_NESTING_DEPTH);
  if (tooDeep) return fail({ path: [], position: tooDeep, message: NESTING_MESSAGE });

  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(text, {
    lineCounter,
    schema: "core",
    customTags: [],
    merge: false,
    uniqueKeys: true,
    prettyErrors: false,
    strict: true,
  });
  const documents = Array.isArray(parsed) ? parsed : [];
  const positionOf = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const [document, second] = documents;
  if (document === undefined) return fail({ path: [], message: "the policy is empty" });
  if (second !== undefined) {
    return fail({
      path: [],
      position: positionOf(second.range[0]),
      message: "a policy holds one YAML document; a second one starts here",
    });
  }

  const issues: RawIssue[] = [];
  const report = (error: YAMLError) =>
    issues.push({ path: [], position: positionOf(error.pos[0]), message: `invalid YAML: ${error.message}` });
  // Duplicate keys and unresolved tags are reported by checkYamlTree, with their names.
  for (const error of document.errors) if (error.code !== "DUPLICATE_KEY") report(error);
  for (const warning of document.warnings) if (warning.code !== "TAG_RESOLVE_FAILED") report(warning);
  issues.push(...checkYamlTree(document, text, positionOf));
  if (issues.length > 0) return { ok: false, issues };

  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return fail({ path: [], position: positionOf(document.range[0]), message: `invalid YAML: ${message}` });
  }
  if (data === null || data === undefined) return fail({ path: [], message: "the policy is empty" });
  return { ok: true, data, locate: createLocate(document, positionOf) };
}

/** 1-based, in UTF-16 units as the YAML parser counts them. */
function positionIn(text: string, index: number): SourcePosition {
  const lineStart = text.lastIndexOf("\n", index - 1) + 1;
  let line = 1;
  for (let at = text.indexOf("\n"); at !== -1 && at < lineStart; at = text.indexOf("\n", at + 1)) line++;
  return { line, column: index - lineStart + 1 };
}

function fail(issue: RawIssue): ParsedYaml {
  return { ok: false, issues: [issue] };
}
