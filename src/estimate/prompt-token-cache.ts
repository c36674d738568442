import { type ChatRequest, SwitchyardError } from "../core/index.js";
import { countPromptTokens } from "./count-prompt-tokens.js";
import type { TokenizerFamily } from "./tokenizer-family.js";

/**
 * Each request's prompt tokens, counted once per tokenizer family (asynchronously, see
 * `countPromptTokens`) and then read synchronously wherever an estimate is needed during the
 * call. The o200k count is always made (context-window checks use it); other families only when
 * a target of the route counts that way.
 */
export class PromptTokenCache {
  readonly #counts = new WeakMap<ChatRequest, Map<TokenizerFamily, number>>();

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
}
