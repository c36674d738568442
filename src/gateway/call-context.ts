import type { AsyncLocalStorage } from "node:async_hooks";
import type { ChatRequest, EmbedRequest } from "../core/index.js";
import type { Router } from "../router/router.js";
import type { ChatStream } from "../router/stream-outputs.js";
import { GatewayError } from "./api-error.js";
import type { GatewayMetrics } from "./gateway-metrics.js";
import type { GatewayState } from "./gateway-state.js";
import type { KeyAdmission } from "./key-limits.js";
import type { VirtualKey } from "./virtual-keys.js";

/** Where the router's `call-start` event leaves the id of the call started in its context. */
export interface CallIdSlot {
  callId?: string;
}

/** Output tokens a call without `max_tokens` reserves against its key's tpm (the router's default). */
const defaultMaxTokens = 1024;

/** One API request: its key, the policy state it started under, and what it reports. */
export class CallContext {
  constructor(
    readonly state: GatewayState,
    readonly key: VirtualKey | undefined,
    readonly metrics: GatewayMetrics,
    readonly callIds: AsyncLocalStorage<CallIdSlot>,
  ) {}

  /**
   * Starts a stream and learns its call id as soon as the router has one (its `call-start` event,
   * emitted in this call's async context), before the first part: a stream's headers carry it.
   */
  stream(router: Router, request: ChatRequest): { stream: ChatStream; slot: CallIdSlot } {
    const slot: CallIdSlot = {};
    return { stream: this.callIds.run(slot, () => router.stream(request)), slot };
  }

  /** 404 for a `model` that is no route, 403 for a route the key may not use. */
  checkRoute(model: string): void {
    if (!this.state.routes.includes(model)) {
      throw new GatewayError(
        404,
        "invalid_request_error",
        `the model "${model}" is not a route of this gateway`,
        {
          code: "model_not_found",
          param: "model",
        },
      );
    }
    if (this.key?.routes && !this.key.routes.has(model)) {
      throw new GatewayError(403, "permission_error", `this key may not use the route "${model}"`, {
        code: "route_not_allowed",
        param: "model",
      });
    }
  }

  /**
   * Admits the call under its key's limits. Its tpm reservation: the prompt's characters / 4
   * (an upper bound for common tokenizers on prose) plus its output limit; settled with real usage.
   */
  admit(request: ChatRequest | EmbedRequest): Promise<KeyAdmission> {
    const characters =
      "messages" in request
        ? request.messages.reduce((sum, message) => sum + message.content.length, 0)
        : [request.input].flat().reduce((sum, text) => sum + text.length, 0);
    const output = "messages" in request ? (request.maxTokens ?? defaultMaxTokens) : 0;
    return this.state.limits.admit(
      this.key,
      Math.ceil(characters / 4) + output,
      request.signal ?? new AbortController().signal,
    );
  }

  settled(result: {
    route: { route: string };
    usage: { inputTokens: number; outputTokens?: number };
    costUsd: number;
  }): void {
    this.metrics.usage(
      result.route.route,
      this.key?.name,
      result.usage.inputTokens,
      result.usage.outputTokens ?? 0,
      result.costUsd,
    );
  }
}
