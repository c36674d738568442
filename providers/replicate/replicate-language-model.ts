import type {
  CallOptions,
  Capabilities,
  GenerateResult,
  LanguageModel,
  StreamResult,
} from "../../src/core/index.js";
import { createProviderCallError, type ResponseRedactor } from "../shared/index.js";
import { buildReplicateInput, type ReplicateInput } from "./build-replicate-input.js";
import { cancelPrediction } from "./cancel-prediction.js";
import { finishReasonFor } from "./finish-reason-for.js";
import { mapReplicateError, predictionFailure, type ReplicateErrorContext } from "./map-replicate-error.js";
import { type ParsedEvent, readServerSentEvents } from "./read-server-sent-events.js";
import { type ReplicateModelFamily, replicateModelFamily } from "./replicate-model-family.js";
import {
  predictionErrorText,
  predictionText,
  type ReplicatePrediction,
  replicatePredictionSchema,
} from "./replicate-prediction.js";
import { replicateStreamParts } from "./replicate-stream-parts.js";
import { estimatedUsageWarning, replicateUsage } from "./replicate-usage.js";
import { ReplicateHttpError, type SingleShotReplicate } from "./single-shot-replicate.js";
import { type PollSchedule, waitForPrediction } from "./wait-for-prediction.js";

export interface ReplicateLanguageModelSettings {
  provider: string;
  model: string;
  client: SingleShotReplicate;
  fetch: typeof globalThis.fetch;
  /** Redacts everything taken from a response: results, stream parts, errors. */
  redactor: ResponseRedactor;
  pollSchedule: PollSchedule;
  local: boolean;
  noTraining: boolean;
}

/** "owner/name" runs the model's latest version; "owner/name:version" pins one. */
const modelReference = /^([\w.-]+\/[\w.-]+)(?::([0-9a-f]{64}))?$/;

/** A hosted open model on Replicate, run as predictions. Never retries: the router owns retries. */
export class ReplicateLanguageModel implements LanguageModel {
  readonly provider: string;
  readonly model: string;
  readonly capabilities: Partial<Capabilities>;
  readonly #settings: ReplicateLanguageModelSettings;
  readonly #family: ReplicateModelFamily;

  constructor(settings: ReplicateLanguageModelSettings) {
    this.provider = settings.provider;
    this.model = settings.model;
    this.#settings = settings;
    this.#family = replicateModelFamily(settings.model);
    this.capabilities = {
      logprobs: 0,
      tools: false,
      jsonSchema: false,
      streaming: true,
      // Prompt templates carry text only (see chat-turns.ts).
      vision: false,
      ...(this.#family.contextWindow === undefined ? {} : { contextWindow: this.#family.contextWindow }),
      local: settings.local,
      noTraining: settings.noTraining,
    };
  }

  async doGenerate(options: CallOptions): Promise<GenerateResult> {
    const errors = this.#errorContext(options.signal);
    const prepared = this.#prepare(options, errors);
    const created = await this.#create(prepared.input, errors);
    return this.#settings.redactor.result(await this.#awaitResult(created, prepared, options, errors));
  }

  async doStream(options: CallOptions): Promise<StreamResult> {
    const errors = this.#errorContext(options.signal);
    const prepared = this.#prepare(options, errors);
    const created = await this.#create(prepared.input, errors);
    const streamUrl = created.urls?.stream;
    if (streamUrl === undefined) {
      // The model does not stream: wait for the whole answer and deliver it as one delta.
      const result = await this.#awaitResult(created, prepared, options, errors);
      return { stream: this.#settings.redactor.stream(singleAnswer(result)), warnings: result.warnings };
    }
    let events: ReadableStreamDefaultReader<ParsedEvent>;
    try {
      // Like the SDK's own stream(), no credential: the stream URL is the prediction's capability.
      const response = await this.#settings.fetch(streamUrl, {
        headers: { Accept: "text/event-stream", "Cache-Control": "no-store" },
        signal: options.signal,
      });
      if (!response.ok || response.body === null) {
        throw new ReplicateHttpError(
          response.status,
          response.headers,
          await response.text().catch(() => ""),
        );
      }
      events = readServerSentEvents(response.body);
    } catch (error) {
      await cancelPrediction(this.#settings.client, created.id);
      throw mapReplicateError(error, errors, { possiblyBilled: true, predictionId: created.id });
    }
    return {
      stream: this.#settings.redactor.stream(
        replicateStreamParts({
          client: this.#settings.client,
          predictionId: created.id,
          events,
          promptText: prepared.promptText,
          maxTokens: options.maxTokens,
          warnings: prepared.warnings,
          errors,
        }),
      ),
      warnings: prepared.warnings,
    };
  }

  /** Polls until the prediction ends; if watching it fails (abort, API error), it is cancelled. */
  async #awaitResult(
    created: ReplicatePrediction,
    prepared: ReplicateInput,
    options: CallOptions,
    errors: ReplicateErrorContext,
  ): Promise<GenerateResult> {
    let prediction: ReplicatePrediction;
    try {
      prediction = await waitForPrediction(
        this.#settings.client,
        created,
        options.signal,
        this.#settings.pollSchedule,
      );
    } catch (error) {
      await cancelPrediction(this.#settings.client, created.id);
      throw mapReplicateError(error, errors, { possiblyBilled: true, predictionId: created.id });
    }
    if (prediction.status !== "succeeded") {
      const status = prediction.status === "failed" ? "failed" : "canceled";
      throw predictionFailure(
        { status, error: predictionErrorText(prediction.error) },
        errors,
        prediction.id,
      );
    }
    const text = predictionText(prediction.output);
    const { usage, estimated } = replicateUsage(prediction, prepared.promptText, text);
    return {
      text,
      toolCalls: [],
      finishReason: finishReasonFor(usage, estimated, options.maxTokens),
      usage,
      requestId: prediction.id,
      warnings: estimated ? [...prepared.warnings, estimatedUsageWarning] : [...prepared.warnings],
    };
  }

  #prepare(options: CallOptions, errors: ReplicateErrorContext): ReplicateInput {
    if (options.signal.aborted) {
      throw createProviderCallError({
        ...errors,
        kind: "aborted",
        retryable: false,
        detail: "aborted before sending",
      });
    }
    return buildReplicateInput(options, this.#family, this.model);
  }

  /** Creates the prediction; nothing has run yet if this fails, so nothing is possibly billed. */
  async #create(input: Record<string, unknown>, errors: ReplicateErrorContext): Promise<ReplicatePrediction> {
    const reference = modelReference.exec(this.model);
    if (!reference?.[1]) {
      throw createProviderCallError({
        ...errors,
        kind: "bad_request",
        retryable: false,
        detail: `"${this.model}" is not a Replicate model reference ("owner/name" or "owner/name:<64-hex version>")`,
      });
    }
    const [, name, version] = reference;
    try {
      const target = version ? { version } : { model: name };
      const created = await this.#settings.client.predictions.create({
        ...target,
        input,
        signal: errors.signal,
      });
      return replicatePredictionSchema.parse(created);
    } catch (error) {
      throw mapReplicateError(error, errors, { possiblyBilled: false });
    }
  }

  #errorContext(signal: AbortSignal): ReplicateErrorContext {
    return { provider: this.provider, model: this.model, redact: this.#settings.redactor.redact, signal };
  }
}

async function* singleAnswer(result: GenerateResult) {
  if (result.text.length > 0) yield { type: "text-delta" as const, text: result.text };
  yield {
    type: "finish" as const,
    finishReason: result.finishReason,
    usage: result.usage,
    ...(result.requestId ? { requestId: result.requestId } : {}),
  };
}
