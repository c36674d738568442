/**
 * What a policy's text may not hold: the characters YAML 1.2 excludes from a stream (§5.1: it
 * allows tab, LF, CR, NEL and the printable ranges), a byte order mark anywhere but the very
 * start, and lone surrogates (a JS string can hold them; UTF-8 cannot). NUL is the one that
 * matters most: it truncates C strings and hides the rest of a line from a reviewer's eyes.
 */
const forbidden =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u0084\u0086-\u009F\uFEFF\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const names: Record<number, string> = {
  0: "NUL",
  27: "ESC",
  127: "DEL",
  65279: "byte order mark",
};

export interface ForbiddenCharacter {
  /** Offset in UTF-16 code units. */
  index: number;
  /** "the control character U+0000 (NUL)" */
  character: string;
  /** Why the character cannot be in a policy. */
  reason: string;
}

/** The first character a policy may not hold; `from` skips a leading BOM. */
export function findForbiddenCharacter(text: string, from = 0): ForbiddenCharacter | undefined {
  forbidden.lastIndex = from;
  const match = forbidden.exec(text);
  if (!match) return undefined;
  const code = match[0].charCodeAt(0);
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  if (code >= 0xd800 && code <= 0xdfff) {
    return { index: match.index, character: `a lone surrogate (${hex})`, reason: "it has no UTF-8 encoding" };
  }
  if (code === 0xfeff) {
    return {
      index: match.index,
      character: `a byte order mark (${hex})`,
      reason: "it may only start the file",
    };
  }
  return {
    index: match.index,
    character: `the control character ${names[code] ? `${hex} (${names[code]})` : hex}`,
    reason: "YAML allows only tab, LF, CR and printable characters",
  };
}

/** "the control character U+0000 (NUL) is not allowed in a policy: YAML allows only …" */
export function describeForbidden(found: ForbiddenCharacter): string {
  return `${found.character} is not allowed in a policy: ${found.reason}`;
}
