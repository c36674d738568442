import { type HttpHandler, HttpResponse, http } from "msw";
import type { Upstream } from "./upstream.js";

type WireMessage = { role: string; content: string | null };

/** What llama-server's ChatML template renders for chat-completions messages, ready for the reply. */
export function renderChatML(messages: readonly WireMessage[]): string {
  const turns = messages.map(({ role, content }) => `<|im_start|>${role}\n${content ?? ""}<|im_end|>\n`);
  return `${turns.join("")}<|im_start|>assistant\n`;
}

/**
 * llama-server's `/apply-template` and `/tokenize` beside an upstream's `/v1`: the template is
 * ChatML, and `tokenize` turns a prompt into `tokens(prompt)` token ids — the tokenizer the
 * server also bills by, so its counts and its usage agree as a real server's do.
 */
export function llamaServerTokenizer(upstream: Upstream, tokens: (prompt: string) => number): HttpHandler[] {
  const root = upstream.baseURL.replace(/\/v1$/, "");
  return [
    http.post(`${root}/apply-template`, async ({ request }) => {
      const body = (await request.json()) as { messages: WireMessage[] };
      return HttpResponse.json({ prompt: renderChatML(body.messages) });
    }),
    http.post(`${root}/tokenize`, async ({ request }) => {
      const body = (await request.json()) as { content: string };
      return HttpResponse.json({ tokens: Array.from({ length: tokens(body.content) }, (_, index) => index) });
    }),
  ];
}
