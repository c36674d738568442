import { z } from "zod";
import { millisecondsSchema } from "./schema-primitives.js";

export const breakerSchema = z
  .object({
    failureRatio: z
      .number()
      .gt(0)
      .max(1)
      .optional()
      .describe("Share of failed calls in the window that opens a target's breaker. Default 0.5."),
    minCalls: z
      .int()
      .min(1)
      .max(1_000_000)
      .optional()
      .describe("Calls the window must hold before the ratio is trusted. Default 20."),
    windowMs: millisecondsSchema.optional().describe("Length of the sliding window, ms. Default 60000."),
    openMs: millisecondsSchema
      .optional()
      .describe(
        "How long an open breaker stays open before it goes half-open, ms; in half-open calls go through as probes and the first result closes it (success) or opens it again (failure). Default 30000.",
      ),
  })
  .strict()
  .describe("Circuit breaker per target (Envoy / gRPC style).");

export const ejectionSchema = z
  .object({
    consecutiveFailures: z
      .int()
      .min(1)
      .max(1_000)
      .optional()
      .describe("Consecutive failures that eject a target. Default 5."),
    baseMs: millisecondsSchema
      .optional()
      .describe("Ejection length; the n-th ejection in a row lasts n times this, ms. Default 30000."),
    maxMs: millisecondsSchema
      .optional()
      .describe(
        "Longest ejection, whatever the streak, ms (at most an hour: Redis keeps health that long). Default 300000.",
      ),
  })
  .strict()
  .describe(
    "Outlier ejection per target (Envoy's consecutive-failure detector); never the last healthy target.",
  );

export const targetHealthSchema = z
  .object({ breaker: breakerSchema.optional(), ejection: ejectionSchema.optional() })
  .strict()
  .describe(
    "This target's breaker and ejection thresholds, over the top-level `health` section's (replicas of a local target share them).",
  );

export const healthSchema = z
  .object({
    breaker: breakerSchema.optional(),
    ejection: ejectionSchema.optional(),
    halfOpenProbes: z
      .int()
      .min(1)
      .max(10_000)
      .optional()
      .describe(
        "Calls this process sends at once to a target whose breaker is half-open; the others skip it until a probe's result closes or reopens the breaker. Default: no limit.",
      ),
    whenAllOpen: z
      .enum(["fail", "probe"])
      .default("fail")
      .describe(
        "When every target of a route has an open breaker: `fail` leaves none eligible (the route's `fallback` route, else NoEligibleTargetError); `probe` tries the target whose breaker opened first, as if half-open. Default fail.",
      ),
  })
  .strict()
  .describe(
    "Breaker and ejection thresholds for the store the router opens (memory or Redis). A store built in code keeps its own options. Read at start-up; changing it takes a restart.",
  );
