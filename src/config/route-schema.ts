import { z } from "zod";
import { fallbackOnSchema, retryOnSchema } from "./retry-conditions-schema.js";
import { millisecondsSchema, nameSchema, ONE_HOUR_MS, usdSchema } from "./schema-primitives.js";

export const latencySloSchema = z
  .object({
    ttftMs: millisecondsSchema.optional().describe("Time to first token, in milliseconds."),
    totalMs: millisecondsSchema.optional().describe("Whole call, in milliseconds; also the call's deadline."),
  })
  .strict()
  .describe("Latency objective: targets expected to miss it rank last or are filtered out.");

export const routeBudgetSchema = z
  .object({
    maxCostUsd: usdSchema.optional().describe("Most a single call may cost, US dollars (retries included)."),
    dailyUsd: usdSchema.optional().describe("Most this route may spend per UTC day, US dollars."),
  })
  .strict()
  .describe("Spend limits: a call that would exceed one stops before it is sent.");

export const hedgeSchema = z
  .object({
    enabled: z
      .boolean()
      .describe("Send a second request when the first has produced no token after ~p95 TTFT."),
    delayMs: z
      .int()
      .min(0)
      .max(ONE_HOUR_MS)
      .default(1000)
      .describe("Delay before the hedge while no latency statistics exist yet."),
    maxExtraCostUsd: usdSchema
      .default(0.01)
      .describe("Largest extra estimated spend a hedge may add, per call."),
  })
  .strict()
  .describe("Hedged requests against slow first tokens; off unless enabled.");

/** A week: an answer served again after longer than that is a typo, not a policy. */
const ONE_WEEK_MS = 7 * 24 * ONE_HOUR_MS;

export const routeCacheSchema = z
  .object({
    ttlMs: z
      .int()
      .min(1)
      .max(ONE_WEEK_MS)
      .describe("How long an answer is served again, ms (at most 7 days)."),
    store: z
      .enum(["memory", "state"])
      .default("memory")
      .describe(
        "`memory`: this process's own LRU. `state`: the state store (Redis: shared by every replica).",
      ),
    maxEntries: z
      .int()
      .min(1)
      .max(10_000_000)
      .default(1000)
      .describe("Answers the memory store keeps at most (least recently used go first)."),
    maxBytes: z
      .int()
      .min(1024)
      .max(2 ** 40)
      .default(32 * 1024 * 1024)
      .describe("Bytes (serialized JSON, UTF-8) the memory store keeps at most."),
    maxEntryBytes: z
      .int()
      .min(1024)
      .max(512 * 1024 * 1024)
      .default(1024 * 1024)
      .describe("An answer larger than this, serialized, is not cached in either store."),
    allowNonZeroTemperature: z
      .boolean()
      .default(false)
      .describe(
        "Also cache requests whose temperature is not 0 or unset (the provider's default): a hit repeats one sample.",
      ),
  })
  .strict()
  .describe(
    "Opt-in response cache: an identical request on the same targets is answered again without calling any target.",
  );

/**
 * A route of the policy; `strategy` is checked against the strategies the router has registered
 * (`strategySchemaFor`), so the schema knows no strategy but the default.
 */
export function createRouteSchema(strategySchema: z.ZodType<string, string>) {
  return z
    .object({
      strategy: strategySchema.default("ordered").describe("How eligible targets are ranked."),
      targets: z
        .array(nameSchema)
        .min(1)
        .max(64)
        .describe("Keys of `targets`, in the operator's preferred order."),
      fallback: nameSchema.optional().describe("A route tried when every target of this one failed."),
      privacy: z
        .enum(["local-only", "no-training"])
        .optional()
        .describe(
          "`local-only`: only local targets, never a remote call. `no-training`: only no-training providers.",
        ),
      slo: latencySloSchema.optional(),
      budget: routeBudgetSchema.optional(),
      timeoutMs: millisecondsSchema
        .default(120_000)
        .describe("Deadline of a call, shared by all retries and fallbacks."),
      firstTokenTimeoutMs: millisecondsSchema
        .default(30_000)
        .describe("Per-try limit until the first token (a stream) or the whole response (no stream)."),
      idleTimeoutMs: millisecondsSchema
        .default(60_000)
        .describe(
          "A stream that delivers no token for this long fails; keep-alives and pings do not reset it.",
        ),
      hedge: hedgeSchema.optional(),
      continueOnInterrupt: z
        .boolean()
        .default(false)
        .describe("Continue a plain-text answer on the next target when a stream breaks mid-way."),
      fallbackOnContentFilter: z
        .boolean()
        .default(false)
        .describe("Fall back to the next target when one refuses on content policy."),
      retryOn: retryOnSchema.optional(),
      fallbackOn: fallbackOnSchema.optional(),
      qualityThreshold: z
        .number()
        .min(0)
        .max(1)
        .default(0.5)
        .describe("For `quality-threshold`: difficulty at or above which the strong tier serves."),
      cache: routeCacheSchema.optional(),
    })
    .strict()
    .describe("What callers ask for: an ordered set of targets and how to choose among them.");
}
