import { type ChatRequest, type ChatResult, type Provider, SwitchyardError } from "../core/index.js";
import { type ChatStream, PartChannel } from "./chat-stream.js";
import { executeCall } from "./execute-call.js";
import { linkSignals } from "./link-signals.js";
import { planRoute, type RoutePlan } from "./plan-route.js";
import type { RoutingContext } from "./routing-context.js";
import { validateCall } from "./validate-request.js";

/** Swaps the routing context on reload; in-flight calls keep the context they started with. */
export interface RouterBackend {
  context(): RoutingContext;
  reload(): Promise<void>;
  providers(): Iterable<Provider>;
  close(): Promise<void>;
}

/** Routes every call through the policy. Create it with `createRouter`. */
export class Router {
  readonly #host: RouterBackend;
  #closed = false;

  constructor(host: RouterBackend) {
    this.#host = host;
  }

  /** Sends one request and resolves with the answer and its route trace. */
  async chat(request: ChatRequest): Promise<ChatResult> {
    this.#assertOpen();
    const context = this.#host.context();
    const { request: valid } = await validateCall(context, request);
    return executeCall(context, valid, false, async () => {});
  }

  /**
   * Streams one request: text and tool-call parts as they arrive, then `finish` or `error`. An
   * invalid request ends the stream with its `error` part (and rejects `result`), like any failure.
   */
  stream(request: ChatRequest): ChatStream {
    this.#assertOpen();
    const context = this.#host.context();
    const reader = new AbortController();
    let channel: PartChannel | undefined;
    const result = validateCall(context, request).then(({ request: valid }) => {
      const link = linkSignals([valid.signal, reader.signal]);
      return executeCall(context, { ...valid, signal: link.signal }, true, (part) =>
        channel ? channel.push(part) : Promise.resolve(),
      ).finally(() => link.dispose());
    });
    result.catch(() => {});
    channel = new PartChannel(result, () => reader.abort(new Error("the stream's reader stopped reading")));
    const read = channel;
    return {
      result,
      [Symbol.asyncIterator]: () => read.read(),
      textStream: {
        async *[Symbol.asyncIterator]() {
          for await (const part of read.read()) {
            if (part.type === "text-delta") yield part.text;
            if (part.type === "error") throw part.error;
          }
        },
      },
      cancel: (reason?: unknown) => reader.abort(reason ?? new Error("cancelled")),
    };
  }

  /**
   * A dry run: the candidates, every rejection with its policy and reason, and the ranking. The
   * request is validated exactly as `chat()` validates it, so what explain accepts chat accepts.
   */
  async explain(
    request: ChatRequest,
    options: { streaming?: boolean } = {},
  ): Promise<RoutePlan & { route: string }> {
    const context = this.#host.context();
    const { request: valid, route } = await validateCall(context, request);
    const plan = await planRoute(context, valid, route, options.streaming ?? false);
    return { ...plan, route: route.name };
  }

  /** Re-reads the policy file; a bad edit keeps the last good policy and rejects with its error. */
  reload(): Promise<void> {
    return this.#host.reload();
  }

  /** Live load of each provider that reports it (the local engine). */
  metrics(): Record<string, ReturnType<NonNullable<Provider["metrics"]>>> {
    const entries: Record<string, ReturnType<NonNullable<Provider["metrics"]>>> = {};
    for (const provider of this.#host.providers()) entries[provider.id] = provider.metrics?.();
    return entries;
  }

  /** Frees engines and connections; later calls are rejected. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#host.close();
  }

  #assertOpen(): void {
    if (this.#closed) throw new SwitchyardError("This router is closed");
  }
}
