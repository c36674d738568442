import { EngineError } from "./engine-error.js";
import { GrammarRules, gbnfLiteral } from "./json-schema-grammar.js";
import type { EngineTool, ToolCallFormat } from "./types.js";

const FORMATS: readonly ToolCallFormat[] = ["hermes", "llama3-json", "mistral"];

function invalid(message: string): EngineError {
  return new EngineError("INVALID_ARGUMENT", message);
}

/** The tools a call may name: all of them, or the one `choice` names. */
function chosenTools(
  tools: readonly EngineTool[],
  choice: "required" | { name: string },
): readonly EngineTool[] {
  if (!Array.isArray(tools) || tools.length === 0) throw invalid("toolCallGrammar needs at least one tool");
  const names = new Set<string>();
  tools.forEach((tool, index) => {
    if (typeof tool?.name !== "string" || tool.name === "") {
      throw invalid(`tools[${index}].name must be a non-empty string`);
    }
    if (names.has(tool.name)) throw invalid(`tools[${index}].name "${tool.name}" is not unique`);
    names.add(tool.name);
  });
  if (choice === "required") return tools;
  if (typeof choice !== "object" || choice === null || typeof choice.name !== "string") {
    throw invalid('the tool choice must be "required" or { name }');
  }
  const chosen = tools.find((tool) => tool.name === choice.name);
  if (chosen === undefined) {
    throw invalid(`the tool choice "${choice.name}" is not one of the tools (${[...names].join(", ")})`);
  }
  return [chosen];
}

/** An arguments object of `tool`: its parameters schema, or any object when the schema says nothing. */
function argumentsRule(grammar: GrammarRules, tool: EngineTool, hint: string): string {
  const { parameters } = tool;
  const open =
    parameters === true ||
    (typeof parameters === "object" && parameters !== null && Object.keys(parameters).length === 0);
  if (open) return grammar.primitive("object");
  try {
    return grammar.schema(parameters, hint);
  } catch (error) {
    if (!(error instanceof EngineError)) throw error;
    throw new EngineError(error.code, `tool "${tool.name}" parameters: ${error.message}`, { cause: error });
  }
}

/**
 * A GBNF grammar (a `root` rule) that makes the model call tools in `format`: one or more calls
 * (Llama 3's JSON format: exactly one), each naming one of `tools` (or the one `choice` names) with
 * arguments valid against that tool's `parameters` schema, as far as `jsonSchemaToGrammar` enforces
 * schemas. The spacing is the format's own (`{"name": "f", "arguments": {…}}`). Mistral's
 * `[TOOL_CALLS]` is written as text: llama.cpp matches a grammar's characters against a control
 * token's text too, so the model may pick its `[TOOL_CALLS]` token (which the output shows only
 * with `renderSpecialTokens`; `ToolCallParser` takes the calls either way). Llama 3's optional
 * `<|python_tag|>` is left out. Throws EngineError INVALID_ARGUMENT (no tools, a duplicate name, a
 * choice that names no tool) or INVALID_SCHEMA (a schema it cannot express).
 */
export function toolCallGrammar(
  format: ToolCallFormat,
  tools: readonly EngineTool[],
  choice: "required" | { name: string },
): string {
  if (!FORMATS.includes(format)) throw invalid(`unknown tool-call format ${JSON.stringify(format)}`);
  const chosen = chosenTools(tools, choice);
  // Arguments spaced as the templates show them (`tojson`), which keeps a model on familiar ground
  // and gives it no room to pad with whitespace.
  const grammar = new GrammarRules("canonical");
  grammar.define("root", "");
  const argumentsKey = format === "llama3-json" ? "parameters" : "arguments";
  const calls = chosen.map((tool) => {
    const hint = tool.name.replace(/[^a-zA-Z0-9]+/g, "-").replace(/^-+|-+$/g, "") || "tool";
    const argumentsBody = argumentsRule(grammar, tool, `${hint}-arguments`);
    const head = gbnfLiteral(`{"name": ${JSON.stringify(tool.name)}, "${argumentsKey}": `);
    return grammar.rule(`${hint}-call`, `${head} ${argumentsBody} "}"`);
  });
  const call = calls.length === 1 ? (calls[0] as string) : grammar.rule("call", calls.join(" | "));
  switch (format) {
    case "hermes": {
      const block = grammar.rule("tool-call-block", `"<tool_call>\\n" ${call} "\\n</tool_call>"`);
      grammar.define("root", `${block} ("\\n" ${block})*`);
      break;
    }
    case "llama3-json":
      grammar.define("root", call);
      break;
    case "mistral":
      grammar.define("root", `"[TOOL_CALLS][" ${call} (", " ${call})* "]"`);
      break;
  }
  return grammar.build();
}
