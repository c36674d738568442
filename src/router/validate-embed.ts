import { didYouMean } from "../config/did-you-mean.js";
import { type ChatRequest, type EmbedRequest, InvalidRequestError, maxEmbedInputs } from "../core/index.js";
import type { EmbedCall } from "./execute-embed.js";
import type { RoutingContext } from "./routing-context.js";
import { validateCall } from "./validate-request.js";

/** The largest `dimensions` accepted. */
const maxDimensions = 65_536;

const embedFields = new Set([
  "route",
  "input",
  "dimensions",
  "privacy",
  "budget",
  "tags",
  "metadata",
  "signal",
  "timeoutMs",
]);

/**
 * Checks an `embed()` request and turns it into the chat-shaped request the policies decide on:
 * one user message per input, so every input passes the same text checks as a chat message (NUL
 * characters, lone surrogates, empty text; linear and sliced for huge inputs), and errors name
 * `input[i]`. Without `route`, a route named "embeddings" serves it if the policy has one, else the
 * default route.
 */
export async function validateEmbed(context: RoutingContext, raw: unknown): Promise<EmbedCall> {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new InvalidRequestError("request", 'expected an object such as { input: ["text"] }');
  }
  for (const key of Object.keys(raw)) {
    if (!embedFields.has(key)) {
      const hint = didYouMean(key, embedFields);
      throw new InvalidRequestError(key, `unknown field${hint ? ` (did you mean "${hint}"?)` : ""}`);
    }
  }
  const request = raw as EmbedRequest;
  const { input, dimensions } = request;
  const inputs = typeof input === "string" ? [input] : input;
  if (!Array.isArray(inputs))
    throw new InvalidRequestError("input", "expected a string or an array of strings");
  if (inputs.length === 0) throw new InvalidRequestError("input", "expected at least one text");
  if (inputs.length > maxEmbedInputs) {
    throw new InvalidRequestError("input", `at most ${maxEmbedInputs} texts per call, got ${inputs.length}`);
  }
  for (const [index, text] of inputs.entries()) {
    if (typeof text !== "string")
      throw new InvalidRequestError(`input[${index}]`, `expected a string, got ${typeof text}`);
  }
  if (
    dimensions !== undefined &&
    (typeof dimensions !== "number" ||
      !Number.isInteger(dimensions) ||
      dimensions < 1 ||
      dimensions > maxDimensions)
  ) {
    throw new InvalidRequestError("dimensions", `expected an integer from 1 to ${maxDimensions}`);
  }
  const route = request.route ?? (context.routes.has("embeddings") ? "embeddings" : undefined);
  const chatLike: Record<string, unknown> = {
    messages: inputs.map((content) => ({ role: "user", content })),
    maxTokens: 1,
    ...(route !== undefined ? { route } : {}),
  };
  for (const key of ["privacy", "budget", "tags", "metadata", "signal", "timeoutMs"] as const) {
    if (request[key] !== undefined) chatLike[key] = request[key];
  }
  try {
    const valid = await validateCall(context, chatLike);
    const checked: ChatRequest = { ...valid.request, route: valid.route.name };
    return {
      inputs: inputs as string[],
      ...(dimensions !== undefined ? { dimensions } : {}),
      request: checked,
      route: valid.route,
    };
  } catch (error) {
    throw asEmbedError(error);
  }
}

/** A chat-shaped error path (`messages[3].content`) named as the caller wrote it (`input[3]`). */
function asEmbedError(error: unknown): unknown {
  if (!InvalidRequestError.isInstance(error)) return error;
  const field = error.field.replace(/^messages\[(\d+)\]\.content/, "input[$1]");
  if (field === error.field) return error;
  const detail = error.message.replace(/^Invalid request: [^:]*: /, "");
  return new InvalidRequestError(field, detail);
}
