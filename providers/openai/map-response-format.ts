import type { ChatCompletionCreateParamsBase } from "openai/resources/chat/completions";
import type { ResponseFormat } from "../../src/core/index.js";

/** Name OpenAI requires for a JSON schema when the caller gives none. */
export const defaultSchemaName = "response";

/** `undefined` for plain text: the API's default, so nothing is sent. */
export function mapResponseFormat(
  format: ResponseFormat,
): ChatCompletionCreateParamsBase["response_format"] | undefined {
  switch (format.type) {
    case "text":
      return undefined;
    case "json_object":
      return { type: "json_object" };
    case "json_schema":
      return {
        type: "json_schema",
        json_schema: {
          name: format.name ?? defaultSchemaName,
          schema: format.schema,
          // Omitted unless asked: strict mode rejects schemas without additionalProperties: false.
          ...(format.strict === undefined ? {} : { strict: format.strict }),
        },
      };
  }
}
