import { keySpendTag } from "../config/index.js";
import { type ChatRequest, InvalidRequestError } from "../core/index.js";
import type { VirtualKey } from "./virtual-keys.js";

/** The router fields a caller may set besides the API's own: a body field `switchyard`, or headers. */
export interface CallFields {
  targets?: unknown;
  tags?: unknown;
  metadata?: unknown;
  privacy?: unknown;
  budget?: unknown;
  slo?: unknown;
  timeoutMs?: unknown;
}

export interface CallSettings {
  /**
   * Spread into the router request. Typed as the request's fields but taken from the caller as
   * they came: the router validates each one and names the field it refuses.
   */
  fields: Partial<
    Pick<ChatRequest, "targets" | "tags" | "metadata" | "privacy" | "budget" | "slo" | "timeoutMs">
  >;
}

/** Header → field; JSON values are objects, lists are comma-separated, numbers are numbers. */
const headerFields = {
  "x-switchyard-targets": "targets",
  "x-switchyard-tags": "tags",
  "x-switchyard-metadata": "metadata",
  "x-switchyard-privacy": "privacy",
  "x-switchyard-max-cost-usd": "budget",
  "x-switchyard-timeout-ms": "timeoutMs",
} as const;

export const overrideHeaders = Object.keys(headerFields);

function fromHeader(header: keyof typeof headerFields, value: string): unknown {
  switch (header) {
    case "x-switchyard-targets":
    case "x-switchyard-metadata":
      try {
        return JSON.parse(value) as unknown;
      } catch {
        throw new InvalidRequestError(header, "expected a JSON object");
      }
    case "x-switchyard-tags":
      return value
        .split(",")
        .map((tag) => tag.trim())
        .filter((tag) => tag.length > 0);
    case "x-switchyard-max-cost-usd":
      return { maxCostUsd: Number(value) };
    case "x-switchyard-timeout-ms":
      return Number(value);
    case "x-switchyard-privacy":
      return value;
  }
}

const reservedTagPrefix = keySpendTag("");

/**
 * The router fields of one call: the headers, then the body's `switchyard` field over them, then
 * what the virtual key imposes (its spend tag and tags added, its metadata over the caller's).
 */
export function callSettings(
  headers: Headers,
  bodyFields: CallFields | undefined,
  key: VirtualKey | undefined,
): CallSettings {
  const fields: Record<string, unknown> = {};
  for (const [header, field] of Object.entries(headerFields)) {
    const value = headers.get(header);
    if (value !== null) fields[field] = fromHeader(header as keyof typeof headerFields, value);
  }
  for (const [field, value] of Object.entries(bodyFields ?? {})) {
    if (value !== undefined) fields[field] = value;
  }
  const tags = fields.tags;
  if (
    Array.isArray(tags) &&
    tags.some((tag) => typeof tag === "string" && tag.startsWith(reservedTagPrefix))
  ) {
    throw new InvalidRequestError("tags", `tags starting with "${reservedTagPrefix}" belong to virtual keys`);
  }
  if (key) {
    const own = Array.isArray(tags) ? tags : tags === undefined ? [] : undefined;
    if (own === undefined) throw new InvalidRequestError("tags", "expected a list of strings");
    const added = [keySpendTag(key.name), ...key.tags].filter((tag) => !own.includes(tag));
    fields.tags = [...own, ...added];
    const metadata = fields.metadata;
    if (Object.keys(key.metadata).length > 0) {
      if (
        metadata !== undefined &&
        (typeof metadata !== "object" || metadata === null || Array.isArray(metadata))
      ) {
        throw new InvalidRequestError("metadata", "expected an object of strings");
      }
      fields.metadata = { ...(metadata as Record<string, unknown> | undefined), ...key.metadata };
    }
  }
  return { fields: fields as CallSettings["fields"] };
}
