import type { EmbeddingModelV3, EmbeddingModelV4 } from "@ai-sdk/provider";
import type { EmbedCallOptions, EmbedCallResult, EmbeddingModel } from "../../src/core/index.js";
import { maxEmbedInputs, SwitchyardError } from "../../src/core/index.js";
import {
  createProviderCallError,
  describeCause,
  linkSignal,
  type ResponseRedactor,
} from "../shared/index.js";
import { mapAiSdkError } from "./map-ai-sdk-error.js";

/** An embedding model of an AI SDK provider package: specification v3 (`@ai-sdk/*` 3.x) or v4 (4.x). */
export type WrappedEmbeddingModel = EmbeddingModelV3 | EmbeddingModelV4;

export interface AiSdkEmbeddingSettings {
  provider: string;
  model: string;
  /** The package's model, or why there is none (the factory threw, or a specification it lacks). */
  wrapped: WrappedEmbeddingModel | Error;
  redactor: ResponseRedactor;
}

/**
 * A model without a limit (`maxEmbeddingsPerCall` undefined or `Infinity`) takes every input of a
 * call at once: the router's own bound per call.
 */
const unlimited = maxEmbedInputs;

/**
 * An embedding model of an AI SDK provider package as a router target. The router sends batches of
 * at most the model's `maxEmbeddingsPerCall`; a model that gives its limit as a promise is sent
 * everything and splits it here, once the limit is known. v4 models take `dimensions`; v3 models
 * have no such option, so a call that asks for it fails as a `bad_request` (the router then tries
 * another target), and so does an answer whose vectors have another length than asked for.
 */
export class AiSdkEmbeddingModel implements EmbeddingModel {
  readonly provider: string;
  readonly model: string;
  readonly maxInputsPerCall: number;
  readonly #wrapped: WrappedEmbeddingModel | Error;
  readonly #redactor: ResponseRedactor;

  constructor(settings: AiSdkEmbeddingSettings) {
    this.provider = settings.provider;
    this.model = settings.model;
    this.#wrapped = settings.wrapped;
    this.#redactor = settings.redactor;
    const limit = settings.wrapped instanceof Error ? undefined : settings.wrapped.maxEmbeddingsPerCall;
    this.maxInputsPerCall = typeof limit === "number" ? batchSize(limit) : unlimited;
  }

  async doEmbed(options: EmbedCallOptions): Promise<EmbedCallResult> {
    const wrapped = this.#wrapped;
    if (wrapped instanceof Error) {
      throw this.#failure("not_found", describeCause(wrapped), false, wrapped);
    }
    if (options.dimensions !== undefined && wrapped.specificationVersion === "v3") {
      throw this.#failure(
        "bad_request",
        `asked for ${options.dimensions} dimensions: AI SDK models of specification v3 take no \`dimensions\` (v4 models, @ai-sdk/* 4.x, do)`,
        false,
      );
    }
    const mayHaveBeenSent = !options.signal.aborted;
    const link = linkSignal(options.signal);
    try {
      const limit = await wrapped.maxEmbeddingsPerCall;
      const size = typeof limit === "number" ? batchSize(limit) : unlimited;
      const embeddings: number[][] = [];
      let tokens: number | undefined = 0;
      let requestId: string | undefined;
      for (let offset = 0; offset < options.values.length; offset += size) {
        const values = options.values.slice(offset, offset + size);
        const answer = await wrapped.doEmbed({
          values,
          abortSignal: link.signal,
          ...(options.dimensions !== undefined ? { dimensions: options.dimensions } : {}),
        });
        this.#check(answer.embeddings, values.length, options.dimensions);
        embeddings.push(...answer.embeddings);
        tokens = tokens !== undefined && answer.usage ? tokens + answer.usage.tokens : undefined;
        requestId = requestIdOf(answer.response?.headers) ?? requestId;
      }
      return {
        embeddings,
        ...(tokens !== undefined ? { usage: { inputTokens: tokens } } : {}),
        ...(requestId ? { requestId: this.#redactor.redact(requestId) } : {}),
      };
    } catch (error) {
      if (SwitchyardError.isInstance(error)) throw error;
      throw mapAiSdkError(error, {
        provider: this.provider,
        model: this.model,
        signal: options.signal,
        mayHaveBeenSent,
        answerStarted: false,
        redact: this.#redactor.redact,
      });
    } finally {
      link.dispose();
    }
  }

  #check(embeddings: unknown, count: number, dimensions: number | undefined): void {
    if (!Array.isArray(embeddings) || embeddings.length !== count || !embeddings.every(Array.isArray)) {
      const got = Array.isArray(embeddings) ? `${embeddings.length}` : "none";
      throw this.#failure("invalid_response", `expected ${count} embeddings, got ${got}`, true);
    }
    const wrong =
      dimensions === undefined ? -1 : embeddings.findIndex((vector) => vector.length !== dimensions);
    if (wrong !== -1) {
      throw this.#failure(
        "bad_request",
        `asked for ${dimensions} dimensions, got a vector of ${(embeddings[wrong] as unknown[]).length}: the model ignores \`dimensions\``,
        true,
      );
    }
  }

  #failure(
    kind: "not_found" | "bad_request" | "invalid_response",
    detail: string,
    billed: boolean,
    cause?: unknown,
  ) {
    return createProviderCallError({
      provider: this.provider,
      model: this.model,
      redact: this.#redactor.redact,
      kind,
      retryable: false,
      detail,
      possiblyBilled: billed,
      ...(cause === undefined ? {} : { cause }),
    });
  }
}

/** A usable batch size from a model's limit: a whole number of at least 1, or no limit. */
function batchSize(limit: number): number {
  if (Number.isNaN(limit)) return 1;
  if (limit >= unlimited) return unlimited;
  return Math.max(1, Math.floor(limit));
}

function requestIdOf(headers: Record<string, string> | undefined): string | undefined {
  if (!headers) return undefined;
  const normalized = new Headers(headers);
  return normalized.get("x-request-id") ?? normalized.get("request-id") ?? undefined;
}
