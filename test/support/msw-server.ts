import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll } from "vitest";

/**
 * The one msw server of a test file. Vitest isolates each file in its own module graph, so a
 * module-level server is per file; sharing it lets an adapter's own tests and the conformance
 * suite it runs use the same interception without two servers patching `fetch` at once.
 */
export const mswServer = setupServer();

let users = 0;

/**
 * msw tees every mocked response to hand a clone to `response:mocked` listeners, and nobody reads
 * that clone. By the WHATWG tee rules, cancelling the consumer's branch then waits until the clone
 * is cancelled too — forever — so an adapter that stops reading a body mid-way (malformed JSON)
 * would hang in tests although it would not against a real server. Cancelling the clone at once
 * restores real-server behaviour.
 */
function cancelUnreadClone({ response }: { response: Response }): void {
  response.body?.cancel().catch(() => {});
}

/**
 * Registers the lifecycle hooks of `mswServer` in the current describe block: listen with
 * `onUnhandledRequest: "error"` (a request no handler expects fails the test), drop per-test
 * handlers after each test, close after the last user is done. Safe to call from several blocks.
 */
export function useMswServer(): typeof mswServer {
  beforeAll(() => {
    if (users === 0) {
      mswServer.listen({ onUnhandledRequest: "error" });
      mswServer.events.on("response:mocked", cancelUnreadClone);
    }
    users += 1;
  });
  afterEach(() => {
    mswServer.resetHandlers();
  });
  afterAll(() => {
    users -= 1;
    if (users === 0) {
      mswServer.events.removeListener("response:mocked", cancelUnreadClone);
      mswServer.close();
    }
  });
  return mswServer;
}
