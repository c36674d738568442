import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EngineError } from "./engine-error.js";
import { type ParsedOutput, ToolCallParser } from "./tool-call-parser.js";
import type { ToolCallFormat } from "./types.js";

/** The parser's whole result for `pieces` pushed one after the other, then `end`. */
function parse(format: ToolCallFormat, pieces: readonly string[]): ParsedOutput {
  const parser = new ToolCallParser(format);
  const outputs = [...pieces.map((piece) => parser.push(piece)), parser.end()];
  return {
    text: outputs.map((output) => output.text).join(""),
    calls: outputs.flatMap((output) => output.calls),
  };
}

/** `text` cut at `cuts` (positions, in any order, repeats allowed). */
function split(text: string, cuts: readonly number[]): string[] {
  const points = [...new Set(cuts.map((cut) => cut % (text.length + 1)))].sort((a, b) => a - b);
  const pieces: string[] = [];
  let start = 0;
  for (const point of points) {
    pieces.push(text.slice(start, point));
    start = point;
  }
  pieces.push(text.slice(start));
  return pieces;
}

const call = (name: string, args: Record<string, unknown> = {}) => ({
  name,
  arguments: JSON.stringify(args),
});

describe("ToolCallParser (hermes)", () => {
  it("reads the calls between <tool_call> tags and keeps the text around them", () => {
    const output =
      'Let me look.\n<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris", "days": 2}}\n</tool_call>\n' +
      '<tool_call>\n{"name": "search", "arguments": {"query": "a \\"b\\" </tool"}}\n</tool_call>';
    expect(parse("hermes", [output])).toEqual({
      text: "Let me look.",
      calls: [call("get_weather", { city: "Paris", days: 2 }), call("search", { query: 'a "b" </tool' })],
    });
  });

  it("releases text as it comes and holds back only what may start a marker", () => {
    const parser = new ToolCallParser("hermes");
    expect(parser.push("Hello <tool")).toEqual({ text: "Hello", calls: [] });
    expect(parser.push("box> and <")).toEqual({ text: " <toolbox> and", calls: [] });
    expect(parser.push('tool_call>{"name": "f"')).toEqual({ text: "", calls: [] });
    expect(parser.push("}</tool_call> done")).toEqual({ text: "done", calls: [call("f")] });
    expect(parser.end()).toEqual({ text: "", calls: [] });
  });

  it("turns a malformed call into text instead of dropping it", () => {
    const bad = '<tool_call>\n{"name": "f", "arguments": {"x": }\n</tool_call>';
    expect(parse("hermes", [`a ${bad} b`])).toEqual({ text: `a ${bad} b`, calls: [] });
    const nameless = '<tool_call>{"arguments": {}}</tool_call>';
    expect(parse("hermes", [nameless])).toEqual({ text: nameless, calls: [] });
    expect(parse("hermes", ['<tool_call>{"name": "f", "arguments": [1]}</tool_call>']).calls).toEqual([]);
  });

  it("takes an unclosed call at the end when it parses, else gives it back as text", () => {
    expect(parse("hermes", ['<tool_call>\n{"name": "f", "arguments": {"a": 1}}\n'])).toEqual({
      text: "",
      calls: [call("f", { a: 1 })],
    });
    expect(parse("hermes", ['x <tool_call>\n{"name": "f", "argu'])).toEqual({
      text: 'x <tool_call>\n{"name": "f", "argu',
      calls: [],
    });
    expect(parse("hermes", ["the end <tool_c"])).toEqual({ text: "the end <tool_c", calls: [] });
  });

  it('writes absent arguments as "{}", accepts "parameters" and arguments sent as JSON text', () => {
    expect(parse("hermes", ['<tool_call>{"name": "f"}</tool_call>']).calls).toEqual([call("f")]);
    expect(
      parse("hermes", ['<tool_call>{"name": "f", "parameters": {"b": [1, 2]}}</tool_call>']).calls,
    ).toEqual([call("f", { b: [1, 2] })]);
    expect(
      parse("hermes", ['<tool_call>{"name": "f", "arguments": "{\\"c\\": null}"}</tool_call>']).calls,
    ).toEqual([call("f", { c: null })]);
  });

  it("keeps whitespace that is not next to a call", () => {
    expect(parse("hermes", ["  plain text\n\n"])).toEqual({ text: "  plain text\n\n", calls: [] });
  });
});

describe("ToolCallParser (llama3-json)", () => {
  it("reads a bare JSON call, with or without <|python_tag|>", () => {
    const output = '{"name": "get_weather", "parameters": {"city": "Paris"}}';
    expect(parse("llama3-json", [output])).toEqual({
      text: "",
      calls: [call("get_weather", { city: "Paris" })],
    });
    expect(parse("llama3-json", [` <|python_tag|>${output}`]).calls).toEqual([
      call("get_weather", { city: "Paris" }),
    ]);
  });

  it("reads several calls separated by ; or newlines, then text", () => {
    const output =
      '{"name": "a", "parameters": {}}; {"name": "b", "parameters": {"x": 1}}\n{"name": "c"} That is all.';
    expect(parse("llama3-json", [output])).toEqual({
      text: "That is all.",
      calls: [call("a"), call("b", { x: 1 }), call("c")],
    });
  });

  it("holds back output that starts like a call, and releases other output at once", () => {
    const parser = new ToolCallParser("llama3-json");
    expect(parser.push("  <|python")).toEqual({ text: "", calls: [] });
    expect(parser.push('_tag|>{"name": "f", ')).toEqual({ text: "", calls: [] });
    expect(parser.push('"parameters": {}}')).toEqual({ text: "", calls: [call("f")] });
    const prose = new ToolCallParser("llama3-json");
    expect(prose.push("The answer { is } 42")).toEqual({ text: "The answer { is } 42", calls: [] });
  });

  it("keeps a JSON answer that is no call, or a malformed one, as text", () => {
    for (const output of [
      '{"name": "Alice", "age": 3}',
      '{"city": "Paris"}',
      '<|python_tag|>{"name": "f", "parameters": {"x": }}',
      '<|python_tag|>brave_search.call(query="x")',
      '{"name": "f", "parameters": {"x": 1}',
      '{"type": "other", "name": "f"}',
    ]) {
      expect(parse("llama3-json", [output])).toEqual({ text: output, calls: [] });
    }
  });

  it("keeps what follows the calls as text once it is no call", () => {
    expect(parse("llama3-json", ['{"name": "f"}; {"oops": 1} more'])).toEqual({
      text: '; {"oops": 1} more',
      calls: [call("f")],
    });
  });
});

describe("ToolCallParser (mistral)", () => {
  it("reads the array after [TOOL_CALLS]", () => {
    const output =
      'Sure. [TOOL_CALLS][{"name": "a", "arguments": {"q": "x]"}, "id": "abc123def"}, {"name": "b", "arguments": {}}]';
    expect(parse("mistral", [output])).toEqual({ text: "Sure.", calls: [call("a", { q: "x]" }), call("b")] });
  });

  it("reads the array alone at the start, as it comes when [TOOL_CALLS] was an unrendered token", () => {
    expect(parse("mistral", [' [ {"name": "a", "arguments": {"n": 1}}]'])).toEqual({
      text: "",
      calls: [call("a", { n: 1 })],
    });
    expect(parse("mistral", ["[1, 2] is a list"])).toEqual({ text: "[1, 2] is a list", calls: [] });
    expect(parse("mistral", ['[{"no": "name"}] here'])).toEqual({ text: '[{"no": "name"}] here', calls: [] });
  });

  it("keeps a marker without a valid array as text", () => {
    for (const output of [
      "[TOOL_CALLS] nothing",
      '[TOOL_CALLS][{"name": "a", "arguments": {]',
      "[TOOL_CALLS][]",
      "[TOOL_CALLS]",
      "text [TOOL_CA",
    ]) {
      expect(parse("mistral", [output])).toEqual({ text: output, calls: [] });
    }
  });
});

describe("ToolCallParser at a cut-off output", () => {
  const cut = (format: ToolCallFormat, output: string) => {
    const parser = new ToolCallParser(format);
    const first = parser.push(output);
    const last = parser.end({ cut: true });
    return { text: first.text + last.text, calls: [...first.calls, ...last.calls], partial: last.partial };
  };

  it("returns the call the token limit cut off as a partial call, not as text", () => {
    expect(cut("hermes", 'Let me check.\n<tool_call>\n{"name": "get_weather", "arguments": {"cit')).toEqual({
      text: "Let me check.",
      calls: [],
      partial: { name: "get_weather", arguments: '{"cit' },
    });
    expect(cut("mistral", '[TOOL_CALLS][{"name": "get_time", "arguments": {"zone": "Europe/')).toMatchObject({
      text: "",
      partial: { name: "get_time", arguments: '{"zone": "Europe/' },
    });
    expect(cut("llama3-json", '<|python_tag|>{"name": "get_weather", "parameters": {')).toMatchObject({
      text: "",
      partial: { name: "get_weather", arguments: "{" },
    });
  });

  it("gives a call cut before its name was complete an empty name", () => {
    expect(cut("hermes", '<tool_call>\n{"name": "get_wea').partial).toEqual({ name: "", arguments: "" });
  });

  it("keeps the calls completed before the cut, and text that is no call stays text", () => {
    const output = '<tool_call>{"name": "f", "arguments": {}}</tool_call>\n<tool_call>{"name": "g", "argu';
    expect(cut("hermes", output)).toEqual({
      text: "",
      calls: [call("f")],
      partial: { name: "g", arguments: "" },
    });
    expect(cut("hermes", "Plain text cut mid-wo")).toEqual({
      text: "Plain text cut mid-wo",
      calls: [],
      partial: undefined,
    });
    expect(cut("llama3-json", '{"city": "Os').partial).toBeUndefined();
  });

  it("reads an unfinished call as text when the output was not cut (a stop sequence)", () => {
    const parser = new ToolCallParser("hermes");
    parser.push('<tool_call>\n{"name": "f", "arguments": {"x');
    expect(parser.end()).toEqual({ text: '<tool_call>\n{"name": "f", "arguments": {"x', calls: [] });
  });
});

it("refuses an unknown format", () => {
  expect(() => new ToolCallParser("xml" as ToolCallFormat)).toThrow(EngineError);
});

// Pieces that exercise every state of the three parsers: markers whole and cut, call JSON valid and
// not, brackets and quotes, separators, whitespace and prose.
const fragments = fc.constantFrom(
  "<tool_call>",
  "</tool_call>",
  "<tool_",
  "</tool",
  "<|python_tag|>",
  "<|python",
  "[TOOL_CALLS]",
  "[TOOL_",
  '{"name": "f", "arguments": {"a": [1, "}"]}}',
  '{"name": "g", "parameters": {}}',
  '{"name": "h"}',
  '[{"name": "m", "arguments": {"k": "v"}}]',
  '{"name": 3}',
  '{"x": ',
  "{",
  "}",
  "[",
  "]",
  '"',
  "\\",
  ";",
  " ",
  "\n",
  "hello",
  "é",
);
const outputs = fc.array(fragments, { maxLength: 14 }).map((parts) => parts.join(""));
const formats = fc.constantFrom<ToolCallFormat>("hermes", "llama3-json", "mistral");

describe("ToolCallParser properties", () => {
  it("gives the same text and calls however the output is split into pushes", () => {
    fc.assert(
      fc.property(formats, outputs, fc.array(fc.nat(), { maxLength: 8 }), (format, output, cuts) => {
        expect(parse(format, split(output, cuts))).toEqual(parse(format, [output]));
      }),
      { numRuns: 3000 },
    );
  });

  it("drops no character: the text is the output less the calls and the whitespace around them", () => {
    fc.assert(
      fc.property(formats, outputs, (format, output) => {
        const result = parse(format, [output]);
        if (result.calls.length === 0) expect(result.text).toBe(output);
        else expect(result.text.length).toBeLessThan(output.length);
      }),
      { numRuns: 2000 },
    );
  });

  // Prose that cannot be taken for a marker or JSON, and does not begin or end with whitespace.
  const prose = fc.stringMatching(/^[a-zA-Z0-9.,!?']([a-zA-Z0-9 .,!?'\n]{0,30}[a-zA-Z0-9.,!?'])?$/);
  const generatedCall = fc.record({
    name: fc.string({ minLength: 1, maxLength: 12 }),
    args: fc.dictionary(
      fc.string({ maxLength: 6 }).filter((key) => key !== "__proto__"),
      fc.jsonValue({ maxDepth: 2 }),
      { maxKeys: 4 },
    ),
  });
  type Item = { text: string } | { call: { name: string; args: Record<string, unknown> } };
  const items = fc.array(
    fc.oneof(
      prose.map((text): Item => ({ text })),
      generatedCall.map((generated): Item => ({ call: generated })),
    ),
    { maxLength: 6 },
  );
  const expected = (list: Item[]) => ({
    text: list.map((item) => ("text" in item ? item.text : "")).join(""),
    calls: list.flatMap((item) => ("call" in item ? [call(item.call.name, item.call.args)] : [])),
  });

  it("round-trips hermes text and calls, however split", () => {
    fc.assert(
      fc.property(items, fc.array(fc.nat(), { maxLength: 8 }), (list, cuts) => {
        const output = list
          .map((item) =>
            "text" in item
              ? item.text
              : `\n<tool_call>\n${JSON.stringify({ name: item.call.name, arguments: item.call.args })}\n</tool_call>\n`,
          )
          .join("");
        expect(parse("hermes", split(output, cuts))).toEqual(expected(list));
      }),
      { numRuns: 1000 },
    );
  });

  it("round-trips mistral text and calls, however split", () => {
    fc.assert(
      fc.property(items, fc.array(fc.nat(), { maxLength: 8 }), (list, cuts) => {
        // Consecutive calls share one [TOOL_CALLS] array, as Mistral writes them.
        let output = "";
        let group: unknown[] = [];
        const close = () => {
          if (group.length > 0) output += ` [TOOL_CALLS]${JSON.stringify(group, null, 1)}\n`;
          group = [];
        };
        for (const item of list) {
          if ("text" in item) {
            close();
            output += item.text;
          } else {
            group.push({ name: item.call.name, arguments: item.call.args, id: "a1b2c3d4e" });
          }
        }
        close();
        expect(parse("mistral", split(output, cuts))).toEqual(expected(list));
      }),
      { numRuns: 1000 },
    );
  });

  it("round-trips Llama 3 calls and the text after them, however split", () => {
    const calls = fc.array(generatedCall, { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(
        fc.boolean(),
        calls,
        fc.option(prose, { nil: undefined }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (tagged, list, after, cuts) => {
          const objects = list.map(({ name, args }) => JSON.stringify({ name, parameters: args }));
          const output = `${tagged ? "<|python_tag|>" : ""}${objects.join(";\n")}${after === undefined ? "" : ` ${after}`}`;
          expect(parse("llama3-json", split(output, cuts))).toEqual({
            text: after ?? "",
            calls: list.map(({ name, args }) => call(name, args)),
          });
        },
      ),
      { numRuns: 1000 },
    );
  });
});
