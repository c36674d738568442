import { z } from "zod";
import type { ProviderConfig, ProviderFactory } from "../core/index.js";

/** A provider entry after validation by its factory's schema: the common fields plus its own. */
export type ProviderEntry = ProviderConfig & { [field: string]: unknown };

/** Secret fields of every factory that names none. */
export const DEFAULT_SECRET_FIELDS: readonly string[] = ["apiKey", "apiToken"];

/**
 * What is wrong with a factory's `configSchema` for the policy's discriminated union (a zod object
 * whose `type` is the literal of the factory's type), or undefined when it fits.
 */
export function configSchemaProblem(
  factory: Pick<ProviderFactory, "type" | "configSchema">,
): string | undefined {
  const schema: unknown = factory.configSchema;
  if (!(schema instanceof z.ZodObject))
    return "configSchema must be a zod object (z.object({ type: z.literal(…), … }))";
  const type: unknown = schema.shape.type;
  if (!(type instanceof z.ZodLiteral) || !type.values.has(factory.type))
    return `configSchema must declare type: z.literal("${factory.type}")`;
  return undefined;
}

/**
 * `providers.<id>`: one entry of any registered factory's type, chosen by `type`. An unknown type
 * is reported with the registered ones (and the closest); a known one gets its schema's
 * positioned errors, built-in or not.
 */
export function providerSchemaFor(
  factories: Iterable<ProviderFactory>,
): z.ZodType<ProviderEntry, ProviderEntry> {
  const options = [...factories].map((factory) => factory.configSchema as unknown as z.ZodObject);
  const [first, ...rest] = options;
  if (first === undefined) return z.never() as unknown as z.ZodType<ProviderEntry, ProviderEntry>;
  return z.discriminatedUnion("type", [first, ...rest]) as unknown as z.ZodType<ProviderEntry, ProviderEntry>;
}

/** A route's `strategy`: one of the registered names. */
export function strategySchemaFor(strategies: readonly string[]): z.ZodType<string, string> {
  const [first, ...rest] = strategies;
  return first === undefined ? z.string() : z.enum([first, ...rest]);
}
