import type { PolicyFile } from "./policy-schema.js";
import { type LoadPolicyOptions, type PolicySource, preparePolicy } from "./prepare-policy.js";
import { readPolicyFile } from "./read-policy-file.js";
import type { LoadedPolicy } from "./resolved-policy.js";

/**
 * Loads a policy from a YAML file (a path) or from an object written in code; both go through
 * the same schema and checks. Nothing is executed and no provider is contacted.
 *
 * @throws PolicyFileError listing every issue with file:line:col (objects: path only).
 */
export async function loadPolicy(
  source: string | PolicyFile,
  options: LoadPolicyOptions = {},
): Promise<LoadedPolicy> {
  return preparePolicy(await toPolicySource(source), options).loaded;
}

/** Loads policy YAML held in memory (stdin, tests); `file` only names it in messages and anchors relative paths. */
export function loadPolicyText(
  text: string,
  options: LoadPolicyOptions & { file?: string } = {},
): LoadedPolicy {
  const { file, ...rest } = options;
  return preparePolicy({ kind: "text", text, ...(file !== undefined && { file }) }, rest).loaded;
}

export async function toPolicySource(source: string | PolicyFile): Promise<PolicySource> {
  if (typeof source === "string") return { kind: "text", text: await readPolicyFile(source), file: source };
  return { kind: "object", value: source };
}
