import { z } from "zod";
import { nameSchema } from "./schema-primitives.js";

/** Bounds that keep matching a request linear and small: a few rules of a few exact tests each. */
export const selectLimits = { rules: 64, values: 32, metadataKeys: 16, valueLength: 512 } as const;

const valueSchema = z.string().max(selectLimits.valueLength);
const tagListSchema = z.array(nameSchema).min(1).max(selectLimits.values);

const metadataMatcherSchema = z.union([
  valueSchema.describe("Equal to this string."),
  z
    .object({ in: z.array(valueSchema).min(1).max(selectLimits.values).describe("One of these strings.") })
    .strict(),
  z.object({ prefix: valueSchema.min(1).describe("Starts with this string.") }).strict(),
]);

export const routeRuleWhenSchema = z
  .object({
    tags: z
      .object({
        includes: tagListSchema.optional().describe("The request carries every one of these tags."),
        any: tagListSchema.optional().describe("The request carries at least one of these tags."),
      })
      .strict()
      .optional()
      .describe("Conditions on the request's `tags`."),
    metadata: z
      .record(z.string().min(1).max(64), metadataMatcherSchema)
      .refine((entries) => Object.keys(entries).length <= selectLimits.metadataKeys, {
        message: `at most ${selectLimits.metadataKeys} metadata keys per rule`,
      })
      .optional()
      .describe("Each key must be in the request's metadata, its value matching (exact, `in` or `prefix`)."),
  })
  .strict()
  .describe("Every condition must hold; no conditions match every request.");

/**
 * The policy's `select` list: the first rule whose `when` matches a request that names no route
 * chooses its route; when none matches, `defaultRoute` serves. Matching uses exact, list and
 * prefix tests only (no regular expressions on caller input).
 */
export const routeSelectorSchema = z
  .array(
    z
      .object({
        when: routeRuleWhenSchema.prefault({}),
        route: nameSchema.describe("The route this rule chooses (a key of `routes`)."),
      })
      .strict(),
  )
  .max(selectLimits.rules)
  .describe(
    "Chooses the route of a request that names none, by its tags and metadata: the first matching rule wins, else `defaultRoute`.",
  );
