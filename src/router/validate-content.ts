import { suggestion } from "../config/did-you-mean.js";
import {
  type ImageMediaType,
  type ImagePart,
  type InlineImage,
  imageMediaTypes,
  type UserContentPart,
} from "../core/index.js";
import { readImageHeader } from "../estimate/index.js";
import { hasVisibleText, pieceLength } from "./check-text.js";
import type { FieldPath } from "./field-path.js";
import { describe, expectObject, expectOneOf, expectString, invalid, isRecord } from "./request-fields.js";
import type { Checks, WorkMeter } from "./work-meter.js";

/** Bounds on the images of one request. */
export const imageLimits = {
  /** Decoded bytes of one inline image: OpenAI's limit (Anthropic's own is 5 MB). @default 20971520 */
  maxBytes: 20 * 1024 * 1024,
  /** Images in one request, over all its messages (Anthropic's limit). @default 100 */
  perRequest: 100,
  /** Characters of an http(s) image URL. @default 8192 */
  urlLength: 8192,
} as const;

/** Work a part costs besides its text, in the WorkMeter's units (as a message does). */
const partUnits = 128;
const details = ["auto", "low", "high"] as const;
const partTypes = ["text", "image"] as const;
const nonBase64 = /[^A-Za-z0-9+/]/;
const dataUrlHead = /^data:([^;,]*)((?:;[^;,]*)*),/i;

/** Images counted so far in the request. */
export interface ImageTally {
  images: number;
}

/**
 * A user message's content as a list of parts: `{ type: "text", text }` and `{ type: "image",
 * image, detail? }`, where `image` is an http(s) URL, a `data:` URL or `{ data, mediaType }`. An
 * inline image must be base64 of a PNG, JPEG, GIF or WebP file of at most `imageLimits.maxBytes`,
 * of the type it declares; its size comes from its length and padding, and its characters are
 * checked a piece per slice of work, so a 30 MB string is never decoded in one go. Returns
 * copies, `data:` URLs turned into `{ data, mediaType }`.
 */
export function* checkUserContent(
  list: unknown[],
  path: FieldPath,
  meter: WorkMeter,
  tally: ImageTally,
): Checks<{ parts: UserContentPart[]; visible: boolean }> {
  if (list.length === 0) throw invalid(path, "must hold at least one part (text or image)");
  const parts: UserContentPart[] = [];
  let visible = false;
  for (let index = 0; index < list.length; index++) {
    const entry = list[index];
    const partPath = [...path, index];
    if (!isRecord(entry))
      throw invalid(partPath, `must be an object (a text or image part; got ${describe(entry)})`);
    const type = expectOneOf(entry.type, partPath, "type", partTypes);
    if (type === "text") {
      const fields = expectObject(entry, partPath, ["type", "text"], "a text part");
      const text = expectString(fields.text, partPath, "text", meter);
      // A long text's first piece decides (its whole scan comes later): no text worth sending
      // opens with 128k characters of whitespace.
      visible ||= hasVisibleText(text.length > pieceLength ? text.slice(0, pieceLength) : text);
      parts.push({ type, text });
      if (meter.spend(partUnits)) yield;
      continue;
    }
    const fields = expectObject(entry, partPath, ["type", "image", "detail"], "an image part");
    tally.images += 1;
    if (tally.images > imageLimits.perRequest) {
      throw invalid(
        partPath,
        `is image number ${tally.images}; a request takes at most ${imageLimits.perRequest}`,
      );
    }
    const image = yield* checkImage(fields.image, [...partPath, "image"], meter);
    const part: ImagePart = { type, image };
    if (fields.detail !== undefined) part.detail = expectOneOf(fields.detail, partPath, "detail", details);
    parts.push(part);
    visible = true;
    if (meter.spend(partUnits)) yield;
  }
  return { parts, visible };
}

function* checkImage(value: unknown, path: FieldPath, meter: WorkMeter): Checks<string | InlineImage> {
  if (typeof value === "string") {
    if (/^data:/i.test(value)) return yield* checkDataUrl(value, path, meter);
    return checkImageUrl(value, path);
  }
  if (!isRecord(value)) {
    throw invalid(path, `must be an http(s) or data: URL, or { data, mediaType } (got ${describe(value)})`);
  }
  const fields = expectObject(value, path, ["data", "mediaType"], "inline image data, { data, mediaType }");
  const mediaType = checkMediaType(fields.mediaType, [...path, "mediaType"]);
  if (typeof fields.data !== "string") {
    throw invalid([...path, "data"], `must be a base64 string (got ${describe(fields.data)})`);
  }
  if (/^data:/i.test(fields.data)) {
    throw invalid([...path, "data"], "must be plain base64; pass a data: URL as `image` itself");
  }
  yield* checkBase64(fields.data, [...path, "data"], meter);
  checkDeclaredType(fields.data, mediaType, [...path, "mediaType"]);
  return { data: fields.data, mediaType };
}

function checkImageUrl(url: string, path: FieldPath): string {
  if (url.length > imageLimits.urlLength) {
    throw invalid(path, `is a URL of ${url.length} characters; the limit is ${imageLimits.urlLength}`);
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid(path, `must be an http(s) URL, a data: URL or { data, mediaType } (got ${describe(url)})`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw invalid(path, `must be an http(s) or data: URL (got a ${parsed.protocol} URL)`);
  }
  if (parsed.username !== "" || parsed.password !== "") {
    throw invalid(path, "must not carry credentials: the provider fetches it, and would see them");
  }
  return url;
}

function* checkDataUrl(url: string, path: FieldPath, meter: WorkMeter): Checks<InlineImage> {
  const head = dataUrlHead.exec(url.slice(0, 256));
  if (!head) throw invalid(path, "is a data: URL without the comma that ends its header");
  const mediaType = checkMediaType((head[1] ?? "").toLowerCase(), path);
  const parameters = (head[2] ?? "").toLowerCase().split(";");
  if (!parameters.includes("base64")) {
    throw invalid(path, `is a data: URL without ";base64": write data:${mediaType};base64,…`);
  }
  const data = url.slice(head[0].length);
  yield* checkBase64(data, path, meter, head[0].length);
  checkDeclaredType(data, mediaType, path);
  return { data, mediaType };
}

function checkMediaType(value: unknown, path: FieldPath): ImageMediaType {
  if (typeof value === "string" && (imageMediaTypes as readonly string[]).includes(value)) {
    return value as ImageMediaType;
  }
  const given = typeof value === "string" ? value : "";
  throw invalid(
    path,
    `has an unsupported image type ${describe(value)}${suggestion(given, imageMediaTypes)}; supported: ${imageMediaTypes.join(", ")}`,
  );
}

/**
 * Standard base64 (RFC 4648 §4, padding optional), its decoded size known from its length and
 * padding before a character is read; the characters are then scanned a piece at a time.
 * `offset` places the data within the field (after a data: URL's header) in messages.
 */
function* checkBase64(data: string, path: FieldPath, meter: WorkMeter, offset = 0): Checks<number> {
  if (data.length === 0) throw invalid(path, "holds no image data");
  const padding = data.endsWith("==") ? 2 : data.endsWith("=") ? 1 : 0;
  const chars = data.length - padding;
  if ((padding > 0 && data.length % 4 !== 0) || chars % 4 === 1) {
    throw invalid(path, `is not valid base64: ${data.length} characters cannot end a base64 text`);
  }
  const bytes = Math.floor((chars * 3) / 4);
  if (bytes > imageLimits.maxBytes) {
    throw invalid(
      path,
      `is an image of ${bytes} bytes; the limit is ${imageLimits.maxBytes} bytes (${imageLimits.maxBytes / 1048576} MiB) per image`,
    );
  }
  for (let start = 0; start < chars; start += pieceLength) {
    const piece = data.slice(start, Math.min(chars, start + pieceLength));
    const bad = piece.search(nonBase64);
    if (bad !== -1) {
      const at = offset + start + bad;
      const unit = piece.charCodeAt(bad).toString(16).toUpperCase().padStart(4, "0");
      throw invalid(path, `is not valid base64: U+${unit} at index ${at} is not a base64 character`);
    }
    if (meter.spend(piece.length)) yield;
  }
  return bytes;
}

const formatNames: Record<ImageMediaType, string> = {
  "image/png": "PNG",
  "image/jpeg": "JPEG",
  "image/gif": "GIF",
  "image/webp": "WebP",
};

/** The first bytes must be a file of the declared type: Anthropic refuses a mismatch. */
function checkDeclaredType(data: string, declared: ImageMediaType, path: FieldPath): void {
  const header = readImageHeader(data.slice(0, 64));
  if (!header)
    throw invalid(path, "says an image, but the data's first bytes are not a PNG, JPEG, GIF or WebP file");
  if (header.mediaType !== declared) {
    throw invalid(
      path,
      `says ${declared}, but the data is a ${formatNames[header.mediaType]} image (${header.mediaType})`,
    );
  }
}
