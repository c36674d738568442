import { HttpResponse, http } from "msw";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { createRouter, type PolicyFile, type Router } from "../../index.js";
import { completion, wireUsage } from "../../providers/openai/fixtures/openai-wire.js";
import { createSwitchyard } from "../../src/ai-sdk/index.js";
import { jpeg, png } from "../images/image-bytes.js";
import { mswServer, useMswServer } from "../support/msw-server.js";

type Ai = typeof import("ai");
type LanguageModel = import("ai").LanguageModel;
type ModelMessage = import("ai").ModelMessage;

const nodeMajor = Number(process.versions.node.split(".")[0]);
const baseURL = "https://openai.ai-sdk-images.test/v1";
const photoURL = "https://images.example.test/cat.jpg";

useMswServer();

const policy: PolicyFile = {
  providers: { openai: { type: "openai", apiKey: "test-canary-not-a-real-key-openai-images", baseURL } },
  targets: {
    "gpt-4o": { provider: "openai", model: "gpt-4o", price: { input: 2.5, output: 10 }, maxAttempts: 1 },
  },
  routes: { default: { targets: ["gpt-4o"] } },
};

type Body = { messages: { role: string; content: unknown }[] };

/** OpenAI's chat completions, keeping each request body. */
function chatEndpoint(bodies: Body[]) {
  return http.post(`${baseURL}/chat/completions`, async ({ request }) => {
    bodies.push((await request.json()) as Body);
    return HttpResponse.json(
      completion(
        { message: { content: "a cat" }, finish_reason: "stop" },
        wireUsage({ inputTokens: 800, outputTokens: 3 }),
      ),
    );
  });
}

let router: Router | undefined;
afterEach(async () => {
  await router?.close();
  router = undefined;
});

function takesImages(name: string, load: () => Promise<Ai>, version: "v3" | "v4") {
  describe(name, { timeout: 30_000 }, () => {
    let ai: Ai;
    beforeAll(async () => {
      ai = await load();
    }, 30_000);

    const model = async () => {
      router = await createRouter({ policy });
      return createSwitchyard({ router, specificationVersion: version })(
        "default",
      ) as unknown as LanguageModel;
    };
    const ask = async (content: unknown[]) =>
      ai.generateText({
        model: await model(),
        messages: [{ role: "user", content } as ModelMessage],
        maxRetries: 0,
      });

    it("sends image and file parts (bytes, base64, URL) as the router's image parts", async () => {
      const bodies: Body[] = [];
      mswServer.use(chatEndpoint(bodies));
      const pngBytes = new Uint8Array(png(64, 32));
      const jpegBase64 = jpeg(40, 20).toString("base64");
      const result = await ask([
        { type: "text", text: "What is in these?" },
        { type: "image", image: pngBytes },
        { type: "file", data: jpegBase64, mediaType: "image/jpeg" },
        { type: "image", image: new URL(photoURL) },
      ]);
      expect(result.text).toBe("a cat");
      // `ai`'s own user-agent header is no setting of the caller's: nothing to warn about.
      expect(result.warnings).toEqual([]);
      expect(bodies[0]?.messages).toEqual([
        {
          role: "user",
          content: [
            { type: "text", text: "What is in these?" },
            {
              type: "image_url",
              image_url: { url: `data:image/png;base64,${Buffer.from(pngBytes).toString("base64")}` },
            },
            { type: "image_url", image_url: { url: `data:image/jpeg;base64,${jpegBase64}` } },
            { type: "image_url", image_url: { url: photoURL } },
          ],
        },
      ]);
    });

    it("reads the format of an image given as image/* from its bytes", async () => {
      const bodies: Body[] = [];
      mswServer.use(chatEndpoint(bodies));
      const data = png(8, 8).toString("base64");
      await ask([{ type: "file", data, mediaType: "image/*" }]);
      expect(bodies[0]?.messages[0]?.content).toEqual([
        { type: "image_url", image_url: { url: `data:image/png;base64,${data}` } },
      ]);
    });

    it("refuses a PDF file part and an SVG image with UnsupportedFunctionalityError naming the part", async () => {
      const pdf = await ask([
        { type: "text", text: "Summarize." },
        { type: "file", data: new Uint8Array([37, 80, 68, 70]), mediaType: "application/pdf" },
      ]).catch((error: unknown) => error);
      expect(ai.UnsupportedFunctionalityError.isInstance(pdf)).toBe(true);
      expect((pdf as Error).message).toMatch(/media type application\/pdf \(prompt\[0\]\.content\[1\]/);
      const svg = await ask([
        { type: "file", data: Buffer.from("<svg/>").toString("base64"), mediaType: "image/svg+xml" },
      ]).catch((error: unknown) => error);
      expect(ai.UnsupportedFunctionalityError.isInstance(svg)).toBe(true);
      expect((svg as Error).message).toMatch(
        /image\/svg\+xml, a format no provider takes \(prompt\[0\]\.content\[0\]/,
      );
    });
  });
}

takesImages("image parts with ai 6 (specification v3)", () => import("ai"), "v3");
describe.skipIf(nodeMajor < 22)("image parts with ai 7 (Node ≥ 22)", () => {
  takesImages("with ai 7 and a v3 model", () => import("ai7") as unknown as Promise<Ai>, "v3");
  takesImages("with ai 7 and a v4 model", () => import("ai7") as unknown as Promise<Ai>, "v4");
});
