import { z } from "zod";
import type { ChatRequest } from "../core/index.js";

/**
 * What `providerOptions.switchyard` of an AI SDK call may carry: the routing fields of a
 * `ChatRequest` that the AI SDK has no setting for. The router validates their values (and names
 * the field that is wrong); this only refuses keys it does not know.
 */
export type SwitchyardCallOptions = Pick<
  ChatRequest,
  | "tags"
  | "metadata"
  | "budget"
  | "slo"
  | "privacy"
  | "targets"
  | "timeoutMs"
  | "logprobs"
  | "providerOptions"
>;

const routingKeys = [
  "tags",
  "metadata",
  "budget",
  "slo",
  "privacy",
  "targets",
  "timeoutMs",
  "logprobs",
  "providerOptions",
] as const satisfies readonly (keyof SwitchyardCallOptions)[];

export const switchyardCallOptionsSchema = z
  .object(Object.fromEntries(routingKeys.map((key) => [key, z.unknown().optional()])))
  .strict();

export const switchyardCallOptionKeys: readonly string[] = routingKeys;
