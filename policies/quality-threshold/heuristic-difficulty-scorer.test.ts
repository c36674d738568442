import { describe, expect, it } from "vitest";
import { heuristicDifficultyScorer } from "./heuristic-difficulty-scorer.js";

const score = (content: string, role: "user" | "system" = "user") =>
  heuristicDifficultyScorer.score({ messages: [{ role, content }] });

describe("heuristicDifficultyScorer", () => {
  it("scores a greeting as trivial", () => {
    expect(score("Hello! How are you?")).toBeLessThan(0.05);
  });

  it("scores a proof asked for step by step as hard", () => {
    expect(score("Prove that the square root of 2 is irrational, step by step.")).toBeGreaterThanOrEqual(0.7);
  });

  it("scores code with an analysis request as hard", () => {
    const prompt = "Analyze why this is slow:\n```python\nfor i in range(n):\n    total += sum(xs[:i])\n```";
    expect(score(prompt)).toBeGreaterThanOrEqual(0.5);
  });

  it("counts math notation", () => {
    expect(score("What is \\frac{a}{b} + \\int x dx?")).toBeGreaterThanOrEqual(0.3);
  });

  it("adds a little for each question after the first, up to 0.15", () => {
    expect(score("a? b? c?")).toBeCloseTo(0.1 + (0.2 * 8) / 4000, 6);
    expect(score("? ".repeat(20))).toBeCloseTo(0.15 + (0.2 * 40) / 4000, 6);
  });

  it("reads only the users' messages, not the system prompt", () => {
    expect(score("Prove every theorem step by step; analyze all code.", "system")).toBe(0);
  });

  it("never exceeds 1", () => {
    const everything = `Prove, derive, analyze, compare and debug step by step: \`\`\`js\nconst x = 1;\n\`\`\` \\int ${"? ".repeat(10)}${"x".repeat(5000)}`;
    expect(score(everything)).toBe(1);
  });
});
