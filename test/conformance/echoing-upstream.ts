import { conformanceFixture as fixture } from "./conformance-fixture.js";

const key = fixture.canaryKey;

/** The answer's first two deltas, each carrying half of the key: no single delta holds it whole. */
const textEchoes: ReadonlyArray<[string, string]> = [
  ["Hello", `Hello ${key.slice(0, 13)}`],
  [", wörld", `${key.slice(13)}, wörld`],
];

/** The fixture's text as an adapter must deliver it from an echoing upstream. */
export const echoedText = fixture.text.replace("Hello, wörld", "Hello [REDACTED], wörld");

/** The fixture's tool: its name and arguments as an adapter must deliver them. */
export const echoedToolName = `${fixture.toolCall.name}_[REDACTED]`;
export const echoedToolArguments = fixture.toolCall.arguments.replace("Paris", "Pa[REDACTED]ris");

/** What an echoing upstream appends to every id, and what the adapter's requests must lose again. */
const idSuffix = `-${key}`;

/**
 * Rewrites a response body the way a server that echoes its caller's credential would: every
 * `id` and `request_id` (response, message, prediction, tool-call ids) gets the key appended,
 * every error `message`, `detail` and `title` starts with it, the answer's text carries it across
 * its first two deltas, and the tool's name and arguments carry it too.
 */
export function echoBody(body: string): string {
  let echoed = body.replace(/"(id|request_id)":(\s*)"([^"\\]*)"/g, `"$1":$2"$3${idSuffix}"`);
  echoed = echoed.replace(/"(message|detail|title)":(\s*)"/g, `"$1":$2"${key} `);
  for (const [plain, withKey] of textEchoes) echoed = echoed.split(plain).join(withKey);
  echoed = echoed.split(`"${fixture.toolCall.name}"`).join(`"${fixture.toolCall.name}_${key}"`);
  return echoed.split("Paris").join(`Pa${key}ris`);
}

/**
 * A fetch in front of the scenario's msw handlers that makes the upstream echo the key: in the
 * bodies (`echoBody`), in `x-request-id` and `request-id` headers (`req-<key>`) and in the status
 * line of every error. Requests lose the echoed suffix again, so an adapter that polls a
 * prediction by its (echoed) id still reaches the scenario's handlers. Bodies are re-sent in
 * 5-byte chunks, so an echo straddles network chunks as well as deltas.
 */
export function echoingFetch(): typeof globalThis.fetch {
  return async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const original = url.split(encodeURIComponent(idSuffix)).join("").split(idSuffix).join("");
    const response = await globalThis.fetch(
      input instanceof Request ? new Request(original, input) : original,
      init,
    );
    const headers = new Headers(response.headers);
    headers.set("x-request-id", `req-${key}`);
    headers.set("request-id", `req-${key}`);
    headers.delete("content-length");
    const statusText = response.ok ? response.statusText : `${response.statusText || "Error"} for ${key}`;
    if ([101, 204, 205, 304].includes(response.status)) {
      return new Response(null, { status: response.status, statusText, headers });
    }
    const bytes = new TextEncoder().encode(echoBody(await response.text()));
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let offset = 0; offset < bytes.length; offset += 5) {
          controller.enqueue(bytes.subarray(offset, offset + 5));
        }
        controller.close();
      },
    });
    return new Response(body, { status: response.status, statusText, headers });
  };
}
