import { PolicyFileError } from "../core/index.js";

/** Strict UTF-8: any invalid sequence throws instead of becoming U+FFFD. A leading BOM is dropped. */
const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * A policy file's bytes as text. Invalid UTF-8 (a stray or missing continuation byte, an overlong
 * form, an encoded surrogate, a code point past U+10FFFF) is a PolicyFileError at the first bad
 * byte's line and column, never a silent U+FFFD in a value.
 */
export function decodePolicyBytes(file: string, bytes: Uint8Array): string {
  try {
    return decoder.decode(bytes);
  } catch {
    const flaw = findInvalidUtf8(bytes) ?? { offset: 0, reason: "is not valid UTF-8" };
    const lineStart = flaw.offset === 0 ? 0 : bytes.lastIndexOf(0x0a, flaw.offset - 1) + 1;
    const line = countNewlines(bytes, lineStart) + 1;
    const column = decoder.decode(bytes.subarray(lineStart, flaw.offset)).length + 1;
    const byte = bytes[flaw.offset]?.toString(16).toUpperCase().padStart(2, "0");
    throw new PolicyFileError([
      {
        file,
        path: "",
        line,
        column,
        message: `invalid UTF-8 at byte ${flaw.offset}${byte === undefined ? "" : ` (0x${byte})`}: ${flaw.reason}; save the file as UTF-8`,
      },
    ]);
  }
}

interface Utf8Flaw {
  offset: number;
  reason: string;
}

/** The first byte where the input stops being UTF-8 (RFC 3629, table 3-7 of Unicode). */
export function findInvalidUtf8(bytes: Uint8Array): Utf8Flaw | undefined {
  for (let offset = 0; offset < bytes.length; ) {
    const lead = bytes[offset] ?? 0;
    if (lead < 0x80) {
      offset += 1;
      continue;
    }
    const form = sequenceOf(lead);
    if (typeof form === "string") return { offset, reason: form };
    for (let index = 1; index < form.length; index++) {
      const next = bytes[offset + index];
      if (next === undefined) return { offset, reason: "the file ends inside a character" };
      if (next < 0x80 || next > 0xbf) return { offset, reason: "a character is cut short" };
      const [low, high] = index === 1 ? form.second : [0x80, 0xbf];
      if (next < low || next > high) return { offset, reason: form.why ?? "is not valid UTF-8" };
    }
    offset += form.length;
  }
  return undefined;
}

interface Sequence {
  length: number;
  /** The range the second byte must fall in. */
  second: [number, number];
  /** Why a second byte outside that range (but a continuation byte) is invalid. */
  why?: string;
}

function sequenceOf(lead: number): Sequence | string {
  if (lead <= 0xbf) return "a continuation byte without a character before it";
  if (lead <= 0xc1) return "an overlong encoding (a character encoded in more bytes than it needs)";
  if (lead <= 0xdf) return { length: 2, second: [0x80, 0xbf] };
  if (lead === 0xe0)
    return {
      length: 3,
      second: [0xa0, 0xbf],
      why: "an overlong encoding (a character encoded in more bytes than it needs)",
    };
  if (lead === 0xed)
    return {
      length: 3,
      second: [0x80, 0x9f],
      why: "an encoded surrogate (U+D800–U+DFFF are not characters)",
    };
  if (lead <= 0xef) return { length: 3, second: [0x80, 0xbf] };
  if (lead === 0xf0)
    return {
      length: 4,
      second: [0x90, 0xbf],
      why: "an overlong encoding (a character encoded in more bytes than it needs)",
    };
  if (lead <= 0xf3) return { length: 4, second: [0x80, 0xbf] };
  if (lead === 0xf4) return { length: 4, second: [0x80, 0x8f], why: "a code point above U+10FFFF" };
  return lead <= 0xf7 ? "a code point above U+10FFFF" : "a byte that never occurs in UTF-8";
}

function countNewlines(bytes: Uint8Array, end: number): number {
  let count = 0;
  for (let index = bytes.indexOf(0x0a); index !== -1 && index < end; index = bytes.indexOf(0x0a, index + 1))
    count++;
  return count;
}
