import { describe, expect, it } from "vitest";
import { heuristicDifficultyScorer } from "../../policies/quality-threshold/heuristic-difficulty-scorer.js";
import { chatPromptTokens } from "../../providers/local/chat-prompt-tokens.js";
import { toChatTranscript } from "../../providers/replicate/chat-turns.js";
import { InvalidRequestError, type Message } from "../../src/core/index.js";
import { countPromptTokens } from "../../src/estimate/index.js";
import { PrefixAffinity } from "../../src/router/prefix-affinity.js";
import { png } from "./image-bytes.js";

const image = {
  type: "image" as const,
  image: { data: png(64, 64).toString("base64"), mediaType: "image/png" as const },
};
const withImage: Message[] = [{ role: "user", content: [{ type: "text", text: "What is this?" }, image] }];
const textParts: Message[] = [
  {
    role: "user",
    content: [
      { type: "text", text: "Prove it" },
      { type: "text", text: "step by step." },
    ],
  },
];

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

describe("text-only paths given content parts", () => {
  it("joins text parts for Replicate's prompt templates and refuses an image, naming it", () => {
    expect(toChatTranscript(textParts).turns).toEqual([
      { role: "user", content: "Prove it\n\nstep by step." },
    ]);
    const error = thrown(() => toChatTranscript(withImage));
    expect(InvalidRequestError.isInstance(error)).toBe(true);
    expect((error as InvalidRequestError).field).toBe("messages[0].content[1]");
  });

  it("renders text parts into the local engine's chat template and refuses an image", () => {
    const engine = {
      applyChatTemplate: (messages: { content: string }[]) => messages.map((m) => m.content).join("|"),
      tokenize: (text: string) => Array.from(text, (char) => char.codePointAt(0) ?? 0),
    };
    const tokens = chatPromptTokens(engine as never, textParts);
    expect(String.fromCodePoint(...tokens)).toBe("Prove it\n\nstep by step.");
    expect((thrown(() => chatPromptTokens(engine as never, withImage)) as InvalidRequestError).field).toBe(
      "messages[0].content[1]",
    );
  });

  it("counts text parts as the same text in a string, and no image data as text", async () => {
    const asString: Message[] = [{ role: "user", content: "What is this?" }];
    expect(await countPromptTokens(withImage)).toBe(await countPromptTokens(asString));
  });

  it("keys prompt prefixes by text and image, so a different image is a different prefix", () => {
    const affinity = new PrefixAffinity({ blockChars: 16 });
    const other = { type: "image" as const, image: "https://images.example.test/other.png" };
    const keys = (content: Message[]) => affinity.keys({ messages: content });
    const first = keys(withImage);
    expect(first.length).toBeGreaterThan(0);
    expect(keys([{ role: "user", content: [{ type: "text", text: "What is this?" }, other] }])).not.toEqual(
      first,
    );
  });

  it("scores difficulty from the text parts", () => {
    expect(heuristicDifficultyScorer.score({ messages: textParts })).toBeGreaterThan(0.1);
  });
});
