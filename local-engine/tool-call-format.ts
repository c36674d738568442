import type { ToolCallFormat } from "./types.js";

/** Whether a Jinja chat template reads a `tools` variable at all. */
export function templateTakesTools(template: string): boolean {
  return /\btools\b/.test(template);
}

/**
 * The tool-call syntax a chat template teaches its model, recognized by the markers the template
 * writes around the calls in its history; undefined when it takes no tools or writes calls some
 * other way (Mistral's newer `[TOOL_CALLS]name[ARGS]{…}`, Llama 3.1's `<|python_tag|>` code for
 * built-in tools only, …).
 */
export function detectToolCallFormat(template: string): ToolCallFormat | undefined {
  if (!templateTakesTools(template)) return undefined;
  if (template.includes("[TOOL_CALLS]")) return template.includes("[ARGS]") ? undefined : "mistral";
  if (template.includes("<tool_call>")) return "hermes";
  const llama3Turns = template.includes("<|eot_id|>") || template.includes("<|eom_id|>");
  if (template.includes("<|python_tag|>") || (llama3Turns && template.includes('"parameters"'))) {
    return "llama3-json";
  }
  return undefined;
}
