import { z } from "zod";
import { nameSchema, usdSchema } from "./schema-primitives.js";

/** How a virtual key is stored: the SHA-256 of the key's UTF-8 bytes, hex; never the key itself. */
export const KEY_HASH_PATTERN = /^sha256:[0-9a-f]{64}$/;

/** A key's name becomes the spend tag `key:<name>`, which must stay within a tag's 64 characters. */
const keyNameSchema = nameSchema.refine(
  (name) => name.length <= 60,
  "expected a key name of at most 60 characters",
);

const keyLimitsSchema = z
  .object({
    rpm: z.int().min(1).max(10_000_000).optional().describe("Requests per minute with this key."),
    tpm: z
      .int()
      .min(1)
      .max(10_000_000_000)
      .optional()
      .describe("Tokens (prompt estimate + max output) per minute with this key."),
    maxConcurrent: z.int().min(1).max(100_000).optional().describe("Calls in flight at once with this key."),
  })
  .strict()
  .describe("Over any of these the gateway answers 429 with retry-after; nothing is sent upstream.");

export const virtualKeySchema = z
  .object({
    hash: z
      .string()
      .regex(
        KEY_HASH_PATTERN,
        "expected sha256:<64 lowercase hex digits> (print one with `switchyard keys hash`)",
      )
      .describe("sha256:<hex> of the key, from `switchyard keys hash`. The key itself is never stored."),
    routes: z
      .array(nameSchema)
      .min(1)
      .optional()
      .describe("Routes (the `model` of a request) this key may use. Default: every route."),
    dailyUsd: usdSchema
      .optional()
      .describe("Most this key's calls may spend per UTC day, US dollars (the spend tag `key:<name>`)."),
    limits: keyLimitsSchema.optional(),
    metadata: z
      .record(z.string().min(1).max(64), z.string().max(256))
      .optional()
      .describe("Attached to every call made with this key (under the request's own metadata)."),
    tags: z.array(nameSchema).max(8).optional().describe("Tags added to every call made with this key."),
  })
  .strict();

export const dashboardSchema = z
  .object({
    enabled: z.boolean().default(false).describe("Serve the dashboard at /ui. Default false (off)."),
    hash: z
      .string()
      .regex(
        KEY_HASH_PATTERN,
        "expected sha256:<64 lowercase hex digits> (print one with `switchyard keys hash`)",
      )
      .optional()
      .describe("sha256:<hex> of a dedicated admin key that opens the dashboard (and only the dashboard)."),
    keys: z
      .array(keyNameSchema)
      .min(1)
      .optional()
      .describe("Virtual keys (names under gateway.keys) that may open the dashboard."),
    recentCalls: z
      .int()
      .min(1)
      .max(10_000)
      .default(100)
      .describe("Last calls the dashboard keeps (in this process), with their route traces. Default 100."),
  })
  .strict()
  .refine((dashboard) => !dashboard.enabled || dashboard.hash !== undefined || dashboard.keys !== undefined, {
    message: "an enabled dashboard needs a key: set `hash` (an admin key) or `keys` (virtual keys)",
  })
  .describe("The live dashboard at /ui: routes, target health, limiters, today's spend and the last calls.");

export const gatewaySchema = z
  .object({
    keys: z
      .record(keyNameSchema, virtualKeySchema)
      .optional()
      .describe(
        "Virtual keys of `switchyard serve`: callers send one as `Authorization: Bearer <key>` (or `x-api-key`). Without keys the gateway needs no key.",
      ),
    maxBodyBytes: z
      .int()
      .min(1024)
      .max(100 * 1024 * 1024)
      .default(4 * 1024 * 1024)
      .describe("Largest request body, bytes; a larger one is refused with 413. Default 4 MiB."),
    maxConcurrent: z
      .int()
      .min(1)
      .max(1_000_000)
      .default(1024)
      .describe("API calls in flight at once over all keys; above it, 503 with retry-after. Default 1024."),
    drainMs: z
      .int()
      .min(0)
      .max(3_600_000)
      .default(30_000)
      .describe(
        "On SIGTERM, how long calls and streams in flight may finish before they are stopped, ms. Default 30000.",
      ),
    dashboard: dashboardSchema.optional(),
  })
  .strict()
  .describe("Settings of the HTTP gateway (`switchyard serve`); the router ignores them.");

export type GatewaySettings = z.infer<typeof gatewaySchema>;

/**
 * The spend tag a key's calls carry: its daily budget is a tag budget on it. ":" is no character
 * of a policy name, so no tag of the policy (`budgets.tags`, a key's `tags`) can be one; the
 * gateway refuses callers' tags that start with `key:`.
 */
export function keySpendTag(name: string): string {
  return `key:${name}`;
}
