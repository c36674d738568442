import { dirname, resolve } from "node:path";
import { checkPlainData } from "./check-plain-data.js";
import { checkPolicyRules } from "./check-policy-rules.js";
import { checkReferences } from "./check-references.js";
import { describeZodIssues } from "./format-issues.js";
import { type Environment, interpolateEnv } from "./interpolate-env.js";
import { parseYaml } from "./parse-yaml.js";
import { policyError } from "./place-issues.js";
import { type ParsedPolicy, policySchema } from "./policy-schema.js";
import type { Locate, RawIssue } from "./raw-issue.js";
import { resolvePolicy } from "./resolve-policy.js";
import type { LoadedPolicy } from "./resolved-policy.js";

export interface LoadPolicyOptions {
  /** Variables for `${ENV_NAME}` in secret fields. @default process.env */
  env?: Environment;
  /** Folder that relative local `model` paths resolve against. @default the policy file's folder, else process.cwd() */
  baseDir?: string;
}

export type PolicySource = { kind: "text"; text: string; file?: string } | { kind: "object"; value: unknown };

/** Everything learned while loading, for `checkPolicy`'s warnings. */
export interface PreparedPolicy {
  loaded: LoadedPolicy;
  parsed: ParsedPolicy;
  /** The data as written, before `${ENV}` expansion. */
  written: unknown;
  locate: Locate;
}

const nowhere: Locate = () => undefined;

/**
 * The one pipeline for files and objects: parse (or check plain data), expand secrets, validate
 * with the schema, check references and rules, resolve. Each stage reports every issue it finds;
 * a later stage runs only on what the earlier ones accepted. Throws PolicyFileError.
 */
export function preparePolicy(source: PolicySource, options: LoadPolicyOptions = {}): PreparedPolicy {
  const file = source.kind === "text" ? source.file : undefined;
  let written: unknown;
  let locate = nowhere;
  if (source.kind === "text") {
    const result = parseYaml(source.text);
    if (!result.ok) throw policyError(result.issues, file, nowhere);
    written = result.data;
    locate = result.locate;
  } else {
    const issues = checkPlainData(source.value);
    if (issues.length > 0) throw policyError(issues, file, nowhere);
    written = source.value;
  }

  const interpolation = interpolateEnv(written, options.env ?? process.env);
  const validation = policySchema.safeParse(interpolation.data);
  const issues: RawIssue[] = [...interpolation.issues];
  if (!validation.success)
    issues.push(...describeZodIssues(validation.error.issues, interpolation.data, policySchema));
  if (issues.length > 0 || !validation.success) throw policyError(issues, file, locate);

  const parsed = validation.data;
  const ruleIssues = [...checkReferences(parsed), ...checkPolicyRules(parsed)];
  if (ruleIssues.length > 0) throw policyError(ruleIssues, file, locate);

  const baseDir = options.baseDir ?? (file !== undefined ? dirname(resolve(file)) : process.cwd());
  const loaded: LoadedPolicy = {
    policy: resolvePolicy(parsed, baseDir),
    secrets: interpolation.secrets,
    ...(file !== undefined && { file: resolve(file) }),
  };
  return { loaded, parsed, written, locate };
}
