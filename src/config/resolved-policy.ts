import type { CatalogEntry, CatalogSources } from "../catalog/index.js";
import type { Capabilities, Route, RouteRule, Target } from "../core/index.js";
import type { BreakerOptions, EjectionOptions } from "../state/health-options.js";
import type { GatewaySettings } from "./gateway-schema.js";
import type { ProviderEntry } from "./provider-schema.js";

/**
 * A target as the policy declares it. `declared` holds only the capability fields the operator
 * wrote (or implied by the provider: `local`, `noTraining`); the router merges them over the
 * adapter's capability table, so an operator's value always wins and a missing one never
 * masks the adapter's.
 */
export interface ResolvedTarget extends Omit<Target, "capabilities"> {
  declared: Partial<Capabilities>;
  /**
   * What the model catalog knows of the model, when its provider is one the catalog covers and
   * the model is in it. The router lets it fill what the adapter's table leaves out and narrow
   * what the table overstates, never widen it; `declared` overrides both.
   */
  catalog?: CatalogEntry;
}

/** What the model catalog said about the policy's targets. */
export interface TargetCatalog {
  sources: CatalogSources;
  /** Only targets whose provider the catalog covers; undefined: it does not know the model. */
  entries: ReadonlyMap<string, CatalogEntry | undefined>;
}

export interface DailyBudget {
  /** US dollars per UTC day. */
  dailyUsd: number;
}

/** Daily spend caps that span routes, each charged to its own spend key. */
export interface DailyBudgets {
  /** Per request tag: "tag:<name>". */
  tags: Record<string, DailyBudget>;
  /** Per policy target, its replicas included: "target:<id>". */
  targets: Record<string, DailyBudget>;
  /** Per provider, over all of its targets: "provider:<id>". */
  providers: Record<string, DailyBudget>;
}

/** Process-wide retry budget (gRPC-style token bucket). */
export interface RetryBudgetSettings {
  /** Bucket size; each failed attempt takes a token. @default 10 */
  maxTokens: number;
  /** Tokens returned per successful attempt. @default 0.1 */
  tokenRatio: number;
}

export interface SecuritySettings {
  /** Allow loopback and private baseURLs (local proxies, vLLM, Ollama). @default true */
  allowPrivateBaseURLs: boolean;
}

/** Where routing state lives: this process, or Redis shared by every replica. */
export type StateSettings =
  | { store: "memory" }
  | {
      store: "redis";
      /** redis:// or rediss:// URL, secrets expanded; may carry a password, never print it. */
      url: string;
      /** @default "switchyard" */
      keyPrefix: string;
      /** @default "fail-open" */
      onUnavailable: "fail-open" | "fail-closed";
    };

/** The policy's `health` section: thresholds left out take the store's defaults. */
export interface HealthSettings {
  breaker?: Partial<BreakerOptions>;
  ejection?: Partial<EjectionOptions>;
  /** Thresholds of single targets (their `health`), over `breaker` and `ejection`. */
  targets?: Record<string, { breaker?: Partial<BreakerOptions>; ejection?: Partial<EjectionOptions> }>;
  /** Calls at once (per process) to a half-open target. @default no limit */
  halfOpenProbes?: number;
  /** When every target of a route has an open breaker. @default "fail" */
  whenAllOpen: "fail" | "probe";
}

/**
 * A validated policy with every default applied and every reference checked. Its records have
 * no prototype, so looking up an untrusted name (`routes["constructor"]`) finds nothing.
 */
export interface ResolvedPolicy {
  /** Each as its factory's schema and `resolve` left it, secrets already expanded. */
  providers: Record<string, ProviderEntry>;
  targets: Record<string, ResolvedTarget>;
  routes: Record<string, Route>;
  /** The policy's `defaultRoute`, else "default" when such a route exists. */
  defaultRoute?: string;
  /** Rules choosing the route of a request that names none, first match wins. @default none */
  select?: RouteRule[];
  budgets: DailyBudgets;
  retryBudget: RetryBudgetSettings;
  /** Reload the policy when its file changes. @default false */
  watch: boolean;
  security: SecuritySettings;
  /** @default { store: "memory" } */
  state: StateSettings;
  /** @default { whenAllOpen: "fail" } */
  health: HealthSettings;
  /** The gateway's keys and limits (`switchyard serve`); the router ignores them. */
  gateway?: GatewaySettings;
}

export interface LoadedPolicy {
  policy: ResolvedPolicy;
  /** Every secret value (expanded `${ENV}` values, keys written in the file) for redaction. */
  secrets: string[];
  /** Absolute path of the policy file, when it came from one. */
  file?: string;
}
