import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureCompiledBuild } from "../support/ensure-compiled-build.js";

type Example = typeof import("../../examples/extending.js");
type Router = Awaited<ReturnType<Example["createExtendedRouter"]>>;

const yaml = readFileSync(new URL("../../examples/extending.yaml", import.meta.url), "utf8");
const received: { authorization: string | undefined; model: string }[] = [];

/** The in-house gateway the example's provider speaks to, on a loopback port. */
const server = createServer(async (request: IncomingMessage, response) => {
  let body = "";
  for await (const chunk of request) body += chunk;
  const { model } = JSON.parse(body) as { model: string };
  received.push({ authorization: request.headers.authorization, model });
  if (request.url !== "/generate") {
    response.writeHead(404).end();
    return;
  }
  response.writeHead(200, { "content-type": "application/json" });
  response.end(JSON.stringify({ output: `answer from ${model}`, tokens: { in: 12, out: 3 } }));
});

/** The example's own YAML, pointed at the test's server. */
function policyAt(endpoint: string, text = yaml): string {
  const file = join(mkdtempSync(join(tmpdir(), "switchyard-extending-")), "extending.yaml");
  writeFileSync(file, text.replace("http://127.0.0.1:8787", endpoint));
  return file;
}

let example: Example;
let router: Router;
let endpoint: string;

beforeAll(async () => {
  await ensureCompiledBuild();
  // The compiled example against the built package, as an application would run it.
  example = (await import(new URL("../../dist/examples/extending.js", import.meta.url).href)) as Example;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  router = await example.createExtendedRouter(policyAt(endpoint), { MYCORP_TOKEN: "tok-example-5e1f" });
}, 180_000);

afterAll(async () => {
  await router?.close();
  server.close();
});

describe("examples/extending.ts", () => {
  it("sends easy prompts to the weak tier and hard ones to the strong tier, by the learned scorer", async () => {
    const easy = await router.chat({ messages: [{ role: "user", content: "Hi!" }] });
    expect(easy.text).toBe("answer from small-1");
    const hard = await router.chat({
      messages: [
        {
          role: "user",
          content:
            "Why is this slow?\n```js\nfunction f(xs) { return xs.sort(); }\n```\nAnd how would you fix it? Is there a faster way?",
        },
      ],
    });
    expect(hard.text).toBe("answer from large-2");
    expect(received.at(-1)?.authorization).toBe("Bearer tok-example-5e1f");
  });

  it("spreads a round-robin route over its targets, never the preview model the filter removes", async () => {
    const served: string[] = [];
    for (let call = 0; call < 4; call++) {
      const result = await router.chat({ route: "spread", messages: [{ role: "user", content: "Hi!" }] });
      served.push(result.route.target ?? "none");
      expect(result.route.rejected).toEqual([
        { target: "corp-preview", policy: "no-preview-models", reason: "preview models are not used here" },
      ]);
    }
    expect(served).toEqual(["corp-small", "corp-large", "corp-small", "corp-large"]);
  });

  it("checks the custom provider's entries with file:line:col errors", async () => {
    const broken = policyAt("not-a-url");
    await expect(example.createExtendedRouter(broken, { MYCORP_TOKEN: "tok-example-5e1f" })).rejects.toThrow(
      /extending\.yaml:6:15 providers\.corp\.endpoint: /,
    );
  });
});
