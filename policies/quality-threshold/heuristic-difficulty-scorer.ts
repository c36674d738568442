import { type ChatRequest, messageText } from "../../src/core/index.js";
import type { DifficultyScorer } from "./difficulty-scorer.js";

const code = /```|^(?: {4}|\t)\S|\b(?:function|def|class|import|return|SELECT|const|let|var)\b[^\n]*[({=;]/m;
const math =
  /\\(?:frac|int|sum|sqrt|lim|partial)|\$[^$\n]+\$|[∑∫√∂≤≥≠∀∃]|\b(?:prove|proof|theorem|lemma|integral|derivative|equation|matrix|eigen\w*|probability)\b|\d\s*[*/^]\s*\d/i;
const multiStep = [
  /\bprove\b/i,
  /\bstep[- ]by[- ]step\b/i,
  /\banaly[sz]e\b/i,
  /\bderive\b/i,
  /\bcompare\b/i,
  /\bexplain why\b/i,
  /\bdesign\b/i,
  /\boptimi[sz]e\b/i,
  /\bdebug\b/i,
  /\btrade-?offs?\b/i,
  /\bevaluate\b/i,
];

/**
 * A crude difficulty estimate from the users' messages, without a model: each signal adds to the
 * score, capped at 1. Code 0.3; math 0.3; each multi-step word ("prove", "step by step", "analyze",
 * "derive", …) 0.2, at most 0.4; length up to 0.2 at 4,000 characters; every question after the
 * first 0.05, at most 0.15. A greeting scores 0; "prove … step by step" at least 0.7.
 */
export const heuristicDifficultyScorer: DifficultyScorer = {
  score(request: Readonly<ChatRequest>): number {
    const text = request.messages
      .filter((message) => message.role === "user")
      .map(messageText)
      .join("\n");
    let score = 0.2 * Math.min(1, text.length / 4000);
    if (code.test(text)) score += 0.3;
    if (math.test(text)) score += 0.3;
    score += Math.min(0.4, 0.2 * multiStep.filter((pattern) => pattern.test(text)).length);
    const questions = text.split("?").length - 1;
    score += Math.min(0.15, 0.05 * Math.max(0, questions - 1));
    return Math.min(1, score);
  },
};
