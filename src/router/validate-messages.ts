import type { Message, ToolCall } from "../core/index.js";
import { expectList, expectObject, expectOneOf, expectString, invalid, isRecord } from "./request-fields.js";
import { checkUserContent, type ImageTally } from "./validate-content.js";
import type { Checks, WorkMeter } from "./work-meter.js";

/** Tool and tool-call names, as OpenAI and Anthropic both accept them. */
export const toolNamePattern = {
  regex: /^[a-zA-Z0-9_-]{1,64}$/,
  description: "1–64 letters, digits, _ or -",
};

const roles = ["system", "user", "assistant", "tool"] as const;

const fieldsOf: Record<Message["role"], readonly string[]> = {
  system: ["role", "content"],
  user: ["role", "content"],
  assistant: ["role", "content", "toolCalls"],
  tool: ["role", "toolCallId", "content"],
};

/**
 * Work a message and a tool call cost besides their text, in the WorkMeter's units (measured on a
 * slow core: ~0.25 µs a message, ~1 µs a tool call with its answer).
 */
const messageUnits = 128;
const toolCallUnits = 512;

/** Where a tool call sits: its message and its index among that message's calls. */
interface CallPlace {
  message: number;
  call: number;
}

/**
 * The conversation as providers take it. User and system messages need visible text; an assistant
 * message too unless it carries tool calls. A tool result may be empty (a tool that printed
 * nothing): OpenAI and Anthropic take an empty tool result. Every tool call is answered by a tool
 * message before the conversation goes on, and every tool message answers one, as both APIs
 * require; call ids are unique. There is a user or tool message to answer. A user message's content
 * may instead be a list of text and image parts (see `checkUserContent`); other roles take text
 * only. Returns copies, so a caller's later edits cannot change a validated call.
 */
export function* checkMessages(value: unknown, meter: WorkMeter): Checks<Message[]> {
  const list = expectList(value, ["messages"]);
  if (list.length === 0) throw invalid(["messages"], "at least one message is required");
  const messages: Message[] = [];
  const calls = new Map<string, CallPlace>();
  /** Calls of the last assistant message that no tool message answered yet. */
  const unanswered = new Set<string>();
  let answerable = false;
  const images: ImageTally = { images: 0 };
  for (let index = 0; index < list.length; index++) {
    const entry = list[index];
    const path = ["messages", index];
    if (!isRecord(entry)) throw invalid(path, "must be an object (a message)");
    const role = expectOneOf(entry.role, path, "role", roles);
    expectObject(entry, path, fieldsOf[role], `a ${role} message`);
    if (role !== "user" && Array.isArray(entry.content)) {
      throw invalid(
        [...path, "content"],
        `must be a string: only user messages take a list of parts (text and images)`,
      );
    }
    if (role === "tool") {
      const toolCallId = expectString(entry.toolCallId, path, "toolCallId", meter, { minLength: 1 });
      if (!unanswered.delete(toolCallId))
        throw invalid([...path, "toolCallId"], misplacedAnswer(toolCallId, calls));
      messages.push({ role, toolCallId, content: expectString(entry.content, path, "content", meter) });
      answerable = true;
    } else {
      requireAnswered(unanswered, calls, index);
      if (role === "assistant") {
        const toolCalls = checkToolCalls(entry.toolCalls, index, meter, calls);
        const content = expectString(entry.content, path, "content", meter, {
          visible: toolCalls === undefined || toolCalls.length === 0,
        });
        messages.push(toolCalls ? { role, content, toolCalls } : { role, content });
        for (const call of toolCalls ?? []) unanswered.add(call.id);
      } else if (role === "user" && Array.isArray(entry.content)) {
        const content = yield* checkUserContent(entry.content, [...path, "content"], meter, images);
        if (!content.visible) throw invalid([...path, "content"], "holds no image and no visible text");
        messages.push({ role, content: content.parts });
        answerable = true;
      } else {
        messages.push({
          role,
          content: expectString(entry.content, path, "content", meter, { visible: true }),
        });
        answerable ||= role === "user";
      }
    }
    if (meter.spend(messageUnits)) yield;
  }
  requireAnswered(unanswered, calls);
  if (!answerable) {
    throw invalid(["messages"], "holds no user or tool message: there is nothing for the model to answer");
  }
  return messages;
}

function checkToolCalls(
  value: unknown,
  message: number,
  meter: WorkMeter,
  calls: Map<string, CallPlace>,
): ToolCall[] | undefined {
  if (value === undefined) return undefined;
  const toolCalls: ToolCall[] = [];
  const list = expectList(value, ["messages", message, "toolCalls"]);
  for (let index = 0; index < list.length; index++) {
    const path = ["messages", message, "toolCalls", index];
    const fields = expectObject(list[index], path, ["id", "name", "arguments"], "a tool call");
    const id = expectString(fields.id, path, "id", meter, { minLength: 1, maxLength: 256 });
    const earlier = calls.get(id);
    if (earlier !== undefined) {
      throw invalid([...path, "id"], `repeats the id of ${place(earlier)}: tool call ids must be unique`);
    }
    calls.set(id, { message, call: index });
    const name = expectString(fields.name, path, "name", meter, { pattern: toolNamePattern });
    toolCalls.push({ id, name, arguments: expectString(fields.arguments, path, "arguments", meter) });
    meter.add(toolCallUnits);
  }
  return toolCalls;
}

function misplacedAnswer(id: string, calls: Map<string, CallPlace>): string {
  const call = calls.get(id);
  return call === undefined
    ? `"${id}" answers no tool call of an earlier assistant message`
    : `"${id}" answers ${place(call)}, which is already answered or not in the assistant message right before these tool results`;
}

/** Providers refuse a conversation that moves on while a tool call has no result. */
function requireAnswered(unanswered: Set<string>, calls: Map<string, CallPlace>, next?: number): void {
  const [first] = unanswered;
  if (first === undefined) return;
  const call = calls.get(first) ?? { message: 0, call: 0 };
  throw invalid(
    ["messages", call.message, "toolCalls", call.call, "id"],
    `has no tool message answering it before ${next === undefined ? "the conversation ends" : `messages[${next}]`}`,
  );
}

function place({ message, call }: CallPlace): string {
  return `messages[${message}].toolCalls[${call}]`;
}
