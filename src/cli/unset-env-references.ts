import { formatPolicyIssue } from "../core/index.js";

/** What `check --no-env` does with one `${VAR}` of the file that the environment does not set. */
export interface UnsetReference {
  name: string;
  line: number;
  column: number;
}

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * Every `${VAR}` of a policy text that `env` leaves unset or empty, with its 1-based line:col.
 * Comments are scanned too: a commented-out reference is harmless, and reporting it as a warning
 * is the safe side.
 */
export function unsetEnvReferences(text: string, env: Record<string, string | undefined>): UnsetReference[] {
  const found: UnsetReference[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, index) => {
    for (const match of line.matchAll(REFERENCE)) {
      const name = match[1] as string;
      if ((env[name] ?? "") === "") found.push({ name, line: index + 1, column: (match.index ?? 0) + 1 });
    }
  });
  return found;
}

/**
 * The value an unset variable is checked with: a URL, so `state.url` parses, and an opaque word
 * to every key field. Never a secret, and never sent anywhere: check calls no provider.
 */
export const UNSET_PLACEHOLDER = "redis://switchyard-check-unset.invalid:6379";

/** The warning lines for `check --no-env`, in check's own `file:line:col: message` form. */
export function formatUnsetReferences(file: string, references: readonly UnsetReference[]): string {
  const lines = references.map((reference) =>
    formatPolicyIssue({
      path: "",
      file,
      line: reference.line,
      column: reference.column,
      message: `environment variable ${reference.name} is not set (--no-env: checked with a placeholder)`,
    }),
  );
  return [`unset variables (${references.length}):`, ...lines].join("\n");
}
