import type { Context } from "hono";
import { GatewayError } from "./api-error.js";

/** The request's JSON body, or a 415 (not JSON) or 400 (malformed) `GatewayError`. */
export async function readJsonBody(context: Context): Promise<unknown> {
  const type = context.req.header("content-type") ?? "";
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new GatewayError(415, "invalid_request_error", "expected content-type: application/json", {
      code: "unsupported_media_type",
    });
  }
  const text = await context.req.text();
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const detail = error instanceof SyntaxError ? `: ${error.message.slice(0, 120)}` : "";
    throw new GatewayError(400, "invalid_request_error", `the body is not valid JSON${detail}`, {
      code: "malformed_json",
    });
  }
}
