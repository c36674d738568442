import { z } from "zod";

/** RFC 9110 token characters: a header name outside them is rejected by every HTTP client anyway. */
const headerNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, "expected an HTTP header name (letters, digits, `-`)");

/** CR or LF in a value would let a policy smuggle extra headers into every request. */
const headerValueSchema = z.string().regex(/^[^\r\n]*$/, "expected a header value without line breaks");

/**
 * The fields core's `ProviderConfig` gives every provider entry (headers, `local`, `noTraining`),
 * as zod: spread them into a factory's `configSchema` so the router's privacy rules apply to it.
 */
export const providerConfigFields = {
  headers: z
    .record(headerNameSchema, headerValueSchema)
    .optional()
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the text shows the literal ${ENV_NAME} syntax
    .describe("Extra HTTP headers sent with every request. Values may use ${ENV_NAME}."),
  local: z
    .boolean()
    .optional()
    .describe(
      "Declare this provider local (e.g. vLLM on this host): its targets may serve `local-only` routes.",
    ),
  noTraining: z
    .boolean()
    .optional()
    .describe("The provider's data policy says it does not train on requests: eligible for `no-training`."),
};

/** A secret field: written as `${ENV_NAME}` in the policy, expanded and redacted by the router. */
export const secretField = (what: string) =>
  z.string().min(1).describe(`${what}. Write it as "\${ENV_NAME}".`);

/** A `baseURL` field; the router refuses metadata addresses (and private ones when the policy says so). */
export const baseURLField = z
  .string()
  .describe("Base URL of the API (a proxy, Azure, a self-hosted server). http(s) only; no credentials.");
