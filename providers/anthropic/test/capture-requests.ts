import { type HttpResponseResolver, http } from "msw";

export interface CapturedRequest {
  body: Record<string, unknown>;
  headers: Headers;
}

/** An msw POST handler that records each request's JSON body and headers before answering. */
export function capturePost(url: string, answer: HttpResponseResolver) {
  const requests: CapturedRequest[] = [];
  const handler = http.post(url, async (info) => {
    requests.push({
      body: (await info.request.clone().json()) as Record<string, unknown>,
      headers: info.request.headers,
    });
    return answer(info);
  });
  return { handler, requests };
}
