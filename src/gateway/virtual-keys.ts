import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { GatewaySettings } from "../config/index.js";

/** A virtual key as the gateway holds it: its name and rules, never the key itself. */
export interface VirtualKey {
  name: string;
  /** Routes it may use; undefined: every route. */
  routes: ReadonlySet<string> | undefined;
  tags: string[];
  metadata: Record<string, string>;
  limits: { rpm?: number; tpm?: number; maxConcurrent?: number };
}

/** `sha256:<hex>` of a key's UTF-8 bytes: what the policy stores (`switchyard keys hash`). */
export function hashKey(key: string): string {
  return `sha256:${createHash("sha256").update(key, "utf8").digest("hex")}`;
}

/** A new random key: 32 bytes of entropy, URL-safe, with a prefix that names what it is. */
export function generateKey(): string {
  return `sy-${randomBytes(32).toString("base64url")}`;
}

/**
 * The policy's virtual keys. A presented key is hashed, and its digest compared with every stored
 * digest in constant time (each comparison, and the number of them, is independent of the key).
 */
export class KeyRing {
  readonly #entries: { digest: Buffer; key: VirtualKey }[];

  constructor(keys: GatewaySettings["keys"]) {
    this.#entries = Object.entries(keys ?? {}).map(([name, key]) => ({
      digest: Buffer.from(key.hash.slice("sha256:".length), "hex"),
      key: {
        name,
        routes: key.routes ? new Set(key.routes) : undefined,
        tags: key.tags ?? [],
        metadata: { ...key.metadata },
        limits: { ...key.limits },
      },
    }));
  }

  /** Whether callers need a key at all (the policy lists some). */
  get enabled(): boolean {
    return this.#entries.length > 0;
  }

  get keys(): VirtualKey[] {
    return this.#entries.map((entry) => entry.key);
  }

  /** The key whose hash matches, else undefined. */
  find(presented: string): VirtualKey | undefined {
    const digest = createHash("sha256").update(presented, "utf8").digest();
    let found: VirtualKey | undefined;
    for (const entry of this.#entries) {
      if (timingSafeEqual(digest, entry.digest) && !found) found = entry.key;
    }
    return found;
  }
}

/** The key a request presents: `Authorization: Bearer <key>`, else `x-api-key` (Anthropic's clients). */
export function presentedKey(headers: Headers): string | undefined {
  const authorization = headers.get("authorization");
  if (authorization !== null) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    return match?.[1];
  }
  return headers.get("x-api-key")?.trim() || undefined;
}
