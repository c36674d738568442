import { z } from "zod";

/**
 * Names of providers, targets, routes and tags. They end up in logs, metric labels and spend keys
 * ("route:<name>"), so they stay short and free of separators and whitespace.
 */
export const NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;

export const nameSchema = z
  .string()
  .regex(NAME_PATTERN, "expected a name of letters, digits, `_`, `-` or `.` (at most 64 characters)");

/** An hour: no single LLM call, SLO or hedge delay is longer; anything above is a typo. */
export const ONE_HOUR_MS = 3_600_000;

export const millisecondsSchema = z.int().min(1).max(ONE_HOUR_MS);

/** US dollars; the bound catches a misplaced decimal point, not a real spend. */
export const usdSchema = z.number().min(0).lt(1_000_000);

/** Token counts (context windows, output limits): far above any model, below float trouble. */
export const tokenCountSchema = z.int().min(1).max(100_000_000);
