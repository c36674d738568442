import { type ChatRequest, SwitchyardError } from "../core/index.js";
import { countPromptTokens } from "./count-prompt-tokens.js";

/**
 * Each request's prompt tokens, counted once (asynchronously, see `countPromptTokens`) and then
 * read synchronously wherever an estimate is needed during the call.
 */
export class PromptTokenCache {
  readonly #counts = new WeakMap<ChatRequest, number>();

  async count(request: ChatRequest, signal?: AbortSignal): Promise<number> {
    const known = this.#counts.get(request);
    if (known !== undefined) return known;
    const counted = await countPromptTokens(
      request.messages,
      request.tools,
      request.responseFormat,
      signal ? { signal } : {},
    );
    this.#counts.set(request, counted);
    return counted;
  }

  /** The count of a request whose `count` resolved; reading it earlier is a bug in the router. */
  get(request: ChatRequest): number {
    const known = this.#counts.get(request);
    if (known === undefined) {
      throw new SwitchyardError(
        "prompt tokens were read before they were counted: await countPrompt(request) first",
      );
    }
    return known;
  }
}
