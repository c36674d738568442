import { http } from "msw";
import type { ProviderShape } from "./provider-shapes.js";

/** One request a scripted upstream received. */
export interface UpstreamCall {
  body: Record<string, unknown>;
  stream: boolean;
  /** The request's signal: aborted when the router cancelled the call. */
  signal: AbortSignal;
  /** Clock time the request arrived (the fake clock in fault tests). */
  at: number;
}

/** What the upstream answers to one request. */
export type Reply = (call: UpstreamCall, shape: ProviderShape) => Response | Promise<Response>;

/**
 * A provider endpoint under the test's control: answers requests with a script of replies (the
 * last one repeats), counts every request and keeps its body and signal.
 */
export class Upstream {
  readonly calls: UpstreamCall[] = [];
  readonly baseURL: string;
  /** A canary credential: it must never come out of the router. */
  readonly apiKey: string;
  #replies: Reply[] = [];

  constructor(
    readonly id: string,
    readonly shape: ProviderShape,
    /** The key, or `{ apiKey }`. @default a canary named after the id */
    options: string | { apiKey?: string } = {},
  ) {
    this.baseURL = shape.baseURL(id);
    const apiKey = typeof options === "string" ? options : options.apiKey;
    // Starts with a character no scripted answer ends a delta with, so no delta is held back as a possible secret prefix.
    this.apiKey = apiKey ?? `Xq9-canary-not-a-real-key-${id}-5f2c9e7a1b3d4c6e`;
  }

  /** Sets the script: the n-th request gets the n-th reply, later ones the last reply. */
  replies(...replies: Reply[]): this {
    this.#replies = replies;
    return this;
  }

  get count(): number {
    return this.calls.length;
  }

  /** Requests the router cancelled before their response ended. */
  get cancelled(): number {
    return this.calls.filter((call) => call.signal.aborted).length;
  }

  handler() {
    return http.post(this.shape.endpoint(this.baseURL), async ({ request }) => {
      const body = (await request.json()) as Record<string, unknown>;
      const call: UpstreamCall = {
        body,
        stream: body.stream === true,
        signal: request.signal,
        at: Date.now(),
      };
      const reply = this.#replies[Math.min(this.calls.length, this.#replies.length - 1)];
      this.calls.push(call);
      if (!reply) throw new Error(`upstream ${this.id} has no scripted reply`);
      return reply(call, this.shape);
    });
  }
}
