import type { PromptCountRequest } from "../../src/core/index.js";
import { mapMessages, mapTools } from "../openai/index.js";

/**
 * How a self-hosted server counts a chat prompt with its own tokenizer and chat template:
 * - `llamacpp`: `POST /apply-template` (the chat-completions body → `{ prompt }`, the rendered
 *   text) then `POST /tokenize` (`{ content, add_special, parse_special }` → `{ tokens }`), as
 *   llama-server tokenizes a chat request itself;
 * - `vllm`: `POST /tokenize` in its chat form (`{ model, messages, tools, add_generation_prompt }`
 *   → `{ count, max_model_len, tokens }`).
 * Both live at the server's root, beside `/v1`.
 */
export type TokenizeWire = "llamacpp" | "vllm";

/**
 * Longest a count may take, both requests together; past it the router's bound is used. A
 * tokenize call to a server on the same network answers in a few milliseconds.
 * @default 1000
 */
export const tokenizeTimeoutMs = 1000;

/**
 * Prompts whose texts are longer than this many characters are not sent to be counted (the
 * router's bound is used): serializing them would hold the event loop, and no self-hosted context
 * takes that much.
 * @default 1048576
 */
export const tokenizeMaxChars = 1_048_576;

export interface HostTokenizerSettings {
  wire: TokenizeWire;
  /** The chat-completions base URL, e.g. `http://gpu-box:8080/v1`. */
  baseURL: string;
  apiKey?: string;
  headers?: Record<string, string>;
  /** The fetch the provider was given, read at each call. */
  fetch: () => typeof globalThis.fetch;
}

/** Statuses that say the server has no such endpoint: it is not asked again. */
const missingEndpoint = new Set([404, 405, 501]);

/**
 * Counts prompts through a server's tokenize endpoint. Resolves with undefined on any failure (a
 * timeout, an error status, an unexpected body), so the router keeps its bound; a server that
 * lacks the endpoint is not asked again. Rejects only with the request's signal's reason.
 */
export class HostTokenizer {
  readonly #settings: HostTokenizerSettings;
  readonly #root: string;
  #missing = false;

  constructor(settings: HostTokenizerSettings) {
    this.#settings = settings;
    this.#root = settings.baseURL.replace(/\/+$/, "").replace(/\/v1$/, "");
  }

  /** `model`'s prompt tokens for the request, as the server counts them. */
  async count(model: string, request: PromptCountRequest): Promise<number | undefined> {
    const { signal } = request;
    signal?.throwIfAborted();
    if (this.#missing || promptChars(request) > tokenizeMaxChars) return undefined;
    const timeout = AbortSignal.timeout(tokenizeTimeoutMs);
    const linked = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const messages = mapMessages(request.messages);
    const tools =
      request.tools?.length && request.toolChoice !== "none" ? { tools: mapTools(request.tools) } : {};
    try {
      if (this.#settings.wire === "vllm") {
        const body = await this.#post(
          "/tokenize",
          { model, messages, ...tools, add_generation_prompt: true },
          linked,
        );
        return isRecord(body) && isCount(body.count) ? body.count : undefined;
      }
      const rendered = await this.#post("/apply-template", { messages, ...tools }, linked);
      if (!isRecord(rendered) || typeof rendered.prompt !== "string") return undefined;
      const tokenized = await this.#post(
        "/tokenize",
        { content: rendered.prompt, add_special: true, parse_special: true },
        linked,
      );
      return isRecord(tokenized) && Array.isArray(tokenized.tokens) ? tokenized.tokens.length : undefined;
    } catch {
      if (signal?.aborted) throw signal.reason;
      return undefined;
    }
  }

  /** The parsed JSON body of a 2xx answer, or undefined. */
  async #post(path: string, body: unknown, signal: AbortSignal): Promise<unknown> {
    const { apiKey, headers } = this.#settings;
    const response = await this.#settings.fetch()(`${this.#root}${path}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
        ...headers,
      },
      body: JSON.stringify(body),
      signal,
    });
    if (!response.ok) {
      if (missingEndpoint.has(response.status)) this.#missing = true;
      await response.body?.cancel();
      return undefined;
    }
    return (await response.json()) as unknown;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function promptChars(request: PromptCountRequest): number {
  let chars = 0;
  for (const message of request.messages) {
    chars += message.content.length;
    if (message.role === "assistant") {
      for (const call of message.toolCalls ?? []) chars += call.arguments.length;
    }
  }
  return chars;
}
