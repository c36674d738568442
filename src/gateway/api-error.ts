import {
  AbortedError,
  AllTargetsFailedError,
  BudgetExceededError,
  DeadlineExceededError,
  InvalidRequestError,
  NoEligibleTargetError,
  ProviderCallError,
  QueueFullError,
  RouterClosedError,
  SwitchyardError,
} from "../core/index.js";

/**
 * An HTTP answer the gateway decided on itself (auth, limits, unknown route, body); its message
 * is written for the caller and holds no secret.
 */
export class GatewayError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly options: { code?: string; param?: string; retryAfterSeconds?: number } = {},
  ) {
    super(message);
    this.name = "GatewayError";
  }
}

/** What an error becomes on the wire, whatever the API's shape. */
export interface ApiError {
  status: number;
  type: string;
  code: string | null;
  param: string | null;
  message: string;
  retryAfterSeconds?: number;
  callId?: string;
}

/** Filters that reject a target for what the request asks (so asking again will not help). */
const requestFilters = new Set(["capabilities", "privacy"]);

const providerStatus: Partial<Record<string, number>> = {
  bad_request: 400,
  context_length: 400,
  content_filter: 400,
  not_found: 404,
  rate_limit: 429,
  quota: 429,
  overloaded: 503,
  timeout: 504,
};

function secondsUntilUtcMidnight(now = Date.now()): number {
  const midnight = new Date(now);
  midnight.setUTCHours(24, 0, 0, 0);
  return Math.max(1, Math.ceil((midnight.getTime() - now) / 1000));
}

/** The last provider failure of a call whose every target failed, for its status. */
function lastProviderError(error: AllTargetsFailedError): ProviderCallError | undefined {
  for (let index = error.errors.length - 1; index >= 0; index--) {
    const cause = error.errors[index];
    if (ProviderCallError.isInstance(cause)) return cause;
  }
  return undefined;
}

/**
 * The status and body fields of a failed call. Unknown errors (bugs) say only "internal error":
 * no message, stack or field of theirs reaches the caller.
 */
export function toApiError(error: unknown): ApiError {
  if (error instanceof GatewayError) {
    return {
      status: error.status,
      type: error.type,
      code: error.options.code ?? null,
      param: error.options.param ?? null,
      message: error.message,
      ...(error.options.retryAfterSeconds !== undefined
        ? { retryAfterSeconds: error.options.retryAfterSeconds }
        : {}),
    };
  }
  if (!SwitchyardError.isInstance(error)) {
    return {
      status: 500,
      type: "server_error",
      code: "internal_error",
      param: null,
      message: "internal error",
    };
  }
  const base = { message: error.message, ...(error.callId ? { callId: error.callId } : {}) };
  if (InvalidRequestError.isInstance(error)) {
    return {
      ...base,
      status: 400,
      type: "invalid_request_error",
      code: "invalid_request",
      param: error.field,
    };
  }
  if (NoEligibleTargetError.isInstance(error)) {
    const byRequest =
      error.rejected.length > 0 && error.rejected.every((entry) => requestFilters.has(entry.policy));
    return byRequest
      ? { ...base, status: 400, type: "invalid_request_error", code: "no_eligible_target", param: null }
      : {
          ...base,
          status: 503,
          type: "service_unavailable",
          code: "no_eligible_target",
          param: null,
          retryAfterSeconds: 1,
        };
  }
  if (BudgetExceededError.isInstance(error)) {
    // A daily budget refills at the next UTC day; a per-call cap never admits this call.
    return error.budget === "call"
      ? { ...base, status: 400, type: "invalid_request_error", code: "budget_exceeded", param: "budget" }
      : {
          ...base,
          status: 429,
          type: "insufficient_quota",
          code: "budget_exceeded",
          param: null,
          retryAfterSeconds: secondsUntilUtcMidnight(),
        };
  }
  if (QueueFullError.isInstance(error)) {
    return {
      ...base,
      status: 503,
      type: "service_unavailable",
      code: "queue_full",
      param: null,
      retryAfterSeconds: 1,
    };
  }
  if (DeadlineExceededError.isInstance(error)) {
    return { ...base, status: 504, type: "timeout", code: "deadline_exceeded", param: null };
  }
  if (RouterClosedError.isInstance(error)) {
    return {
      ...base,
      status: 503,
      type: "service_unavailable",
      code: "shutting_down",
      param: null,
      retryAfterSeconds: 1,
    };
  }
  if (AbortedError.isInstance(error)) {
    return { ...base, status: 499, type: "aborted", code: "client_closed_request", param: null };
  }
  const provider = AllTargetsFailedError.isInstance(error)
    ? lastProviderError(error)
    : ProviderCallError.isInstance(error)
      ? error
      : undefined;
  const status = (provider && providerStatus[provider.kind]) ?? 502;
  const retryAfterMs = provider?.retryAfterMs;
  return {
    ...base,
    status,
    type: status === 400 ? "invalid_request_error" : status === 429 ? "rate_limit_error" : "upstream_error",
    code: provider?.kind ?? "upstream_failed",
    param: null,
    ...(status === 429 || status === 503
      ? { retryAfterSeconds: Math.max(1, Math.ceil((retryAfterMs ?? 1000) / 1000)) }
      : {}),
  };
}

/** OpenAI's error body: `{ error: { message, type, param, code } }`. */
export function openaiErrorBody(error: ApiError): Record<string, unknown> {
  return {
    error: {
      message: error.message,
      type: error.type,
      param: error.param,
      code: error.code,
      ...(error.callId ? { call_id: error.callId } : {}),
    },
  };
}

export function errorHeaders(error: ApiError): Record<string, string> {
  return {
    ...(error.retryAfterSeconds !== undefined ? { "retry-after": String(error.retryAfterSeconds) } : {}),
    ...(error.callId ? { "x-switchyard-call-id": error.callId } : {}),
  };
}
