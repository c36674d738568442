import type { CatalogProviderRef, Price } from "../core/index.js";

/** One model to look up. */
export interface CatalogQuery {
  provider: CatalogProviderRef;
  model: string;
}

/** What the catalog knows about one model; a field it does not know is left out, never guessed. */
export interface CatalogEntry {
  /** The catalog's provider id that matched ("openai", "deepseek", …). */
  provider: string;
  /** The catalog's id of the model that matched (`gpt-4` for `gpt-4-0314`). */
  model: string;
  /**
   * US dollars per million tokens, today's prices. Where the price is tiered by prompt length
   * (long-context prices), this is the price below the first tier.
   */
  price?: Price;
  /** True when the price is tiered: prompts past `tieredFrom` tokens cost more than `price`. */
  tieredFrom?: number;
  contextWindow?: number;
  maxOutputTokens?: number;
  /** Tool calls (models.dev `tool_call`). */
  tools?: boolean;
  /** Image input (models.dev `modalities.input` has `image`). */
  vision?: boolean;
  /** A reasoning model (models.dev `reasoning`). */
  reasoning?: boolean;
  /** The catalog lists the model as deprecated (no longer offered, or being retired). */
  deprecated: boolean;
}

/** The packages the catalog's data comes from, with their versions (for messages and reports). */
export interface CatalogSources {
  prices: string;
  limits: string;
}

/**
 * The answer to one lookup, per query in order: the catalog provider that matched (undefined: the
 * catalog covers no such provider) and the model's entry (undefined: the catalog does not know it).
 */
export interface CatalogAnswer {
  providers: (string | undefined)[];
  entries: (CatalogEntry | undefined)[];
  sources: CatalogSources;
}
