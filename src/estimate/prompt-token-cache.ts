import { type ChatRequest, imageParts, SwitchyardError, type Target } from "../core/index.js";
import { countPromptTokens } from "./count-prompt-tokens.js";
import { readImageHeader } from "./image-header.js";
import { type ImageFacts, imageTokens, typicalImageTokens } from "./image-tokens.js";
import type { TokenizerFamily } from "./tokenizer-family.js";

/**
 * Each request's prompt tokens, counted once per tokenizer family (asynchronously, see
 * `countPromptTokens`) and then read synchronously wherever an estimate is needed during the
 * call. The o200k count is always made (context-window checks use it); other families only when
 * a target of the route counts that way.
 */
export class PromptTokenCache {
  readonly #counts = new WeakMap<ChatRequest, Map<TokenizerFamily, number>>();
  readonly #images = new WeakMap<ChatRequest, readonly ImageFacts[]>();

  /** Counts the request in o200k and in each of `families`; resolves to the o200k count. */
  async count(
    request: ChatRequest,
    signal?: AbortSignal,
    families: Iterable<TokenizerFamily> = [],
  ): Promise<number> {
    let counts = this.#counts.get(request);
    if (!counts) {
      counts = new Map();
      this.#counts.set(request, counts);
    }
    for (const family of new Set<TokenizerFamily>(["o200k", ...families])) {
      if (counts.has(family)) continue;
      const counted = await countPromptTokens(request.messages, request.tools, request.responseFormat, {
        ...(signal ? { signal } : {}),
        family,
      });
      counts.set(family, counted);
    }
    return counts.get("o200k") ?? 0;
  }

  /** The count of a request whose `count` resolved; reading it earlier is a bug in the router. */
  get(request: ChatRequest, family: TokenizerFamily = "o200k"): number {
    const known = this.#counts.get(request)?.get(family);
    if (known === undefined) {
      throw new SwitchyardError(
        "prompt tokens were read before they were counted: await countPrompt(request) first",
      );
    }
    return known;
  }

  /**
   * Prompt tokens the request's images cost on `target` by its provider's rule (see
   * `imageTokens`), or under GPT-4o's rule when no target is named (the context-window estimate).
   * Added to the text count: the texts' tokenizer families never see image data.
   */
  images(request: ChatRequest, target?: Pick<Target, "providerType" | "model">): number {
    let facts = this.#images.get(request);
    if (!facts) {
      facts = request.messages.flatMap(imageParts).map((part) => {
        const detail = part.detail ?? "auto";
        if (typeof part.image === "string") return { detail };
        const header = readImageHeader(part.image.data);
        return header?.width === undefined || header.height === undefined
          ? { detail }
          : { detail, width: header.width, height: header.height };
      });
      this.#images.set(request, facts);
    }
    let total = 0;
    for (const image of facts) total += target ? imageTokens(image, target) : typicalImageTokens(image);
    return total;
  }
}
