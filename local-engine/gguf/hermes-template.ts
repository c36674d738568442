/**
 * A small Hermes/Qwen2.5-style chat template that takes `tools`, stored as tokenizer.chat_template
 * of the tool-calling test model: without tools it renders exactly as `chatmlTemplate` (so
 * llama.cpp's built-in ChatML renderer, which recognizes it by `<|im_start|>`, agrees with it); with
 * tools it follows Qwen2.5-Instruct's template: the tools as JSON lines inside `<tools></tools>` in
 * the system turn with the `<tool_call>` instruction, an assistant's calls as `<tool_call>` blocks,
 * and tool results as `<tool_response>` blocks in a user turn.
 */
export const hermesToolsTemplate =
  "{%- if tools %}" +
  "{{- '<|im_start|>system\\n' }}" +
  "{%- if messages[0]['role'] == 'system' %}{{- messages[0]['content'] + '\\n\\n' }}{%- endif %}" +
  '{{- "# Tools\\n\\nYou may call one or more functions to assist with the user query.\\n\\n' +
  'You are provided with function signatures within <tools></tools> XML tags:\\n<tools>" }}' +
  '{%- for tool in tools %}{{- "\\n" }}{{- tool | tojson }}{%- endfor %}' +
  '{{- "\\n</tools>\\n\\nFor each function call, return a json object with function name and arguments ' +
  "within <tool_call></tool_call> XML tags:\\n<tool_call>\\n" +
  '{\\"name\\": <function-name>, \\"arguments\\": <args-json-object>}\\n</tool_call><|im_end|>\\n" }}' +
  "{%- elif messages[0]['role'] == 'system' %}" +
  "{{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}" +
  "{%- endif %}" +
  "{%- for message in messages %}" +
  '{%- if (message.role == "user") or (message.role == "system" and not loop.first) or ' +
  '(message.role == "assistant" and not message.tool_calls) %}' +
  "{{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>\\n' }}" +
  '{%- elif message.role == "assistant" %}' +
  "{{- '<|im_start|>' + message.role }}" +
  "{%- if message.content %}{{- '\\n' + message.content }}{%- endif %}" +
  "{%- for tool_call in message.tool_calls %}" +
  "{%- if tool_call.function is defined %}{%- set tool_call = tool_call.function %}{%- endif %}" +
  '{{- \'\\n<tool_call>\\n{"name": "\' }}{{- tool_call.name }}' +
  "{{- '\", \"arguments\": ' }}{{- tool_call.arguments | tojson }}{{- '}\\n</tool_call>' }}" +
  "{%- endfor %}" +
  "{{- '<|im_end|>\\n' }}" +
  '{%- elif message.role == "tool" %}' +
  '{%- if (loop.index0 == 0) or (messages[loop.index0 - 1].role != "tool") %}' +
  "{{- '<|im_start|>user' }}{%- endif %}" +
  "{{- '\\n<tool_response>\\n' }}{{- message.content }}{{- '\\n</tool_response>' }}" +
  '{%- if loop.last or (messages[loop.index0 + 1].role != "tool") %}' +
  "{{- '<|im_end|>\\n' }}{%- endif %}" +
  "{%- endif %}" +
  "{%- endfor %}" +
  "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}";
