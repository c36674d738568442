import { describe, expect, it } from "vitest";
import { secretForms, secretTailLength } from "./secret-forms.js";
import { StreamRedactor } from "./stream-redactor.js";

const secret = "canary-live-abcdefghijklmnopqrstuvwxyz";
const needles = secretForms(secret);
const matcher = {
  redact: (text: string) => needles.reduce((out, needle) => out.split(needle).join("[REDACTED]"), text),
  tailLength: (text: string) => secretTailLength(text, needles),
};

function run(chunks: readonly string[]): string[] {
  const redactor = new StreamRedactor(matcher);
  const out = chunks.map((chunk) => redactor.push(chunk));
  out.push(redactor.flush());
  return out;
}

describe("secretTailLength", () => {
  it("is the longest end of the text that begins a secret, and 0 when none does", () => {
    expect(secretTailLength("answer: canar", [secret])).toBe(5);
    expect(secretTailLength("answer: c", [secret])).toBe(1);
    expect(secretTailLength("answer.", [secret])).toBe(0);
    // The whole secret is not a tail to hold: it is redacted instead.
    expect(secretTailLength(secret, [secret])).toBe(0);
    expect(secretTailLength("cancanar", [secret])).toBe(5);
  });
});

describe("StreamRedactor", () => {
  it("redacts a secret split across chunks and delivers nothing of it", () => {
    const out = run(["Your key is canar", "y-live-abcdefghij", "klmnopqrstuvwxyz, keep it safe."]);
    expect(out.join("")).toBe("Your key is [REDACTED], keep it safe.");
    for (const piece of out) expect(piece).not.toContain("canar");
  });

  it("holds back only the tail that could begin a secret and flushes it at the end", () => {
    expect(run(["Hello, ", "wörld: c", "a"])).toEqual(["Hello, ", "wörld: ", "", "ca"]);
  });

  it("releases a held tail as soon as the next chunk shows it is not a secret", () => {
    expect(run(["a tic", " tap"])).toEqual(["a ti", "c tap", ""]);
  });

  it("redacts the base64 and URL-encoded forms one character at a time", () => {
    const base64 = Buffer.from(secret).toString("base64");
    const out = run([...`Basic ${base64}!`]);
    expect(out.join("")).toBe("Basic [REDACTED]!");
  });
});
