import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prepareChatTemplate } from "./chat-template.js";
import {
  buildLlamaVocab,
  chatmlTemplate,
  ensureLlamaModel,
  hermesToolsTemplate,
  LlamaTokenType,
} from "./gguf/index.js";
import {
  type ChatTemplateMessage,
  EngineError,
  type EngineTool,
  type JsonSchemaNode,
  LocalEngine,
  type ParsedOutput,
  type ToolCallFormat,
  ToolCallParser,
  toolCallGrammar,
} from "./index.js";
import type { NativeEngine } from "./native-addon.js";
import { detectToolCallFormat } from "./tool-call-format.js";

const fixture = (name: string) =>
  readFileSync(fileURLToPath(new URL(`fixtures/chat-templates/${name}.jinja`, import.meta.url)), "utf8");
const templates = {
  qwen25: fixture("Qwen-Qwen2.5-7B-Instruct"),
  hermes3: fixture("NousResearch-Hermes-3-Llama-3.1-8B-tool_use"),
  llama31: fixture("meta-llama-Llama-3.1-8B-Instruct"),
  llama32: fixture("meta-llama-Llama-3.2-3B-Instruct"),
  mistralNemo: fixture("mistralai-Mistral-Nemo-Instruct-2407"),
  mistralSmall32: fixture("Mistral-Small-3.2-24B-Instruct-2506"),
};

const hasNodeLlamaCpp = (() => {
  try {
    createRequire(import.meta.url).resolve("node-llama-cpp");
    return true;
  } catch {
    return false;
  }
})();

const tools: EngineTool[] = [
  {
    name: "get_weather",
    description: "The weather in a city",
    parameters: {
      type: "object",
      properties: {
        city: { type: "string", minLength: 1, maxLength: 16 },
        unit: { enum: ["celsius", "fahrenheit"] },
        days: { type: "integer" },
      },
      required: ["city", "unit"],
    },
  },
  {
    name: "search",
    parameters: {
      type: "object",
      properties: { query: { type: "string", maxLength: 24 }, limit: { type: "integer" } },
      required: ["query"],
    },
  },
];

const history: ChatTemplateMessage[] = [
  { role: "system", content: "Be brief." },
  { role: "user", content: "Weather in Paris?" },
  {
    role: "assistant",
    content: "",
    toolCalls: [{ id: "call_1", name: "get_weather", arguments: '{"city":"Paris","unit":"celsius"}' }],
  },
  { role: "tool", content: '{"temp": 21}', toolCallId: "call_1" },
];

/** Whether `value` is a document of `schema`, for the keywords the test tools use. */
function conforms(schema: JsonSchemaNode, value: unknown): boolean {
  if (typeof schema === "boolean") return schema;
  if (Array.isArray(schema.enum)) return schema.enum.includes(value as string);
  switch (schema.type) {
    case "string":
      return (
        typeof value === "string" &&
        value.length >= Number(schema.minLength ?? 0) &&
        value.length <= Number(schema.maxLength ?? Number.POSITIVE_INFINITY)
      );
    case "integer":
      return Number.isInteger(value);
    case "object": {
      if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
      const properties = schema.properties as Record<string, JsonSchemaNode>;
      const required = (schema.required ?? []) as string[];
      const record = value as Record<string, unknown>;
      return (
        required.every((key) => key in record) &&
        Object.entries(record).every(([key, item]) => key in properties && conforms(properties[key]!, item))
      );
    }
    default:
      return false;
  }
}

function parseAll(format: ToolCallFormat, text: string): ParsedOutput {
  const parser = new ToolCallParser(format);
  const first = parser.push(text);
  const last = parser.end();
  return { text: first.text + last.text, calls: [...first.calls, ...last.calls] };
}

describe("detecting the tool-call format of a chat template", () => {
  it.each([
    ["Qwen2.5-Instruct", templates.qwen25, "hermes"],
    ["Hermes 3 (tool_use)", templates.hermes3, "hermes"],
    ["the hermes test template", hermesToolsTemplate, "hermes"],
    ["Llama 3.1-Instruct", templates.llama31, "llama3-json"],
    ["Llama 3.2-Instruct", templates.llama32, "llama3-json"],
    ["Mistral-Nemo-Instruct", templates.mistralNemo, "mistral"],
  ])("knows %s", (_name, template, format) => {
    expect(detectToolCallFormat(template)).toBe(format);
  });

  it("finds none in ChatML, in a template that takes no tools, or in an unknown call syntax", () => {
    expect(detectToolCallFormat(chatmlTemplate)).toBeUndefined();
    expect(detectToolCallFormat("{{ messages[0].content }} answer in <tool_call> tags")).toBeUndefined();
    // Mistral Small 3.2 writes `[TOOL_CALLS]name[ARGS]{…}`, not the JSON array.
    expect(detectToolCallFormat(templates.mistralSmall32)).toBeUndefined();
  });
});

describe("rendering real chat templates with tools", () => {
  const noBuiltin = { applyChatTemplate: () => null } as unknown as NativeEngine;
  const prepare = (template: string, native: NativeEngine = noBuiltin) =>
    prepareChatTemplate(native, template, { bos: "<s>", eos: "</s>" });

  it("lists Qwen2.5's tools and shows the calls and results of the history", async () => {
    const template = await prepare(templates.qwen25);
    expect(template?.toolCallFormat).toBe("hermes");
    const text = template!.render(history, true, tools);
    expect(text).toContain(
      '<tools>\n{"type": "function", "function": {"name": "get_weather", "description": "The weather in a city", "parameters": {"type": "object"',
    );
    expect(text).toContain('\n{"type": "function", "function": {"name": "search", "parameters": {');
    expect(text).toContain("For each function call, return a json object with function name and arguments");
    expect(text).toContain(
      '<|im_start|>assistant\n<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris", "unit": "celsius"}}\n</tool_call><|im_end|>',
    );
    expect(text).toContain('<|im_start|>user\n<tool_response>\n{"temp": 21}\n</tool_response><|im_end|>');
    expect(text.endsWith("<|im_start|>assistant\n")).toBe(true);
  });

  it("writes Llama 3.2's call as its JSON with parameters", async () => {
    const template = await prepare(templates.llama32);
    const text = template!.render(history, true, tools);
    expect(text).toContain('Respond in the format {"name": function name, "parameters": dictionary');
    expect(text).toContain('"name": "search"');
    expect(text).toContain(
      '<|start_header_id|>assistant<|end_header_id|>\n\n{"name": "get_weather", "parameters": {"city": "Paris", "unit": "celsius"}}<|eot_id|>',
    );
    expect(text).toContain("<|start_header_id|>ipython<|end_header_id|>");
  });

  it("gives Mistral the 9-character call ids its template demands, the same for call and result", async () => {
    const template = await prepare(templates.mistralNemo);
    const text = template!.render(history, true, tools);
    expect(text).toContain('[AVAILABLE_TOOLS][{"type": "function", "function": {"name": "get_weather"');
    const id =
      /\[TOOL_CALLS\]\[\{"name": "get_weather", "arguments": \{"city": "Paris", "unit": "celsius"\}, "id": "([a-z0-9]{9})"\}\]<\/s>/.exec(
        text,
      )?.[1];
    expect(id).toBeDefined();
    expect(text).toContain(`[TOOL_RESULTS]{"content": {"temp": 21}, "call_id": "${id}"}[/TOOL_RESULTS]`);
  });

  it("keeps llama.cpp's built-in renderer without tools, and needs Jinja for tools and tool history", async () => {
    const builtin = {
      applyChatTemplate: (_template: string, messages: { role: string; content: string }[]) =>
        messages.map((message) => `[${message.role}:${message.content}]`).join(""),
    } as unknown as NativeEngine;
    const template = await prepare(templates.qwen25, builtin);
    expect(template!.render(history.slice(0, 2), true)).toBe("[system:Be brief.][user:Weather in Paris?]");
    expect(template!.render(history, true)).toContain("<tool_call>\n{");
    expect(template!.render(history.slice(0, 2), true, tools)).toContain("<tools>");
    expect(template!.render(history.slice(0, 2), true, [])).toBe(
      "[system:Be brief.][user:Weather in Paris?]",
    );
  });

  it("refuses tools the template cannot show, and arguments that are not JSON", async () => {
    for (const source of [chatmlTemplate, templates.mistralSmall32]) {
      const template = await prepare(source);
      expect(template?.toolCallFormat).toBeUndefined();
      expect(() => template!.render(history.slice(0, 2), true, tools)).toThrow(
        expect.objectContaining({ code: "CHAT_TEMPLATE" }),
      );
    }
    const qwen = await prepare(templates.qwen25);
    const broken = [{ role: "assistant", content: "", toolCalls: [{ id: "1", name: "f", arguments: "{" }] }];
    expect(() => qwen!.render(broken, true, tools)).toThrow(
      /messages\[0\]\.toolCalls\[0\]\.arguments is not JSON/,
    );
  });

  it("reports a template's own refusal as CHAT_TEMPLATE", async () => {
    const template = await prepare(templates.llama32);
    const twoCalls: ChatTemplateMessage[] = [
      { role: "user", content: "x" },
      {
        role: "assistant",
        content: "",
        toolCalls: [
          { id: "a", name: "f", arguments: "{}" },
          { id: "b", name: "g", arguments: "{}" },
        ],
      },
    ];
    expect(() => template!.render(twoCalls, true, tools)).toThrow(
      expect.objectContaining({
        code: "CHAT_TEMPLATE",
        message: expect.stringContaining("single tool-calls"),
      }),
    );
  });
});

describe("toolCallGrammar", () => {
  const rules = (grammar: string) =>
    new Map(
      grammar
        .trim()
        .split("\n")
        .map((line) => line.split(" ::= ") as [string, string]),
    );

  it("writes hermes blocks, one or more, each naming a tool with its arguments spaced like tojson", () => {
    const grammar = rules(toolCallGrammar("hermes", tools, "required"));
    expect(grammar.get("root")).toBe('tool-call-block ("\\n" tool-call-block)*');
    expect(grammar.get("tool-call-block")).toBe('"<tool_call>\\n" call "\\n</tool_call>"');
    expect(grammar.get("call")).toBe("get-weather-call | search-call");
    expect(grammar.get("get-weather-call")).toBe(
      '"{\\"name\\": \\"get_weather\\", \\"arguments\\": " get-weather-arguments "}"',
    );
    expect(grammar.get("get-weather-arguments")).toBe(
      '"{" get-weather-arguments-city-kv ", " get-weather-arguments-unit-kv (", " get-weather-arguments-days-kv)? "}"',
    );
    expect(grammar.get("get-weather-arguments-unit-kv")).toBe(
      '"\\"unit\\"" ": " ("\\"celsius\\"" | "\\"fahrenheit\\"")',
    );
  });

  it("writes one Llama 3 JSON call with parameters, and Mistral's [TOOL_CALLS] array", () => {
    const llama = rules(toolCallGrammar("llama3-json", tools, { name: "search" }));
    expect(llama.get("root")).toBe("search-call");
    expect(llama.get("search-call")).toBe(
      '"{\\"name\\": \\"search\\", \\"parameters\\": " search-arguments "}"',
    );
    expect(llama.has("get-weather-call")).toBe(false);
    const mistral = rules(toolCallGrammar("mistral", tools, "required"));
    expect(mistral.get("root")).toBe('"[TOOL_CALLS][" call (", " call)* "]"');
  });

  it("keeps the rules of tools whose names or definitions collide apart", () => {
    const twins: EngineTool[] = [
      {
        name: "a_b",
        parameters: { $defs: { item: { type: "string" } }, properties: { x: { $ref: "#/$defs/item" } } },
      },
      {
        name: "a-b",
        parameters: { $defs: { item: { type: "integer" } }, properties: { x: { $ref: "#/$defs/item" } } },
      },
      { name: "any", parameters: {} },
    ];
    const grammar = rules(toolCallGrammar("hermes", twins, "required"));
    expect(grammar.get("item")).toBe("string");
    expect(grammar.get("item-2")).toBe("integer");
    expect(grammar.get("a-b-arguments-x-kv")).toBe('"\\"x\\"" ": " item');
    expect(grammar.get("a-b-arguments-x-kv-2")).toBe('"\\"x\\"" ": " item-2');
    expect(grammar.get("any-call")).toBe('"{\\"name\\": \\"any\\", \\"arguments\\": " object "}"');
    expect(grammar.get("object")).toBe('"{" ( string ": " value ( ", " string ": " value )* )? "}"');
  });

  it("names what is wrong with its input", () => {
    const invalid = (run: () => unknown, message: RegExp) =>
      expect(run).toThrow(
        expect.objectContaining({ code: "INVALID_ARGUMENT", message: expect.stringMatching(message) }),
      );
    invalid(() => toolCallGrammar("hermes", [], "required"), /at least one tool/);
    invalid(
      () => toolCallGrammar("hermes", tools, { name: "nope" }),
      /"nope" is not one of the tools \(get_weather, search\)/,
    );
    invalid(
      () => toolCallGrammar("hermes", [tools[0]!, tools[0]!], "required"),
      /tools\[1\]\.name "get_weather" is not unique/,
    );
    invalid(() => toolCallGrammar("xml" as ToolCallFormat, tools, "required"), /unknown tool-call format/);
    expect(() =>
      toolCallGrammar(
        "hermes",
        [{ name: "when", parameters: { properties: { at: { type: "date" } } } }],
        "required",
      ),
    ).toThrow(
      expect.objectContaining({
        code: "INVALID_SCHEMA",
        message: expect.stringMatching(/^tool "when" parameters: /),
      }),
    );
  });
});

it("adds user-defined tokens at the end of a vocabulary", () => {
  const plain = buildLlamaVocab(1024);
  const withTags = buildLlamaVocab(1024, ["<tool_call>", "</tool_call>"]);
  expect(withTags.tokens.slice(0, 1022)).toEqual(plain.tokens.slice(0, 1022));
  expect(withTags.tokens.slice(1022)).toEqual(["<tool_call>", "</tool_call>"]);
  expect(withTags.tokenTypes.slice(1022)).toEqual([LlamaTokenType.userDefined, LlamaTokenType.userDefined]);
  expect(() => buildLlamaVocab(1024, ["<s>"])).toThrow(/repeat a token/);
});

describe.skipIf(!hasNodeLlamaCpp)("tool calls on the hermes test model", () => {
  const toolsModel = fileURLToPath(new URL("../models/tiny-llama-tools.gguf", import.meta.url));
  const chatmlModel = fileURLToPath(new URL("../models/tiny-llama.gguf", import.meta.url));
  let engine: LocalEngine;

  beforeAll(async () => {
    await ensureLlamaModel({ path: toolsModel, template: "hermes" });
    engine = await LocalEngine.load({ modelPath: toolsModel, gpu: "cpu", threads: 1, contextPerSlot: 1024 });
  });
  afterAll(() => engine?.close());

  it("reports the hermes format, and none for the ChatML model", async () => {
    expect(engine.info.toolCallFormat).toBe("hermes");
    await ensureLlamaModel({ path: chatmlModel });
    const chatml = await LocalEngine.load({
      modelPath: chatmlModel,
      gpu: "cpu",
      threads: 1,
      contextPerSlot: 256,
    });
    try {
      expect(chatml.info.toolCallFormat).toBeUndefined();
      expect(() => chatml.applyChatTemplate([{ role: "user", content: "hi" }], true, tools)).toThrow(
        expect.objectContaining({
          code: "CHAT_TEMPLATE",
          message: "the model's chat template does not take tools",
        }),
      );
    } finally {
      await chatml.close();
    }
  });

  it("renders the tools, the <tool_call> instruction and the history's call and response", () => {
    const text = engine.applyChatTemplate(history, true, tools);
    expect(text.startsWith("<|im_start|>system\nBe brief.\n\n# Tools\n")).toBe(true);
    expect(text).toContain(
      '{"type": "function", "function": {"name": "get_weather", "description": "The weather in a city"',
    );
    expect(text).toContain('{"type": "function", "function": {"name": "search"');
    expect(text).toContain(
      'within <tool_call></tool_call> XML tags:\n<tool_call>\n{"name": <function-name>, "arguments": <args-json-object>}\n</tool_call><|im_end|>',
    );
    expect(text).toContain(
      '<|im_start|>assistant\n<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris", "unit": "celsius"}}\n</tool_call><|im_end|>\n',
    );
    expect(text).toContain('<|im_start|>user\n<tool_response>\n{"temp": 21}\n</tool_response><|im_end|>\n');
    // Without tools, llama.cpp's ChatML renderer and the template agree.
    expect(engine.applyChatTemplate([{ role: "user", content: "hi" }])).toBe(
      "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n",
    );
  });

  it("keeps <tool_call> one user-defined token that untrusted text cannot avoid but that is text", () => {
    const tokens = engine.tokenize("<tool_call>", { addSpecial: false, parseSpecial: false });
    expect(tokens).toHaveLength(1);
    expect(engine.detokenize(tokens)).toBe("<tool_call>");
  });

  async function callsFor(grammar: string, seed: number, temperature: number) {
    const prompt = engine.applyChatTemplate([{ role: "user", content: "Weather in Paris?" }], true, tools);
    const completion = await engine.generate({ prompt, grammar, maxTokens: 400, temperature, seed }).done;
    return { completion, parsed: parseAll("hermes", completion.text) };
  }

  it("generates calls the parser reads, of the tools, with arguments their schemas admit", async () => {
    const grammar = toolCallGrammar("hermes", tools, "required");
    for (const [seed, temperature] of [
      [0, 0],
      [1, 1],
      [2, 1],
      [3, 1],
      [4, 1],
    ] as const) {
      const { completion, parsed } = await callsFor(grammar, seed, temperature);
      expect(completion.finishReason).toBe("stop");
      expect(completion.text.startsWith("<tool_call>\n{")).toBe(true);
      expect(parsed.text).toBe("");
      expect(parsed.calls.length).toBeGreaterThanOrEqual(1);
      for (const call of parsed.calls) {
        const tool = tools.find((candidate) => candidate.name === call.name);
        expect(tool).toBeDefined();
        expect(conforms(tool!.parameters, JSON.parse(call.arguments))).toBe(true);
      }
    }
  });

  it("calls only the named tool when the choice names one", async () => {
    const grammar = toolCallGrammar("hermes", tools, { name: "search" });
    for (const seed of [0, 1, 2]) {
      const { parsed } = await callsFor(grammar, seed, 1);
      expect(parsed.calls.length).toBeGreaterThanOrEqual(1);
      for (const call of parsed.calls) {
        expect(call.name).toBe("search");
        expect(conforms(tools[1]!.parameters, JSON.parse(call.arguments))).toBe(true);
      }
    }
  });

  it.each(["llama3-json", "mistral"] as const)(
    "generates %s calls that llama.cpp's grammar admits and the parser reads",
    async (format) => {
      const grammar = toolCallGrammar(format, tools, "required");
      const completion = await engine.generate({
        prompt: "Call a tool:",
        grammar,
        maxTokens: 400,
        temperature: 0,
      }).done;
      expect(completion.finishReason).toBe("stop");
      const parsed = parseAll(format, completion.text);
      expect(parsed.text).toBe("");
      expect(parsed.calls.length).toBeGreaterThanOrEqual(1);
      for (const call of parsed.calls) {
        const tool = tools.find((candidate) => candidate.name === call.name);
        expect(conforms(tool!.parameters, JSON.parse(call.arguments))).toBe(true);
      }
    },
  );

  it("shows a generated control token's text only with renderSpecialTokens", async () => {
    // <[3]> is the control token <|im_start|>, which is not an end-of-generation token.
    const request = { prompt: "hello", grammar: "root ::= <[3]> [a-z]{3}", maxTokens: 8, temperature: 0 };
    const plain = await engine.generate(request).done;
    const rendered = await engine.generate({ ...request, renderSpecialTokens: true }).done;
    expect(rendered.text).toMatch(/^<\|im_start\|>[a-z]{3}$/);
    expect(plain.text).toBe(rendered.text.slice("<|im_start|>".length));
    const events: string[] = [];
    for await (const event of engine.generate({ ...request, renderSpecialTokens: true })) {
      for (const token of event.tokens) events.push(token.text);
    }
    expect(events[0]).toBe("<|im_start|>");
    expect(() => engine.generate({ ...request, renderSpecialTokens: 1 as unknown as boolean })).toThrow(
      EngineError,
    );
  });

  it("lets a grammar's text stand for a control token of that text, as Mistral's [TOOL_CALLS] needs", async () => {
    // The literal admits both the control token <|im_start|> and the marker spelled out in text.
    const request = {
      prompt: "hello",
      grammar: 'root ::= "<|im_start|>" [a-z]{2}',
      maxTokens: 20,
      temperature: 1.5,
    };
    let controlTokens = 0;
    for (let seed = 0; seed < 12; seed++) {
      const ids: number[] = [];
      const generation = engine.generate({ ...request, seed, renderSpecialTokens: true });
      for await (const event of generation) ids.push(...event.tokens.map((token) => token.id));
      const rendered = await generation.done;
      expect(rendered.text).toMatch(/^<\|im_start\|>[a-z]{2}$/);
      if (ids[0] !== 3) continue;
      controlTokens++;
      const plain = await engine.generate({ ...request, seed }).done;
      expect(plain.text).toBe(rendered.text.slice("<|im_start|>".length));
    }
    expect(controlTokens).toBeGreaterThan(0);
  });
});
