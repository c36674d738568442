import { HttpResponse, http } from "msw";
import { mistralBaseURL, mistralError, mistralHeaders } from "./mistral-wire.js";

/** Mistral's embeddings endpoint, as `@ai-sdk/mistral` calls it. */
export const mistralEmbeddingsURL = `${mistralBaseURL}/embeddings`;

export interface EmbeddingsRequest {
  model: string;
  input: string[];
  encoding_format: string;
  output_dimension?: number;
}

/** A vector that names its text, so order can be checked: [length, first char code, 0.5]. */
export const vectorOf = (text: string, dimensions = 3): number[] =>
  [text.length, text.charCodeAt(0), 0.5, 0.25].slice(0, dimensions);

/** A response shaped like a recorded mistral-embed answer (its id, `object: "list"`, usage). */
export function embeddingsBody(body: EmbeddingsRequest, tokensPerInput = 4) {
  const tokens = body.input.length * tokensPerInput;
  return {
    id: "e8a3c1d4b2f04a6c9e7d5b3a1c0f2e4d",
    object: "list",
    data: body.input.map((text, index) => ({
      object: "embedding",
      embedding: vectorOf(text, body.output_dimension),
      index,
    })),
    model: body.model,
    usage: { prompt_tokens: tokens, total_tokens: tokens, completion_tokens: 0, request_count: null },
  };
}

/** Answers every request and keeps what it received (and its authorization header). */
export function mistralEmbeddings(received: { body: EmbeddingsRequest; authorization: string | null }[]) {
  return http.post(mistralEmbeddingsURL, async ({ request }) => {
    const body = (await request.json()) as EmbeddingsRequest;
    received.push({ body, authorization: request.headers.get("authorization") });
    return HttpResponse.json(embeddingsBody(body), { headers: mistralHeaders });
  });
}

/** What Mistral answers a batch with more tokens than the model takes. */
export const tooManyTokens = mistralError(
  "Too many tokens overall, split into more batches.",
  "invalid_request_error",
  "3210",
);
