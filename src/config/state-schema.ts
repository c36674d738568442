import { z } from "zod";

/** Key prefixes: short, printable, no whitespace or glob characters (operators SCAN with them). */
export const KEY_PREFIX_PATTERN = /^[A-Za-z0-9_.:{}-]{1,64}$/;

const keyPrefixSchema = z
  .string()
  .regex(KEY_PREFIX_PATTERN, "expected 1–64 letters, digits or `_ . : { } -`");

const memoryStateSchema = z
  .object({
    store: z.literal("memory").describe("State lives in this process (the default)."),
  })
  .strict()
  .describe("Routing state kept in this process: right for a single instance.");

const redisStateSchema = z
  .object({
    store: z.literal("redis").describe("State shared by every replica through Redis."),
    url: z
      .string()
      .min(1)
      .refine((url) => /^rediss?:\/\/[^\s]+$/.test(url), "expected a redis:// or rediss:// URL")
      .describe(
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the text shows the literal ${ENV_NAME} syntax
        'Redis URL (redis:// or rediss://). It may carry a password: write it as "${REDIS_URL}".',
      ),
    keyPrefix: keyPrefixSchema
      .default("switchyard")
      .describe("Prefix of every key; replicas that share state use the same prefix."),
    onUnavailable: z
      .enum(["fail-open", "fail-closed"])
      .default("fail-open")
      .describe(
        "While Redis is down at run time: fail-open routes on this replica's own state (limits and budgets then count per replica) and warns; fail-closed refuses new calls. Start-up always fails when Redis is unreachable.",
      ),
  })
  .strict()
  .describe("Routing state (rate limits, spend, breakers, latency) shared by every replica through Redis.");

export const stateSchema = z
  .discriminatedUnion("store", [memoryStateSchema, redisStateSchema])
  .describe("Where routing state lives. Read at start-up; changing it takes a restart, not a reload.");
