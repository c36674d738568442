/** What a loopback provider answers: the text in the deltas it streams, and the usage it reports. */
export interface ScriptedAnswer {
  deltas: readonly string[];
  inputTokens: number;
  outputTokens: number;
}

/** An HTTP error the provider returns instead of answering. */
export interface WireFailure {
  status: number;
  headers?: Record<string, string>;
  /** The provider's own error body. */
  body: unknown;
}

/** How a loopback provider behaves: whose key it accepts, what it answers, or how it fails. */
export interface WireScript {
  /** The only credential it accepts; any other gets the provider's 401. */
  apiKey: string;
  answer: ScriptedAnswer;
  /** Returned for every authenticated request instead of the answer. */
  failure?: WireFailure;
}

export const defaultAnswer: ScriptedAnswer = {
  deltas: ["Paris", " is the capital", " of France."],
  inputTokens: 14,
  outputTokens: 7,
};

export function answerText(answer: ScriptedAnswer): string {
  return answer.deltas.join("");
}
