import { z } from "zod";
import type { EmbedRequest } from "../core/index.js";
import { aiSdkErrors } from "./ai-sdk-errors.js";

/**
 * What `providerOptions.switchyard` of an AI SDK `embed`/`embedMany` call may carry: the routing
 * fields of an `EmbedRequest`, and `dimensions` (the v3 specification has no option for it). The
 * router validates their values; this only refuses keys it does not know.
 */
export type SwitchyardEmbedOptions = Pick<
  EmbedRequest,
  "dimensions" | "tags" | "metadata" | "budget" | "privacy" | "timeoutMs"
>;

const embedKeys = [
  "dimensions",
  "tags",
  "metadata",
  "budget",
  "privacy",
  "timeoutMs",
] as const satisfies readonly (keyof SwitchyardEmbedOptions)[];

const schema = z.object(Object.fromEntries(embedKeys.map((key) => [key, z.unknown().optional()]))).strict();

/** `providerOptions.switchyard` of an embedding call, or an `InvalidArgumentError` naming the key. */
export async function parseEmbedOptions(value: unknown): Promise<SwitchyardEmbedOptions> {
  if (value === undefined) return {};
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data as SwitchyardEmbedOptions;
  const { InvalidArgumentError } = await aiSdkErrors();
  const issue = parsed.error.issues[0];
  throw new InvalidArgumentError({
    argument: "providerOptions.switchyard",
    message: `providerOptions.switchyard${issue?.path.length ? `.${issue.path.join(".")}` : ""}: ${issue?.message ?? "invalid"}`,
  });
}
