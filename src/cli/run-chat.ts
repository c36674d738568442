import { type ChatRequest, type ChatResult, InvalidRequestError, type Message } from "../core/index.js";
import type { CliDependencies } from "./cli-dependencies.js";
import type { CliIo } from "./cli-io.js";
import { formatTrace } from "./format-trace.js";
import { progressBar } from "./progress-bar.js";
import { resolvePolicyPath } from "./resolve-policy-path.js";
import type { ParsedArgs } from "./run-cli.js";

/** `switchyard chat`: one request through the policy; the answer on stdout, the route on stderr. */
export async function runChat(args: ParsedArgs, io: CliIo, dependencies: CliDependencies): Promise<number> {
  const prompt = args.positionals.join(" ").trim();
  if (!prompt)
    throw new InvalidRequestError("prompt", 'give the prompt as an argument: switchyard chat "Hello"');
  const policy = resolvePolicyPath(args.values.policy, io, dependencies);
  const bars = new Map<string, (fraction: number) => void>();
  const router = await dependencies.createRouter({
    policy,
    ...(io.interactive
      ? {
          onProgress: ({ provider, fraction }) => {
            const bar = bars.get(provider) ?? progressBar(io.stderr, `loading ${provider}`);
            bars.set(provider, bar);
            bar(fraction);
          },
        }
      : {}),
  });
  try {
    const request = buildRequest(args, prompt);
    let result: ChatResult;
    if (args.values.stream) {
      const stream = router.stream(request);
      for await (const part of stream) {
        if (part.type === "text-delta" && !args.values.json) io.stdout(part.text);
        if (part.type === "error") throw part.error;
      }
      result = await stream.result;
      if (!args.values.json) io.stdout("\n");
    } else {
      result = await router.chat(request);
      if (!args.values.json) io.stdout(`${result.text}\n`);
    }
    if (args.values.json) {
      const { text, usage, costUsd, finishReason, route, logprobs, message } = result;
      io.stdout(
        `${JSON.stringify({ text, message, usage, costUsd, finishReason, logprobs, route }, null, 2)}\n`,
      );
    } else {
      io.stderr(`${formatTrace(result, args.values.trace)}\n`);
    }
    return 0;
  } finally {
    await router.close();
  }
}

function buildRequest(args: ParsedArgs, prompt: string): ChatRequest {
  const messages: Message[] = [];
  if (args.values.system) messages.push({ role: "system", content: args.values.system });
  messages.push({ role: "user", content: prompt });
  const number = (flag: string, value: string | undefined) => {
    if (value === undefined) return undefined;
    const parsed = Number(value);
    if (!Number.isFinite(parsed)) throw new InvalidRequestError(flag, `"${value}" is not a number`);
    return parsed;
  };
  const maxTokens = number("--max-tokens", args.values["max-tokens"]);
  const temperature = number("--temperature", args.values.temperature);
  const topK = number("--logprobs", args.values.logprobs);
  const privacy = args.values.privacy;
  if (privacy !== undefined && privacy !== "local-only" && privacy !== "no-training") {
    throw new InvalidRequestError("--privacy", `"${privacy}" is not local-only or no-training`);
  }
  return {
    messages,
    ...(args.values.route ? { route: args.values.route } : {}),
    ...(maxTokens !== undefined ? { maxTokens } : {}),
    ...(temperature !== undefined ? { temperature } : {}),
    ...(topK !== undefined ? { logprobs: { topK } } : {}),
    ...(privacy ? { privacy } : {}),
  };
}
