import {
  type ChatRequest,
  imageParts,
  type LanguageModel,
  SwitchyardError,
  type Target,
} from "../core/index.js";
import { countPromptTokens } from "./count-prompt-tokens.js";
import { readImageHeader } from "./image-header.js";
import { type ImageFacts, imageTokens, typicalImageTokens } from "./image-tokens.js";
import type { TokenizerFamily } from "./tokenizer-family.js";

/** A target as its prompt is counted: its family and, where it has one, the model's own count. */
export interface CountedTarget {
  family: TokenizerFamily;
  /** Asked for its own count (see `LanguageModel.countPromptTokens`); left out, the family decides. */
  model?: Pick<LanguageModel, "countPromptTokens">;
}

interface RequestCounts {
  families: Map<TokenizerFamily, number>;
  /** What each model counted; undefined where it had no count or its count failed. */
  models: Map<Pick<LanguageModel, "countPromptTokens">, number | undefined>;
}

/**
 * Each request's prompt tokens, counted once per tokenizer family and once per model that counts
 * for itself (asynchronously, see `countPromptTokens`), then read synchronously wherever an
 * estimate is needed during the call. The o200k count is always made (context-window checks use
 * it); other families only when a target of the route counts that way.
 */
export class PromptTokenCache {
  readonly #counts = new WeakMap<ChatRequest, RequestCounts>();
  readonly #images = new WeakMap<ChatRequest, readonly ImageFacts[]>();

  /**
   * Counts the request in o200k, in each target's family and with each target's model that has
   * its own count; resolves to the o200k count. A model's count that fails (not for the signal)
   * leaves that target to its family's bound.
   */
  async count(
    request: ChatRequest,
    signal?: AbortSignal,
    targets: readonly CountedTarget[] = [],
  ): Promise<number> {
    let counts = this.#counts.get(request);
    if (!counts) {
      counts = { families: new Map(), models: new Map() };
      this.#counts.set(request, counts);
    }
    const { families, models } = counts;
    for (const family of new Set<TokenizerFamily>(["o200k", ...targets.map((target) => target.family)])) {
      if (families.has(family)) continue;
      const counted = await countPromptTokens(request.messages, request.tools, request.responseFormat, {
        ...(signal ? { signal } : {}),
        family,
      });
      families.set(family, counted);
    }
    const pending = new Set<Pick<LanguageModel, "countPromptTokens">>();
    for (const { model } of targets) if (model?.countPromptTokens && !models.has(model)) pending.add(model);
    await Promise.all(
      [...pending].map(async (model) => {
        models.set(model, await modelCount(model, request, signal));
      }),
    );
    return families.get("o200k") ?? 0;
  }

  /** The count of a request whose `count` resolved; reading it earlier is a bug in the router. */
  get(request: ChatRequest, family: TokenizerFamily = "o200k"): number {
    const known = this.#counts.get(request)?.families.get(family);
    if (known === undefined) {
      throw new SwitchyardError(
        "prompt tokens were read before they were counted: await countPrompt(request) first",
      );
    }
    return known;
  }

  /**
   * The most prompt tokens `target` can bill: the smaller of its family's bound and its model's
   * own count (both are upper bounds), or the bound alone where the model did not count.
   */
  billable(request: ChatRequest, target: CountedTarget): number {
    const bound = this.get(request, target.family);
    const own = target.model ? this.#counts.get(request)?.models.get(target.model) : undefined;
    return own === undefined ? bound : Math.min(bound, own);
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

async function modelCount(
  model: Pick<LanguageModel, "countPromptTokens">,
  request: ChatRequest,
  signal: AbortSignal | undefined,
): Promise<number | undefined> {
  try {
    const counted = await model.countPromptTokens?.({
      messages: request.messages,
      ...(request.tools ? { tools: request.tools } : {}),
      ...(request.toolChoice ? { toolChoice: request.toolChoice } : {}),
      ...(request.responseFormat ? { responseFormat: request.responseFormat } : {}),
      ...(signal ? { signal } : {}),
    });
    // A count that is not a whole number of tokens is no count: the bound stays.
    return Number.isSafeInteger(counted) && (counted as number) >= 0 ? counted : undefined;
  } catch {
    if (signal?.aborted) throw signal.reason;
    return undefined;
  }
}
