import type { ProviderStreamPart } from "../core/index.js";
import { StreamRedactor } from "../core/stream-redactor.js";
import type { SecretRedactor } from "./secret-redactor.js";

/**
 * Redacts one attempt's parts, every configured secret, before they reach the caller or the
 * result: text, reasoning and tool-call argument deltas through StreamRedactor (a key split across
 * deltas is caught), ids, names, log-prob tokens and the request id whole. Held tails are delivered
 * before the call's `tool-call` part and before `finish`, reasoning's before the next part of
 * another kind; an attempt that fails never delivers them. The joined text deltas are therefore
 * exactly the result's text, the joined reasoning deltas its reasoning. Empty deltas (an adapter's
 * sign of progress while it holds a tail back) are dropped. Synchronous, so it adds no await per
 * part.
 */
export class PartRedactor {
  readonly #secrets: SecretRedactor;
  readonly #text: StreamRedactor;
  readonly #reasoning: StreamRedactor;
  readonly #toolArguments = new Map<number, StreamRedactor>();

  constructor(secrets: SecretRedactor) {
    this.#secrets = secrets;
    this.#text = new StreamRedactor(secrets);
    this.#reasoning = new StreamRedactor(secrets);
  }

  /** The parts to pass on for one part of the adapter's stream: none, it, or held tails and it. */
  *accept(part: ProviderStreamPart): Generator<ProviderStreamPart> {
    if (!this.#secrets.active) {
      if (!isEmptyDelta(part)) yield part;
      return;
    }
    const redact = (text: string) => this.#secrets.redact(text);
    // Reasoning comes before the answer (or between its parts): its held tail goes out first.
    if (part.type !== "reasoning-delta") {
      const thought = this.#reasoning.flush();
      if (thought) yield { type: "reasoning-delta", text: thought };
    }
    switch (part.type) {
      case "text-delta": {
        const safe = this.#text.push(part.text);
        if (safe) yield { type: "text-delta", text: safe };
        break;
      }
      case "reasoning-delta": {
        const safe = this.#reasoning.push(part.text);
        if (safe) yield { type: "reasoning-delta", text: safe };
        break;
      }
      case "tool-call-delta": {
        let held = this.#toolArguments.get(part.index);
        if (!held) {
          held = new StreamRedactor(this.#secrets);
          this.#toolArguments.set(part.index, held);
        }
        const safe = held.push(part.argumentsDelta);
        if (!safe && part.id === undefined && part.name === undefined) break;
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
        yield* this.#flushArguments(part.index);
        yield { ...part, id: redact(part.id), name: redact(part.name), arguments: redact(part.arguments) };
        break;
      case "logprobs":
        yield {
          type: "logprobs",
          logprobs: part.logprobs.map((entry) => ({
            ...entry,
            token: redact(entry.token),
            topLogprobs: entry.topLogprobs.map((top) => ({ ...top, token: redact(top.token) })),
          })),
        };
        break;
      case "finish": {
        const rest = this.#text.flush();
        if (rest) yield { type: "text-delta", text: rest };
        for (const index of [...this.#toolArguments.keys()].sort((a, b) => a - b)) {
          yield* this.#flushArguments(index);
        }
        yield part.requestId === undefined ? part : { ...part, requestId: redact(part.requestId) };
        break;
      }
      default:
        yield part;
    }
  }

  *#flushArguments(index: number): Generator<ProviderStreamPart> {
    const rest = this.#toolArguments.get(index)?.flush();
    this.#toolArguments.delete(index);
    if (rest) yield { type: "tool-call-delta", index, argumentsDelta: rest };
  }
}

/** A delta with nothing in it: it tells the attempt's timers that the upstream moves, nothing else. */
function isEmptyDelta(part: ProviderStreamPart): boolean {
  return (
    ((part.type === "text-delta" || part.type === "reasoning-delta") && part.text === "") ||
    (part.type === "tool-call-delta" &&
      part.argumentsDelta === "" &&
      part.id === undefined &&
      part.name === undefined)
  );
}
