import type { Capabilities } from "../../src/core/index.js";

/** What the adapter knows about one Claude model family. */
export interface AnthropicModelProfile {
  capabilities: Partial<Capabilities>;
  /**
   * The model accepts `output_config.format` (structured outputs). Older families get JSON
   * output through a forced tool call instead (see build-anthropic-request.ts).
   */
  structuredOutputs: boolean;
}

interface FamilyEntry {
  prefixes: readonly string[];
  maxOutputTokens?: number;
  structuredOutputs: boolean;
}

/**
 * Claude families by model-id prefix, first match wins. Every family has a 200k-token context
 * window; a policy target may extend it (1M-context betas) or narrow it. Families released
 * after this table fall through to the default: structured outputs, no known output cap.
 */
const families: readonly FamilyEntry[] = [
  { prefixes: ["claude-3-haiku"], maxOutputTokens: 4_096, structuredOutputs: false },
  { prefixes: ["claude-3-5-haiku", "claude-3-5-sonnet"], maxOutputTokens: 8_192, structuredOutputs: false },
  { prefixes: ["claude-3-7-sonnet"], maxOutputTokens: 64_000, structuredOutputs: false },
  { prefixes: ["claude-sonnet-4-0", "claude-sonnet-4-2"], maxOutputTokens: 64_000, structuredOutputs: false },
  {
    prefixes: ["claude-opus-4-0", "claude-opus-4-1", "claude-opus-4-2"],
    maxOutputTokens: 32_000,
    structuredOutputs: false,
  },
  {
    prefixes: ["claude-sonnet-4-5", "claude-haiku-4-5", "claude-opus-4-5"],
    maxOutputTokens: 64_000,
    structuredOutputs: true,
  },
];

const contextWindow = 200_000;

/** The capability profile of a Claude model id, e.g. "claude-sonnet-4-5-20250929". */
export function anthropicModelProfile(model: string): AnthropicModelProfile {
  const family = families.find((entry) => entry.prefixes.some((prefix) => model.startsWith(prefix)));
  return {
    capabilities: {
      logprobs: 0,
      tools: true,
      // Both paths produce schema-conforming JSON: structured outputs or a forced tool call.
      jsonSchema: true,
      streaming: true,
      // Every Claude model from Claude 3 on takes images.
      vision: true,
      // The Messages API refuses a base64 image over 5 MB (5,242,880 bytes decoded).
      maxImageBytes: 5 * 1024 * 1024,
      contextWindow,
      ...(family?.maxOutputTokens === undefined ? {} : { maxOutputTokens: family.maxOutputTokens }),
    },
    structuredOutputs: family?.structuredOutputs ?? true,
  };
}
