import type { Checks, WorkMeter } from "./work-meter.js";

/** Longer strings are scanned a piece at a time, pausing between pieces (see WorkMeter). */
export const pieceLength = 131_072;

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const visible = /\S/;

interface WellFormedString {
  isWellFormed(): boolean;
}

/**
 * What no provider takes in a string: a NUL (U+0000), which C-string layers cut at and JSON APIs
 * refuse, and a lone surrogate, which is not Unicode (it has no UTF-8 form, so the body cannot be
 * encoded faithfully). Returns the problem, or undefined. `offset` places a piece in its string.
 */
export function textFlaw(text: string, offset = 0): string | undefined {
  const nul = text.indexOf("\0");
  const lone = (text as unknown as WellFormedString).isWellFormed() ? -1 : text.search(loneSurrogate);
  if (nul === -1 && lone === -1) return undefined;
  // The earlier of the two, so a string scanned in pieces reports what a whole scan would.
  if (lone === -1 || (nul !== -1 && nul < lone))
    return `contains a NUL character (U+0000) at index ${offset + nul}`;
  const unit = text.charCodeAt(lone).toString(16).toUpperCase();
  return `contains a lone surrogate (U+${unit}) at index ${offset + lone}: not valid Unicode, so no provider accepts it`;
}

export function hasVisibleText(text: string): boolean {
  return visible.test(text);
}

/** `textFlaw` and, when asked, `hasVisibleText` over a long string, a piece per slice of work. */
export function* scanLongText(
  text: string,
  meter: WorkMeter,
  needsVisible: boolean,
): Checks<string | undefined> {
  let seen = !needsVisible;
  for (let start = 0; start < text.length; ) {
    let end = Math.min(text.length, start + pieceLength);
    // A surrogate pair split between two pieces would read as two lone halves.
    if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1))) end += 1;
    const piece = text.slice(start, end);
    const flaw = textFlaw(piece, start);
    if (flaw) return flaw;
    seen ||= hasVisibleText(piece);
    if (meter.spend(end - start)) yield;
    start = end;
  }
  return seen ? undefined : "holds only whitespace";
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}
