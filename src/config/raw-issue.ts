/** One step into the policy: a mapping key or a list index. */
export type PathSegment = string | number;

/** Where in a YAML file a path points, 1-based. */
export interface SourcePosition {
  line: number;
  column: number;
}

/**
 * Finds the position of a path in the source: at the key itself (`"key"`: unknown or invalid
 * names) or at its value. A missing node resolves to its nearest existing ancestor.
 */
export type Locate = (path: readonly PathSegment[], at?: "key" | "value") => SourcePosition | undefined;

/** An issue before it is placed in a file: the path and what is wrong. */
export interface RawIssue {
  path: readonly PathSegment[];
  message: string;
  /** Point at the key rather than its value. @default "value" */
  at?: "key" | "value";
  /** An already known position (syntax errors have no path). */
  position?: SourcePosition;
}

const PLAIN_KEY = /^[A-Za-z0-9_-]+$/;

/** `routes.default.targets[2]`; keys with dots or other characters are quoted: `targets["gpt-4.1"]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let text = "";
  for (const segment of path) {
    if (typeof segment === "number") text += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) text += text === "" ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}
