import type { RouteTrace } from "../route-trace.js";
import type { ErrorKind } from "./error-kind.js";
import { errorMarker, SwitchyardError } from "./switchyard-error.js";

const marker = errorMarker("ProviderCallError");

export interface ProviderCallErrorOptions {
  kind: ErrorKind;
  message: string;
  provider: string;
  model: string;
  target?: string;
  status?: number;
  retryable: boolean;
  retryAfterMs?: number;
  requestId?: string;
  /** Response body excerpt, secrets redacted. */
  body?: string;
  /** The request reached the provider and may have been charged. */
  possiblyBilled?: boolean;
  cause?: unknown;
}

/** A provider call failed. Messages name the operation and target; the original is in `cause`. */
export class ProviderCallError extends SwitchyardError {
  readonly [marker] = true;
  readonly kind: ErrorKind;
  readonly provider: string;
  readonly model: string;
  target: string | undefined;
  readonly status: number | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly requestId: string | undefined;
  readonly body: string | undefined;
  readonly possiblyBilled: boolean;
  /** Set by the router when this error ends a call (e.g. a refusal on a route without fallback). */
  trace: RouteTrace | undefined;

  constructor(options: ProviderCallErrorOptions) {
    super(options.message, { cause: options.cause });
    this.name = "ProviderCallError";
    this.kind = options.kind;
    this.provider = options.provider;
    this.model = options.model;
    this.target = options.target;
    this.status = options.status;
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs;
    this.requestId = options.requestId;
    this.body = options.body;
    this.possiblyBilled = options.possiblyBilled ?? false;
  }

  static override isInstance(error: unknown): error is ProviderCallError {
    return typeof error === "object" && error !== null && marker in error;
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      kind: this.kind,
      provider: this.provider,
      model: this.model,
      target: this.target,
      status: this.status,
      retryable: this.retryable,
      retryAfterMs: this.retryAfterMs,
      requestId: this.requestId,
      ...(this.trace ? { route: this.trace } : {}),
    };
  }
}
