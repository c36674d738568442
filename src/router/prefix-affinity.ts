import { createHash } from "node:crypto";
import type { ChatRequest, Message } from "../core/index.js";

export interface PrefixAffinityOptions {
  /** Prompt characters per hashed block. @default 512 */
  blockChars?: number;
  /** Blocks hashed per prompt (longer prompts match on their first blocks). @default 256 */
  maxBlocks?: number;
  /** Prefix blocks remembered across all targets, least recently used dropped first. @default 50000 */
  maxEntries?: number;
}

/**
 * Remembers which target served which prompt prefix, so a request that shares a long prefix (a
 * system prompt, a conversation so far) can go to the replica whose KV cache likely still holds
 * it. Prompts are cut into fixed blocks of their serialized messages and each block's key hashes
 * everything before it too, so equal keys mean equal prefixes.
 */
export class PrefixAffinity {
  readonly #blockChars: number;
  readonly #maxBlocks: number;
  readonly #maxEntries: number;
  /** Block key → targets that served a prompt starting with that prefix, most recent last. */
  readonly #holders = new Map<string, string[]>();
  readonly #keys = new WeakMap<ChatRequest, readonly string[]>();

  constructor(options: PrefixAffinityOptions = {}) {
    this.#blockChars = options.blockChars ?? 512;
    this.#maxBlocks = options.maxBlocks ?? 256;
    this.#maxEntries = options.maxEntries ?? 50_000;
  }

  get blockChars(): number {
    return this.#blockChars;
  }

  /** The chained block keys of the request's prompt (computed once per request). */
  keys(request: ChatRequest): readonly string[] {
    let keys = this.#keys.get(request);
    if (keys) return keys;
    const text = request.messages
      .map((message) => `${message.role}\u0000${promptText(message)}\u0001`)
      .join("");
    const blocks = Math.min(this.#maxBlocks, Math.floor(text.length / this.#blockChars));
    const chained: string[] = [];
    let previous = "";
    for (let block = 0; block < blocks; block++) {
      const slice = text.slice(block * this.#blockChars, (block + 1) * this.#blockChars);
      previous = createHash("sha1").update(previous).update(slice).digest("base64");
      chained.push(previous);
    }
    keys = chained;
    this.#keys.set(request, keys);
    return keys;
  }

  /** `target` now serves this request's prompt. */
  record(request: ChatRequest, target: string): void {
    for (const key of this.keys(request)) {
      const holders = this.#holders.get(key);
      this.#holders.delete(key);
      const next = holders ? holders.filter((holder) => holder !== target) : [];
      next.push(target);
      this.#holders.set(key, next);
    }
    while (this.#holders.size > this.#maxEntries) {
      const oldest = this.#holders.keys().next().value;
      if (oldest === undefined) break;
      this.#holders.delete(oldest);
    }
  }

  /** Characters of the request's prompt prefix each of `targets` served; targets with none are absent. */
  match(request: ChatRequest, targets: readonly string[]): Map<string, number> {
    const matched = new Map<string, number>();
    const keys = this.keys(request);
    for (let block = keys.length - 1; block >= 0 && matched.size < targets.length; block--) {
      const holders = this.#holders.get(keys[block] as string);
      if (!holders) continue;
      for (const target of holders) {
        if (!matched.has(target) && targets.includes(target))
          matched.set(target, (block + 1) * this.#blockChars);
      }
    }
    return matched;
  }
}

/**
 * A message as the prompt prefix sees it. An image stands for itself by its URL, or by its size,
 * type and first and last characters: hashing megabytes of base64 per request would cost more
 * than the affinity saves, and two different images sharing all of these is not a concern here.
 */
function promptText(message: Message): string {
  if (typeof message.content === "string") return message.content;
  return message.content
    .map((part) => {
      if (part.type === "text") return part.text;
      const { image } = part;
      const key =
        typeof image === "string"
          ? image
          : `${image.mediaType}:${image.data.length}:${image.data.slice(0, 64)}:${image.data.slice(-64)}`;
      return `\u0002${key}\u0003`;
    })
    .join("");
}
