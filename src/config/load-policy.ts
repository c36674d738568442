import type { PolicyFile } from "./policy-schema.js";
import {
  type LoadPolicyOptions,
  type PolicySource,
  preparePolicy,
  preparePolicySync,
} from "./prepare-policy.js";
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
  return (await preparePolicy(await toPolicySource(source), options)).loaded;
}

/**
 * Loads policy YAML held in memory (stdin, tests); `file` only names it in messages and anchors
 * relative paths. Synchronous, so it asks no model catalog: every remote target needs its
 * `price` (`loadPolicyTextWithCatalog` is the same with the catalog).
 */
export function loadPolicyText(
  text: string,
  options: LoadPolicyOptions & { file?: string } = {},
): LoadedPolicy {
  const { file, ...rest } = options;
  return preparePolicySync({ kind: "text", text, ...(file !== undefined && { file }) }, rest).loaded;
}

/** `loadPolicyText` with the model catalog's defaults, as `loadPolicy` has them. */
export async function loadPolicyTextWithCatalog(
  text: string,
  options: LoadPolicyOptions & { file?: string } = {},
): Promise<LoadedPolicy> {
  const { file, ...rest } = options;
  return (await preparePolicy({ kind: "text", text, ...(file !== undefined && { file }) }, rest)).loaded;
}

export async function toPolicySource(source: string | PolicyFile): Promise<PolicySource> {
  if (typeof source === "string") return { kind: "text", text: await readPolicyFile(source), file: source };
  return { kind: "object", value: source };
}
