import { type ImageMediaType, type ImagePart, imageMediaTypes } from "../core/index.js";
import { readImageHeader } from "../estimate/image-header.js";
import { aiSdkErrors } from "./ai-sdk-errors.js";
import type { AnyPrompt } from "./ai-sdk-spec.js";

export type FilePart = Extract<
  Extract<AnyPrompt[number], { role: "user" }>["content"][number],
  { type: "file" }
>;

/** Bytes encoded per slice: about a millisecond of work, so a 20 MB image never stalls the loop. */
const sliceBytes = 3 * 256 * 1024;

/**
 * An AI SDK `file` part of an image type as the router's image part. Its data may be a URL (http(s)
 * or `data:`, sent as it is: the provider fetches it), base64 text, or bytes (encoded to base64 in
 * slices); v4 writes the same as `{ type: "url" | "data" }`. A media type without its subtype
 * (`image/*`, `image`) is read from the bytes. Anything else — other media types, provider file
 * references, other URL schemes, image formats no provider takes — is an
 * `UnsupportedFunctionalityError` that names the part (`where`).
 */
export async function toImagePart(part: FilePart, where: string): Promise<ImagePart> {
  const declared = part.mediaType.toLowerCase();
  if (declared !== "image" && !declared.startsWith("image/")) {
    return refuse(`file parts of media type ${part.mediaType} (${where}; images are taken: ${formats})`);
  }
  const data = fileData(part.data);
  if (data.type === "other") return refuse(`file parts holding a ${data.kind} (${where})`);
  if (data.type === "url") {
    if (data.url.protocol === "http:" || data.url.protocol === "https:" || data.url.protocol === "data:") {
      return { type: "image", image: data.url.href };
    }
    return refuse(`image URLs of scheme ${data.url.protocol} (${where}; http(s) and data: URLs are taken)`);
  }
  const base64 = typeof data.data === "string" ? data.data : await toBase64(data.data);
  const mediaType = imageType(declared, base64);
  if (!mediaType) {
    const what =
      declared === "image" || declared === "image/*"
        ? "an image whose format"
        : `${part.mediaType}, a format`;
    return refuse(`${what} no provider takes (${where}; supported: ${formats})`);
  }
  return { type: "image", image: { data: base64, mediaType } };
}

const formats = imageMediaTypes.join(", ");

type FileData =
  | { type: "url"; url: URL }
  | { type: "data"; data: string | Uint8Array }
  | { type: "other"; kind: string };

/** v3's `Uint8Array | string | URL` and v4's tagged `{ type: "data" | "url" | … }` alike. */
function fileData(data: FilePart["data"]): FileData {
  if (data instanceof URL) return { type: "url", url: data };
  if (typeof data === "string" || data instanceof Uint8Array) return { type: "data", data };
  switch (data.type) {
    case "url":
      return { type: "url", url: data.url };
    case "data":
      return { type: "data", data: data.data };
    case "reference":
      return { type: "other", kind: "provider file reference" };
    case "text":
      return { type: "other", kind: "text document" };
  }
}

/** The declared type when it is one the router takes, else (no subtype given) what the bytes say. */
function imageType(declared: string, base64: string): ImageMediaType | undefined {
  const named = declared === "image/jpg" ? "image/jpeg" : declared;
  const known = imageMediaTypes.find((type) => type === named);
  if (known) return known;
  if (declared === "image" || declared === "image/*") return readImageHeader(base64)?.mediaType;
  return undefined;
}

async function toBase64(bytes: Uint8Array): Promise<string> {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.length <= sliceBytes) return view.toString("base64");
  const pieces: string[] = [];
  for (let offset = 0; offset < view.length; offset += sliceBytes) {
    pieces.push(view.subarray(offset, offset + sliceBytes).toString("base64"));
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return pieces.join("");
}

async function refuse(functionality: string): Promise<never> {
  const { UnsupportedFunctionalityError } = await aiSdkErrors();
  throw new UnsupportedFunctionalityError({ functionality });
}
