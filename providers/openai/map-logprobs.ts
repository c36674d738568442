import type { TokenLogprob, TopLogprob } from "../../src/core/index.js";

/**
 * Log-probs of one choice (a whole answer or one stream chunk) in either wire shape:
 * - OpenAI: `logprobs.content[]` of `{ token, logprob, top_logprobs[] }`;
 * - Together: `logprobs: { tokens[], token_logprobs[], top_logprobs? }` in an answer, and in a
 *   stream chunk `logprobs: <number>` beside `top_logprobs: { token: logprob }`, the token being
 *   the chunk's text (`streamedText`).
 * Undefined when the choice carries none. Entries that are not well-formed are skipped rather than
 * trusted, since compatible hosts vary.
 */
export function mapLogprobs(choice: object, streamedText?: string): TokenLogprob[] | undefined {
  const logprobs = "logprobs" in choice ? choice.logprobs : undefined;
  if (typeof logprobs === "number") {
    if (streamedText === undefined) return undefined;
    const top = "top_logprobs" in choice ? toTopList(choice.top_logprobs) : [];
    return [{ token: streamedText, logprob: logprobs, topLogprobs: top }];
  }
  if (!isObject(logprobs)) return undefined;
  if (Array.isArray(logprobs.content)) return logprobs.content.flatMap(mapOpenAIEntry);
  const { tokens, token_logprobs: tokenLogprobs, top_logprobs: topLogprobs } = logprobs;
  if (Array.isArray(tokens) && Array.isArray(tokenLogprobs)) {
    const tops: unknown[] = Array.isArray(topLogprobs) ? topLogprobs : [];
    return tokens.flatMap((token: unknown, index: number): TokenLogprob[] => {
      const logprob: unknown = tokenLogprobs[index];
      if (typeof token !== "string" || typeof logprob !== "number") return [];
      return [{ token, logprob, topLogprobs: toTopList(tops[index]) }];
    });
  }
  return undefined;
}

function mapOpenAIEntry(entry: unknown): TokenLogprob[] {
  if (!isObject(entry) || typeof entry.token !== "string" || typeof entry.logprob !== "number") return [];
  return [{ token: entry.token, logprob: entry.logprob, topLogprobs: toTopList(entry.top_logprobs) }];
}

/** `[{ token, logprob }]` (OpenAI) or `{ token: logprob }` (Together) → TopLogprob[], best first. */
function toTopList(value: unknown): TopLogprob[] {
  if (Array.isArray(value)) {
    return value.flatMap((item: unknown): TopLogprob[] =>
      isObject(item) && typeof item.token === "string" && typeof item.logprob === "number"
        ? [{ token: item.token, logprob: item.logprob }]
        : [],
    );
  }
  if (!isObject(value)) return [];
  return Object.entries(value)
    .flatMap(([token, logprob]): TopLogprob[] => (typeof logprob === "number" ? [{ token, logprob }] : []))
    .sort((a, b) => b.logprob - a.logprob);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}
