import type { ChatRequest, ChatResult, Message } from "../core/index.js";
import type { Router } from "../router/router.js";
import { ensureBundledModel } from "./bundled-model.js";
import type { CliDependencies } from "./cli-dependencies.js";
import type { CliIo } from "./cli-io.js";
import { choiceFlag, integerFlag, numberFlag } from "./flag-values.js";
import { formatTrace } from "./format-trace.js";
import { loadProgress } from "./load-progress.js";
import { type CommandLine, helpOption, parseCommandLine } from "./parse-command-line.js";
import { resolvePolicyPath } from "./resolve-policy-path.js";
import { commandUsage } from "./usage.js";
import { UsageError } from "./usage-error.js";

const chatOptions = {
  ...helpOption,
  policy: { type: "string" },
  route: { type: "string" },
  stream: { type: "boolean", default: false },
  json: { type: "boolean", default: false },
  trace: { type: "boolean", default: false },
  "max-tokens": { type: "string" },
  temperature: { type: "string" },
  system: { type: "string" },
  logprobs: { type: "string" },
  privacy: { type: "string" },
} as const;

type ChatFlags = CommandLine<typeof chatOptions>["values"];

/** `switchyard chat`: one request through the policy; the answer on stdout, the route on stderr. */
export async function runChat(argv: string[], io: CliIo, dependencies: CliDependencies): Promise<number> {
  const { values, positionals } = parseCommandLine("chat", argv, chatOptions);
  if (values.help) {
    io.stdout(`${commandUsage.chat}\n`);
    return 0;
  }
  const prompt = positionals.join(" ").trim();
  if (!prompt) throw new UsageError('give the prompt as an argument: switchyard chat "Hello"');
  // Flags are checked before the policy loads: a typo costs no model load and no call.
  const request = buildRequest(values, prompt, io.signal);
  const policy = resolvePolicyPath(values.policy, io, dependencies);
  await ensureBundledModel(policy, io, dependencies);
  const progress = loadProgress(io);
  let router: Router;
  try {
    router = await dependencies.createRouter({
      policy,
      env: io.env,
      ...(progress.onProgress ? { onProgress: progress.onProgress } : {}),
    });
  } finally {
    progress.end();
  }
  try {
    const result = values.stream
      ? await streamAnswer(router, request, io, values.json)
      : await router.chat(request);
    if (values.json) {
      const { text, message, usage: tokens, costUsd, finishReason, logprobs, route, warnings } = result;
      const output = { text, message, usage: tokens, costUsd, finishReason, logprobs, route, warnings };
      io.stdout(`${JSON.stringify(output, null, 2)}\n`);
      return 0;
    }
    if (!values.stream) io.stdout(`${result.text}\n`);
    for (const warning of result.warnings) io.stderr(`warning: ${warning}\n`);
    io.stderr(`${formatTrace(result, values.trace)}\n`);
    return 0;
  } finally {
    await router.close();
  }
}

/** Prints text as it arrives (unless `quiet`); the line is ended even when the stream breaks. */
async function streamAnswer(router: Router, request: ChatRequest, io: CliIo, quiet: boolean) {
  const stream = router.stream(request);
  let written = false;
  let result: ChatResult | undefined;
  try {
    for await (const part of stream) {
      if (part.type === "text-delta" && !quiet && part.text.length > 0) {
        io.stdout(part.text);
        written = true;
      }
      if (part.type === "error") throw part.error;
    }
    result = await stream.result;
    return result;
  } finally {
    if (!quiet && (written || result)) io.stdout("\n");
  }
}

function buildRequest(values: ChatFlags, prompt: string, signal: AbortSignal | undefined): ChatRequest {
  const messages: Message[] = [];
  if (values.system) messages.push({ role: "system", content: values.system });
  messages.push({ role: "user", content: prompt });
  const maxTokens = integerFlag("--max-tokens", values["max-tokens"]);
  const temperature = numberFlag("--temperature", values.temperature);
  const topK = integerFlag("--logprobs", values.logprobs);
  const privacy = choiceFlag("--privacy", values.privacy, ["local-only", "no-training"]);
  return {
    messages,
    ...(values.route ? { route: values.route } : {}),
    ...(maxTokens !== undefined ? { maxTokens } : {}),
    ...(temperature !== undefined ? { temperature } : {}),
    ...(topK !== undefined ? { logprobs: { topK } } : {}),
    ...(privacy ? { privacy } : {}),
    ...(signal ? { signal } : {}),
  };
}
