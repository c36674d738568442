import { z } from "zod";
import { baseURLField, providerConfigFields } from "../shared/provider-config-fields.js";

/**
 * Settings of an AI SDK provider factory that hold credentials: `${ENV_NAME}` is expanded there
 * and their values are redacted everywhere (API keys; Amazon Bedrock's access keys).
 */
export const aiSdkSecretOptions = ["apiKey", "accessKeyId", "secretAccessKey", "sessionToken"] as const;

/** The factory settings Switchyard sets itself, from the entry's own checked fields. */
const reservedOptions: Record<string, string> = {
  baseURL: "set `baseURL` on the entry itself (the policy checks it against metadata addresses)",
  headers: "set `headers` on the entry itself",
  fetch: "the router passes its own fetch",
};

const optionKey = z.string().superRefine((key, context) => {
  const reason = reservedOptions[key];
  if (reason !== undefined)
    context.addIssue({ code: "custom", message: `\`${key}\` is not an option here: ${reason}` });
});

const optionsField = z
  .record(optionKey, z.json())
  .optional()
  .describe(
    `Settings passed to the provider's factory, e.g. { apiKey: "\${MISTRAL_API_KEY}" }. \${ENV_NAME} is allowed in ${aiSdkSecretOptions.join(", ")}.`,
  );

/** An npm package name: a policy names a package to import, never a path or URL. */
const packageName = z
  .string()
  .regex(
    /^(@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/,
    "expected an npm package name such as @ai-sdk/mistral",
  );

/** `providers.<id>` entries of `type: ai-sdk`. */
export const aiSdkConfigSchema = z
  .object({
    type: z.literal("ai-sdk").describe("Provider kind."),
    package: packageName.describe(
      "The AI SDK provider package, e.g. @ai-sdk/mistral (install it next to switchyard-ai).",
    ),
    factory: z
      .string()
      .regex(/^[A-Za-z_$][A-Za-z0-9_$]*$/, "expected the name of an export such as createMistral")
      .describe("Its export that creates the provider, e.g. createMistral."),
    options: optionsField,
    baseURL: baseURLField.optional(),
    ...providerConfigFields,
  })
  .strict()
  .describe("Any Vercel AI SDK provider package (Mistral, Google, Amazon Bedrock, Cohere, …).");

export type AiSdkProviderConfig = z.output<typeof aiSdkConfigSchema>;

/** The entry of a provider type registered from code: no package to name, the rest as above. */
export function aiSdkTypeConfigSchema<Type extends string>(type: Type) {
  return z
    .object({
      type: z.literal(type).describe("Provider kind."),
      options: optionsField,
      baseURL: baseURLField.optional(),
      ...providerConfigFields,
    })
    .strict()
    .describe(`The AI SDK provider registered as \`${type}\`.`);
}

export type AiSdkTypeConfig = z.output<ReturnType<typeof aiSdkTypeConfigSchema>>;
