import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import {
  BudgetExceededError,
  type ChatRequest,
  createRouter,
  InvalidRequestError,
  NoEligibleTargetError,
  type PolicyFile,
} from "../../index.js";
import { wireUsage as anthropicUsage, messageBody } from "../../providers/anthropic/test/anthropic-wire.js";
import { completion, wireUsage } from "../../providers/openai/fixtures/openai-wire.js";
import { useMswServer } from "../support/msw-server.js";
import { jpeg, png } from "./image-bytes.js";

const server = useMswServer();
const urls = {
  openai: "https://openai.images.test/v1/chat/completions",
  anthropic: "https://anthropic.images.test/v1/messages",
  vllm: "https://vllm.images.test/v1/chat/completions",
  groq: "https://groq.images.test/v1/chat/completions",
} as const;
type Upstream = keyof typeof urls;

const policy: PolicyFile = {
  providers: {
    openai: {
      type: "openai",
      apiKey: "test-canary-not-a-real-key-openai",
      baseURL: "https://openai.images.test/v1",
    },
    anthropic: {
      type: "anthropic",
      apiKey: "test-canary-not-a-real-key-anthropic",
      baseURL: "https://anthropic.images.test",
    },
    vllm: { type: "openai-compatible", host: "vllm", baseURL: "https://vllm.images.test/v1" },
    groq: { type: "openai-compatible", host: "groq", baseURL: "https://groq.images.test/v1" },
    replicate: { type: "replicate", apiToken: "test-canary-not-a-real-key-replicate" },
  },
  targets: {
    "gpt-4o": { provider: "openai", model: "gpt-4o", price: { input: 2.5, output: 10 }, maxAttempts: 1 },
    "gpt-35": {
      provider: "openai",
      model: "gpt-3.5-turbo",
      price: { input: 0.5, output: 1.5 },
      maxAttempts: 1,
    },
    claude: {
      provider: "anthropic",
      model: "claude-sonnet-4-5",
      price: { input: 3, output: 15 },
      maxAttempts: 1,
    },
    "qwen-vl": {
      provider: "vllm",
      model: "Qwen/Qwen2.5-VL-7B-Instruct",
      price: { input: 0.2, output: 0.2 },
      vision: true,
      maxAttempts: 1,
    },
    "llama-text": {
      provider: "groq",
      model: "llama-3.3-70b-versatile",
      price: { input: 0.1, output: 0.1 },
      maxAttempts: 1,
    },
    llama: {
      provider: "replicate",
      model: "meta/meta-llama-3-8b-instruct",
      price: { input: 0.05, output: 0.25 },
    },
  },
  routes: {
    default: { strategy: "ordered", targets: ["gpt-4o"] },
    "claude-first": { strategy: "ordered", targets: ["claude", "gpt-4o"] },
    claude: { strategy: "ordered", targets: ["claude"] },
    qwen: { strategy: "ordered", targets: ["qwen-vl"] },
    mixed: { strategy: "ordered", targets: ["llama-text", "llama", "gpt-35", "claude"] },
    "text-only": { strategy: "ordered", targets: ["llama-text", "llama", "gpt-35"] },
  },
};

const pngData = png(1024, 1024).toString("base64");
const jpegData = jpeg(800, 600).toString("base64");
const photoURL = "https://images.example.test/cat.jpg";

/** Answers every upstream and records each request body, by upstream. */
function upstreams(): Record<Upstream, unknown[]> {
  const bodies: Record<Upstream, unknown[]> = { openai: [], anthropic: [], vllm: [], groq: [] };
  const chat = () =>
    HttpResponse.json(
      completion(
        { message: { content: "a cat" }, finish_reason: "stop" },
        wireUsage({ inputTokens: 800, outputTokens: 3 }),
      ),
    );
  server.use(
    ...(["openai", "vllm", "groq"] as const).map((name) =>
      http.post(urls[name], async ({ request }) => {
        bodies[name].push(await request.json());
        return chat();
      }),
    ),
    http.post(urls.anthropic, async ({ request }) => {
      bodies.anthropic.push(await request.json());
      return HttpResponse.json(
        messageBody({
          content: [{ type: "text", text: "a cat" }],
          stopReason: "end_turn",
          usage: anthropicUsage({ inputTokens: 800, outputTokens: 3 }),
        }),
      );
    }),
  );
  return bodies;
}

async function withRouter<T>(
  use: (router: Awaited<ReturnType<typeof createRouter>>) => Promise<T>,
): Promise<T> {
  const router = await createRouter({ policy, random: () => 0 });
  try {
    return await use(router);
  } finally {
    await router.close();
  }
}

const imageMessages = (route: string): ChatRequest => ({
  route,
  maxTokens: 16,
  messages: [
    { role: "system", content: "Answer in two words." },
    {
      role: "user",
      content: [
        { type: "text", text: "What are these?" },
        { type: "image", image: { data: pngData, mediaType: "image/png" }, detail: "high" },
        { type: "image", image: `data:image/jpeg;base64,${jpegData}` },
        { type: "image", image: photoURL, detail: "low" },
      ],
    },
  ],
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error,
  );
}

describe("image parts on the wire", () => {
  // The first router of the file loads the tokenizer.
  it("sends OpenAI image_url parts: inline images as data URLs, URLs as given, detail kept", {
    timeout: 30_000,
  }, async () => {
    const bodies = upstreams();
    const result = await withRouter((router) => router.chat(imageMessages("default")));
    expect(result.text).toBe("a cat");
    expect(bodies.openai).toHaveLength(1);
    expect((bodies.openai[0] as { messages: unknown[] }).messages).toEqual([
      { role: "system", content: "Answer in two words." },
      {
        role: "user",
        content: [
          { type: "text", text: "What are these?" },
          { type: "image_url", image_url: { url: `data:image/png;base64,${pngData}`, detail: "high" } },
          { type: "image_url", image_url: { url: `data:image/jpeg;base64,${jpegData}` } },
          { type: "image_url", image_url: { url: photoURL, detail: "low" } },
        ],
      },
    ]);
  });

  it("sends Anthropic image blocks with base64 and url sources", async () => {
    const bodies = upstreams();
    await withRouter((router) => router.chat(imageMessages("claude")));
    const body = bodies.anthropic[0] as { system: unknown; messages: unknown[] };
    expect(body.system).toBe("Answer in two words.");
    expect(body.messages).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "What are these?" },
          { type: "image", source: { type: "base64", media_type: "image/png", data: pngData } },
          { type: "image", source: { type: "base64", media_type: "image/jpeg", data: jpegData } },
          { type: "image", source: { type: "url", url: photoURL } },
        ],
      },
    ]);
  });

  it("sends an OpenAI-compatible host declared vision-capable the same parts as OpenAI", async () => {
    const bodies = upstreams();
    await withRouter((router) => router.chat(imageMessages("qwen")));
    const [, user] = (bodies.vllm[0] as { messages: { content: unknown[] }[] }).messages;
    expect(user?.content).toEqual([
      { type: "text", text: "What are these?" },
      { type: "image_url", image_url: { url: `data:image/png;base64,${pngData}`, detail: "high" } },
      { type: "image_url", image_url: { url: `data:image/jpeg;base64,${jpegData}` } },
      { type: "image_url", image_url: { url: photoURL, detail: "low" } },
    ]);
  });

  it("keeps plain string content on the wire as a string", async () => {
    const bodies = upstreams();
    await withRouter((router) => router.chat({ messages: [{ role: "user", content: "Hi" }], maxTokens: 4 }));
    expect((bodies.openai[0] as { messages: unknown[] }).messages).toEqual([{ role: "user", content: "Hi" }]);
  });
});

describe("the vision capability", () => {
  it("skips targets that take no images and answers from one that does, saying why each was skipped", async () => {
    const bodies = upstreams();
    const result = await withRouter((router) => router.chat(imageMessages("mixed")));
    expect(result.route.target).toBe("claude");
    expect(bodies.groq).toHaveLength(0);
    expect(bodies.openai).toHaveLength(0);
    expect(bodies.anthropic).toHaveLength(1);
    const reasons = Object.fromEntries(result.route.rejected.map(({ target, reason }) => [target, reason]));
    expect(reasons).toEqual({
      "llama-text": "does not take images",
      llama: "does not take images",
      "gpt-35": "does not take images",
    });
  });

  it("routes a text request to the first target as before", async () => {
    upstreams();
    const result = await withRouter((router) =>
      router.chat({ route: "mixed", messages: [{ role: "user", content: "Hi" }], maxTokens: 4 }),
    );
    expect(result.route.target).toBe("llama-text");
  });

  it("fails with NoEligibleTargetError, never dropping the images, when no target takes them", async () => {
    const bodies = upstreams();
    const error = await withRouter((router) => rejection(router.chat(imageMessages("text-only"))));
    expect(NoEligibleTargetError.isInstance(error), String(error)).toBe(true);
    expect((error as NoEligibleTargetError).rejected.map(({ reason }) => reason)).toEqual([
      "does not take images",
      "does not take images",
      "does not take images",
    ]);
    expect(Object.values(bodies).flat()).toHaveLength(0);
  });

  it("keeps an image over Anthropic's 5 MB limit off Claude and sends it to a target that takes it", async () => {
    const bodies = upstreams();
    const data = Buffer.concat([png(3000, 3000), Buffer.alloc(6_000_000)]).toString("base64");
    const result = await withRouter((router) =>
      router.chat({
        route: "claude-first",
        maxTokens: 4,
        messages: [{ role: "user", content: [{ type: "image", image: { data, mediaType: "image/png" } }] }],
      }),
    );
    expect(result.route.target).toBe("gpt-4o");
    expect(bodies.anthropic).toHaveLength(0);
    expect(result.route.rejected).toEqual([
      expect.objectContaining({
        target: "claude",
        reason: "takes images of at most 5242880 bytes, one here has 6000033 bytes",
      }),
    ]);
  });

  it("shows the rejection in explain()", async () => {
    const plan = await withRouter((router) => router.explain(imageMessages("mixed")));
    expect(plan.ranked.map(({ target }) => target.id)).toEqual(["claude"]);
    expect(plan.rejected.map(({ target, policy }) => `${target}:${policy}`)).toEqual([
      "llama-text:capabilities",
      "llama:capabilities",
      "gpt-35:capabilities",
    ]);
  });
});

describe("image estimates", () => {
  const oneImage = (image: unknown, route = "default"): ChatRequest =>
    ({
      route,
      maxTokens: 1,
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "?" },
            { type: "image", image },
          ],
        },
      ],
    }) as ChatRequest;

  it("prices an inline image by its size under each provider's rule, and a URL by the provider's largest count", async () => {
    const estimates = await withRouter(async (router) => {
      const cost = async (image: unknown, route: string) =>
        (await router.explain(oneImage(image, route))).ranked[0]?.estimatedCostUsd ?? Number.NaN;
      const text = async (route: string) =>
        (
          await router.explain({
            route,
            maxTokens: 1,
            messages: [{ role: "user", content: [{ type: "text", text: "?" }] }],
          })
        ).ranked[0]?.estimatedCostUsd ?? Number.NaN;
      return {
        gpt4o: {
          png: await cost({ data: pngData, mediaType: "image/png" }, "default"),
          url: await cost(photoURL, "default"),
          text: await text("default"),
        },
        claude: {
          png: await cost({ data: pngData, mediaType: "image/png" }, "claude"),
          url: await cost(photoURL, "claude"),
          text: await text("claude"),
        },
      };
    });
    // 1024×1024 on GPT-4o: 85 + 4 × 170 = 765 tokens at $2.50/M; unknown size: 85 + 8 × 170.
    expect(estimates.gpt4o.png - estimates.gpt4o.text).toBeCloseTo((765 * 2.5) / 1e6, 10);
    expect(estimates.gpt4o.url - estimates.gpt4o.text).toBeCloseTo((1445 * 2.5) / 1e6, 10);
    // On Claude: max(⌈1024/28⌉², 1024²/750) = 1399 tokens at $3/M; unknown size: the 1,640 cap.
    expect(estimates.claude.png - estimates.claude.text).toBeCloseTo((1399 * 3) / 1e6, 10);
    expect(estimates.claude.url - estimates.claude.text).toBeCloseTo((1640 * 3) / 1e6, 10);
  });

  it("does not count a large image's base64 as prompt text", async () => {
    const big = Buffer.concat([png(512, 512), Buffer.alloc(6_000_000)]).toString("base64");
    const plan = await withRouter((router) =>
      router.explain(oneImage({ data: big, mediaType: "image/png" })),
    );
    expect(plan.estimate.promptTokens).toBeLessThan(1000);
    expect(plan.ranked.map(({ target }) => target.id)).toEqual(["gpt-4o"]);
  });

  it("stops before sending when the image's bound would pass the call's budget", async () => {
    const bodies = upstreams();
    // Text alone costs well under $0.0001; the URL image's bound (1,445 tokens) costs $0.0036.
    const request = { ...oneImage(photoURL), budget: { maxCostUsd: 0.002 } };
    const error = await withRouter((router) => rejection(router.chat(request)));
    expect(BudgetExceededError.isInstance(error), String(error)).toBe(true);
    expect(Object.values(bodies).flat()).toHaveLength(0);
  });
});

describe("bad images", () => {
  const withPart = (part: unknown): ChatRequest =>
    ({
      maxTokens: 4,
      messages: [
        { role: "user", content: "first" },
        { role: "assistant", content: "ok" },
        { role: "user", content: [{ type: "text", text: "look" }, part] },
      ],
    }) as ChatRequest;
  const inline = (data: string, mediaType: string) => ({ type: "image", image: { data, mediaType } });
  const cases: [string, unknown, string, RegExp][] = [
    [
      "an unsupported media type",
      inline(pngData, "image/svg+xml"),
      "messages[2].content[1].image.mediaType",
      /unsupported image type "image\/svg\+xml"/,
    ],
    [
      "a misspelled media type",
      inline(jpegData, "image/jpg"),
      "messages[2].content[1].image.mediaType",
      /did you mean `image\/jpeg`/,
    ],
    [
      "data of another type than declared",
      inline(jpegData, "image/png"),
      "messages[2].content[1].image.mediaType",
      /says image\/png, but the data is a JPEG image/,
    ],
    [
      "data that is no image",
      inline(Buffer.from("%PDF-1.7 ...").toString("base64"), "image/png"),
      "messages[2].content[1].image.mediaType",
      /not a PNG, JPEG, GIF or WebP/,
    ],
    [
      "malformed base64",
      inline(`${pngData.slice(0, 40)}*${pngData.slice(41)}`, "image/png"),
      "messages[2].content[1].image.data",
      /U\+002A at index 40 is not a base64 character/,
    ],
    [
      "base64 of an impossible length",
      inline("iVBORw0KG", "image/png"),
      "messages[2].content[1].image.data",
      /cannot end a base64 text/,
    ],
    ["empty data", inline("", "image/png"), "messages[2].content[1].image.data", /holds no image data/],
    [
      "a data: URL prefix inside data",
      inline(`data:image/png;base64,${pngData}`, "image/png"),
      "messages[2].content[1].image.data",
      /plain base64/,
    ],
    [
      "a data: URL that is not base64",
      { type: "image", image: "data:image/png,rawbytes" },
      "messages[2].content[1].image",
      /without ";base64"/,
    ],
    [
      "a data: URL of an unsupported type",
      { type: "image", image: `data:image/bmp;base64,${pngData}` },
      "messages[2].content[1].image",
      /unsupported image type "image\/bmp"/,
    ],
    [
      "a file: URL",
      { type: "image", image: "file:///etc/passwd" },
      "messages[2].content[1].image",
      /got a file: URL/,
    ],
    [
      "a URL with credentials",
      { type: "image", image: "https://user:pw@images.example.test/a.png" },
      "messages[2].content[1].image",
      /credentials/,
    ],
    [
      "a relative path",
      { type: "image", image: "./cat.png" },
      "messages[2].content[1].image",
      /must be an http\(s\) URL/,
    ],
    [
      "an unknown detail",
      { type: "image", image: photoURL, detail: "ultra" },
      "messages[2].content[1].detail",
      /must be one of "auto", "low", "high"/,
    ],
    [
      "a misspelled field",
      { type: "image", image: photoURL, detial: "low" },
      "messages[2].content[1].detial",
      /did you mean `detail`/,
    ],
    [
      "an unknown part type",
      { type: "audio", audio: "x" },
      "messages[2].content[1].type",
      /must be one of "text", "image"/,
    ],
  ];

  for (const [what, part, field, message] of cases) {
    it(`refuses ${what} before any provider is called, naming ${field}`, async () => {
      const bodies = upstreams();
      const error = await withRouter((router) => rejection(router.chat(withPart(part))));
      expect(InvalidRequestError.isInstance(error), String(error)).toBe(true);
      expect((error as InvalidRequestError).field).toBe(field);
      expect((error as Error).message).toMatch(message);
      expect(Object.values(bodies).flat()).toHaveLength(0);
    });
  }

  it("refuses an image over 20 MiB from its length alone, before scanning it", async () => {
    const data = "A".repeat(28_000_000);
    const error = await withRouter((router) => rejection(router.chat(withPart(inline(data, "image/png")))));
    expect((error as InvalidRequestError).field).toBe("messages[2].content[1].image.data");
    expect((error as Error).message).toMatch(/image of 21000000 bytes; the limit is 20971520 bytes/);
  });

  it("refuses the 101st image of a request", async () => {
    const image = { type: "image", image: photoURL };
    const request = {
      messages: [
        { role: "user", content: Array.from({ length: 60 }, () => image) },
        { role: "user", content: Array.from({ length: 41 }, () => image) },
      ],
    } as ChatRequest;
    const error = await withRouter((router) => rejection(router.chat(request)));
    expect((error as InvalidRequestError).field).toBe("messages[1].content[40]");
    expect((error as Error).message).toMatch(/at most 100/);
  });

  it("refuses image parts outside user messages and an empty part list", async () => {
    const errors = await withRouter(async (router) => [
      await rejection(
        router.chat({
          messages: [
            { role: "system", content: [{ type: "text", text: "x" }] },
            { role: "user", content: "hi" },
          ],
        } as unknown as ChatRequest),
      ),
      await rejection(router.chat({ messages: [{ role: "user", content: [] }] })),
      await rejection(router.chat({ messages: [{ role: "user", content: [{ type: "text", text: "  " }] }] })),
    ]);
    expect(errors.map((error) => (error as InvalidRequestError).field)).toEqual([
      "messages[0].content",
      "messages[0].content",
      "messages[0].content",
    ]);
    expect((errors[0] as Error).message).toMatch(/only user messages take a list of parts/);
  });

  it("gives the event loop back while it checks a 20 MB inline image", { timeout: 30_000 }, async () => {
    const data = Buffer.concat([png(4000, 3000), Buffer.alloc(15_000_000)]).toString("base64");
    await withRouter(async (router) => {
      let turns = 0;
      let done = false;
      const turn = () => {
        turns++;
        if (!done) setImmediate(turn);
      };
      setImmediate(turn);
      try {
        const plan = await router.explain(withPart(inline(data, "image/png")));
        expect(plan.ranked).toHaveLength(1);
      } finally {
        done = true;
      }
      // 20 million base64 characters, scanned 400,000 a slice.
      expect(turns).toBeGreaterThanOrEqual(20);
    });
  });
});
