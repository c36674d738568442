import type { LanguageModel, Provider, ProviderContext } from "../../src/core/index.js";
import { ResponseRedactor } from "../shared/index.js";
import type { ReplicateProviderConfig } from "./replicate-config-schema.js";
import { ReplicateLanguageModel } from "./replicate-language-model.js";
import { SingleShotReplicate } from "./single-shot-replicate.js";
import { defaultPollSchedule } from "./wait-for-prediction.js";

/** Hosted open models on Replicate, through the `replicate` SDK with a single-shot transport. */
export const replicateAdapter = {
  type: "replicate",
  create(id: string, config: ReplicateProviderConfig, context: ProviderContext): Provider {
    return new ReplicateProvider(id, config, context);
  },
};

class ReplicateProvider implements Provider {
  readonly id: string;
  readonly type = "replicate";
  readonly local: boolean;
  readonly #config: ReplicateProviderConfig;
  readonly #redactor: ResponseRedactor;
  readonly #client: SingleShotReplicate;
  readonly #fetch: typeof globalThis.fetch;

  constructor(id: string, config: ReplicateProviderConfig, context: ProviderContext) {
    this.id = id;
    this.local = config.local ?? false;
    this.#config = config;
    this.#redactor = new ResponseRedactor(context);
    this.#redactor.registerSecret(config.apiToken);
    // Resolved per call, so a fetch patched after construction (test servers, tracing) is used.
    this.#fetch = (input, init) => (context.fetch ?? globalThis.fetch)(input, init);
    this.#client = new SingleShotReplicate({
      auth: config.apiToken,
      baseUrl: config.baseURL ?? "https://api.replicate.com/v1",
      fetch: this.#fetch,
      headers: config.headers ?? {},
    });
  }

  languageModel(model: string): LanguageModel {
    return new ReplicateLanguageModel({
      provider: this.id,
      model,
      client: this.#client,
      fetch: this.#fetch,
      redactor: this.#redactor,
      pollSchedule: defaultPollSchedule,
      local: this.local,
      noTraining: this.#config.noTraining ?? false,
    });
  }
}
