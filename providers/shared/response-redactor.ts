import type {
  GenerateResult,
  ProviderContext,
  ProviderStreamPart,
  TokenLogprob,
} from "../../src/core/index.js";
import { secretForms, secretTailLength } from "../../src/core/secret-forms.js";
import { type SecretMatcher, StreamRedactor } from "../../src/core/stream-redactor.js";

/**
 * The one redaction of everything an adapter takes from a response: results (text, tool-call ids,
 * names and arguments, request ids, log-prob tokens, warnings), stream parts, and (through
 * `redact`, which `createProviderCallError` applies) error messages, bodies, request ids and
 * cause chains. A server may echo whatever it was sent — the key in an id header, a body, or the
 * answer itself — so nothing read from it leaves the adapter unredacted.
 *
 * It redacts every secret the provider context knows, plus the forms (URL-encoded, base64) of the
 * secrets registered through it. Streams hold back a tail that could begin one of those: they are
 * what this provider sends, hence what its upstream can echo. The router redacts the secrets of
 * every provider at its own boundary as well.
 */
export class ResponseRedactor implements SecretMatcher {
  readonly #context: Pick<ProviderContext, "registerSecret" | "redact">;
  readonly #needles: string[] = [];

  constructor(context: Pick<ProviderContext, "registerSecret" | "redact">) {
    this.#context = context;
  }

  /** Registers a credential with the context (for the router) and with this redactor. */
  registerSecret(secret: string): void {
    if (!secret) return;
    this.#context.registerSecret(secret);
    for (const form of secretForms(secret)) {
      if (!this.#needles.includes(form)) this.#needles.push(form);
    }
    // Longest first, so a form that contains another is replaced whole.
    this.#needles.sort((a, b) => b.length - a.length);
  }

  /** Every known secret in `text` replaced by `[REDACTED]`. */
  readonly redact = (text: string): string => {
    let result = this.#context.redact(text);
    for (const needle of this.#needles) {
      if (result.includes(needle)) result = result.split(needle).join("[REDACTED]");
    }
    return result;
  };

  tailLength(text: string): number {
    return secretTailLength(text, this.#needles);
  }

  /** A text redactor for one streamed text (an answer, one tool call's arguments). */
  textStream(): StreamRedactor {
    return new StreamRedactor(this);
  }

  /** A whole answer with every string taken from the response redacted. */
  result(result: GenerateResult): GenerateResult {
    const { redact } = this;
    return {
      ...result,
      text: redact(result.text),
      ...(result.reasoning === undefined ? {} : { reasoning: redact(result.reasoning) }),
      toolCalls: result.toolCalls.map((call) => ({
        id: redact(call.id),
        name: redact(call.name),
        arguments: redact(call.arguments),
      })),
      ...(result.logprobs ? { logprobs: this.#logprobs(result.logprobs) } : {}),
      ...(result.requestId === undefined ? {} : { requestId: redact(result.requestId) }),
      warnings: result.warnings.map(redact),
    };
  }

  /**
   * An adapter's stream with every part redacted. Text, reasoning and each tool call's argument
   * deltas go through a StreamRedactor: a secret split across deltas is replaced, a tail that may
   * begin one waits for the next delta and is delivered before the call's `tool-call` part or
   * before `finish` (reasoning's before the next part of another kind). Joined, the delivered deltas are the redacted whole. A delta held back whole still
   * yields a part, with empty text, so that timers measuring the upstream's progress see it. A
   * stream that fails keeps its held tail: what may be the start of a key is never delivered.
   */
  async *stream(parts: AsyncIterable<ProviderStreamPart>): AsyncGenerator<ProviderStreamPart> {
    const { redact } = this;
    const text = this.textStream();
    const reasoning = this.textStream();
    const toolArguments = new Map<number, StreamRedactor>();
    const flushArguments = function* (index: number): Generator<ProviderStreamPart> {
      const rest = toolArguments.get(index)?.flush();
      toolArguments.delete(index);
      if (rest) yield { type: "tool-call-delta", index, argumentsDelta: rest };
    };
    const flushAll = function* (): Generator<ProviderStreamPart> {
      const rest = text.flush();
      if (rest) yield { type: "text-delta", text: rest };
      for (const index of [...toolArguments.keys()].sort((a, b) => a - b)) yield* flushArguments(index);
    };
    for await (const part of parts) {
      // Reasoning comes before the answer (or between its parts): its held tail goes out first.
      if (part.type !== "reasoning-delta") {
        const thought = reasoning.flush();
        if (thought) yield { type: "reasoning-delta", text: thought };
      }
      switch (part.type) {
        case "text-delta":
          // Empty when all of it is held: the router's first-token and idle timers still see the
          // upstream's progress (the router drops empty deltas before they reach the caller).
          yield { type: "text-delta", text: text.push(part.text) };
          break;
        case "reasoning-delta":
          yield { type: "reasoning-delta", text: reasoning.push(part.text) };
          break;
        case "tool-call-delta": {
          let redactor = toolArguments.get(part.index);
          if (!redactor) {
            redactor = this.textStream();
            toolArguments.set(part.index, redactor);
          }
          const safe = redactor.push(part.argumentsDelta);
          yield {
            type: "tool-call-delta",
            index: part.index,
            ...(part.id === undefined ? {} : { id: redact(part.id) }),
            ...(part.name === undefined ? {} : { name: redact(part.name) }),
            argumentsDelta: safe,
          };
          break;
        }
        case "tool-call":
          yield* flushArguments(part.index);
          yield {
            ...part,
            id: redact(part.id),
            name: redact(part.name),
            arguments: redact(part.arguments),
          };
          break;
        case "logprobs":
          yield { type: "logprobs", logprobs: this.#logprobs(part.logprobs) };
          break;
        case "finish": {
          yield* flushAll();
          yield part.requestId === undefined ? part : { ...part, requestId: redact(part.requestId) };
          break;
        }
        default:
          yield part;
      }
    }
    // A stream that ends without `finish` is a failure (the router reports it as truncated): its
    // held tail, which may be the start of a key, is not delivered.
  }

  #logprobs(logprobs: readonly TokenLogprob[]): TokenLogprob[] {
    const { redact } = this;
    return logprobs.map((entry) => ({
      ...entry,
      token: redact(entry.token),
      topLogprobs: entry.topLogprobs.map((top) => ({ ...top, token: redact(top.token) })),
    }));
  }
}
