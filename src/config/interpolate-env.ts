import { DEFAULT_SECRET_FIELDS } from "./provider-schema.js";
import type { PathSegment, RawIssue } from "./raw-issue.js";

export type Environment = Readonly<Record<string, string | undefined>>;

export interface InterpolationResult {
  /** A copy of the input with `${ENV_NAME}` replaced in secret fields. */
  data: unknown;
  /** Every secret value the policy holds, for redaction. */
  secrets: string[];
  issues: RawIssue[];
}

const PLACEHOLDER = /\$\{([^}]*)\}/g;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A key written literally in the file is a secret too; short literals are placeholders for local
 * servers that ignore the key ("ollama", "none"), and redacting those words everywhere would
 * garble every message that names the provider.
 */
const MIN_LITERAL_SECRET_LENGTH = 8;

const defaultSecretFields: ReadonlySet<string> = new Set(DEFAULT_SECRET_FIELDS);

/**
 * `providers.<id>.<secret field>` (the registered factories' `secretFields`, by default `apiKey`
 * and `apiToken`; a nested one written with dots, e.g. `options.apiKey`),
 * `providers.<id>.headers.<name>`, and `state.url` (a Redis URL carries its password).
 */
export function isSecretPath(
  path: readonly PathSegment[],
  secretFields: ReadonlySet<string> = defaultSecretFields,
): boolean {
  if (path[0] === "state") return path.length === 2 && path[1] === "url";
  if (path[0] !== "providers" || path.length < 3) return false;
  if (path.length === 4 && path[2] === "headers") return true;
  return secretFields.has(path.slice(2).join("."));
}

/**
 * Expands `${ENV_NAME}` in secret fields only. Anywhere else a placeholder is an error: routing
 * must not change with the environment behind the operator's back. Messages name variables and
 * paths, never values.
 */
export function interpolateEnv(
  data: unknown,
  env: Environment,
  secretFields: ReadonlySet<string> = defaultSecretFields,
): InterpolationResult {
  const secrets = new Set<string>();
  const issues: RawIssue[] = [];

  const expand = (text: string, path: readonly PathSegment[]): string => {
    if (!isSecretPath(path, secretFields)) {
      if (text.includes("${")) {
        issues.push({
          path,
          message: `interpolation \`\${…}\` is only allowed in secret fields (${[...secretFields, "header values", "state.url"].join(", ")})`,
        });
      }
      return text;
    }
    const withoutPlaceholders = text.replace(PLACEHOLDER, "");
    if (withoutPlaceholders.includes("${")) {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the text shows the literal ${ENV_NAME} syntax
      issues.push({ path, message: "unterminated `${`: expected `${ENV_NAME}`" });
      return text;
    }
    let interpolated = false;
    const value = text.replace(PLACEHOLDER, (placeholder, name: string) => {
      interpolated = true;
      if (!ENV_NAME.test(name)) {
        issues.push({ path, message: `\`\${${name}}\` is not a valid environment variable name` });
        return placeholder;
      }
      const resolved = env[name];
      if (resolved === undefined || resolved === "") {
        issues.push({ path, message: `environment variable ${name} is not set or empty` });
        return placeholder;
      }
      secrets.add(resolved);
      return resolved;
    });
    if (!interpolated && path[2] !== "headers" && value.length >= MIN_LITERAL_SECRET_LENGTH)
      secrets.add(value);
    // An error may quote the password alone (a driver's auth failure), not the whole URL.
    const password = path[0] === "state" ? urlPassword(value) : undefined;
    if (password !== undefined && password.length >= MIN_LITERAL_SECRET_LENGTH) secrets.add(password);
    return value;
  };

  const copy = (node: unknown, path: PathSegment[]): unknown => {
    if (typeof node === "string") return expand(node, path);
    if (Array.isArray(node)) return node.map((item, index) => copy(item, [...path, index]));
    if (node !== null && typeof node === "object") {
      // fromEntries defines properties, so even a stray `__proto__` key could not reach a prototype.
      return Object.fromEntries(
        Object.entries(node).map(([key, value]) => [key, copy(value, [...path, key])]),
      );
    }
    return node;
  };

  return { data: copy(data, []), secrets: [...secrets], issues };
}

/** The password of a URL such as redis://user:password@host, decoded; undefined when it has none. */
function urlPassword(url: string): string | undefined {
  try {
    const password = new URL(url).password;
    return password === "" ? undefined : decodeURIComponent(password);
  } catch {
    return undefined;
  }
}
