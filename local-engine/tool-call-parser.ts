import { EngineError } from "./engine-error.js";
import type { ToolCallFormat } from "./types.js";

/** A tool call read from the model's output; `arguments` is compact JSON text of an object. */
export interface ParsedToolCall {
  name: string;
  arguments: string;
}

/** What one `push` (or `end`) released: text certainly outside tool calls, and the calls completed. */
export interface ParsedOutput {
  text: string;
  calls: ParsedToolCall[];
  /**
   * Only from `end({ cut: true })`: the call the output stopped in the middle of. `name` is "" when
   * the cut came before the name was complete; `arguments` is the raw text of the arguments so far.
   */
  partial?: ParsedToolCall;
}

/** How the output ended, for `end`. */
export interface OutputEnd {
  /** The output was cut off (the token limit): an unfinished call is a partial call, not text. */
  cut?: boolean;
}

const HERMES_OPEN = "<tool_call>";
const HERMES_CLOSE = "</tool_call>";
const MISTRAL_MARKER = "[TOOL_CALLS]";
const PYTHON_TAG = "<|python_tag|>";
const LEADING_WHITESPACE = /^[ \t\r\n]*/;
const TRAILING_WHITESPACE = /[ \t\r\n]*$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const LLAMA3_KEYS = new Set(["name", "parameters", "arguments", "type"]);

/**
 * A call object `{"name": …, "arguments"|"parameters": {…}}` (the arguments may come as JSON text
 * of an object); anything else is no call. Without a marker around it (Llama 3's bare JSON), only an
 * object with no other keys than those and `"type": "function"` counts, so that an ordinary JSON
 * answer that happens to have a `name` stays text.
 */
function toCall(value: unknown, bare: boolean): ParsedToolCall | undefined {
  if (!isObject(value) || typeof value.name !== "string" || value.name === "") return undefined;
  if (bare) {
    if (Object.keys(value).some((key) => !LLAMA3_KEYS.has(key))) return undefined;
    if (value.type !== undefined && value.type !== "function") return undefined;
  }
  let parameters = value.arguments !== undefined ? value.arguments : value.parameters;
  if (typeof parameters === "string") parameters = parseJson(parameters);
  if (parameters === undefined || parameters === null) return { name: value.name, arguments: "{}" };
  if (!isObject(parameters)) return undefined;
  return { name: value.name, arguments: JSON.stringify(parameters) };
}

const NAME = /"name"\s*:\s*"((?:[^"\\]|\\.)*)"/;
const ARGUMENTS = /"(?:arguments|parameters)"\s*:\s*/;

/** What can be read of a call cut off mid-way: its name once complete, and the arguments' text so far. */
function partialCall(body: string): ParsedToolCall {
  const named = NAME.exec(body);
  let name = "";
  if (named) {
    const decoded = parseJson(`"${named[1]}"`);
    if (typeof decoded === "string") name = decoded;
  }
  const start = ARGUMENTS.exec(body);
  return { name, arguments: start ? body.slice(start.index + start[0].length) : "" };
}

/** The calls of a non-empty JSON array of call objects, or undefined when any element is no call. */
function toCalls(value: unknown): ParsedToolCall[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const calls: ParsedToolCall[] = [];
  for (const item of value) {
    const call = toCall(item, false);
    if (call === undefined) return undefined;
    calls.push(call);
  }
  return calls;
}

/** How much of the end of `text` is a proper prefix of `marker` (may be the marker's start). */
function heldForMarker(text: string, marker: string): number {
  for (let length = Math.min(marker.length - 1, text.length); length > 0; length--) {
    if (text.endsWith(marker.slice(0, length))) return length;
  }
  return 0;
}

/**
 * Finds where a JSON object or array that starts at the beginning of the scanned text ends, one
 * pushed piece at a time (it resumes where it stopped), counting brackets outside strings.
 * JSON.parse has the last word on whether the text is valid.
 */
class BracketScanner {
  private position = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;

  reset(): void {
    this.position = 0;
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
  }

  /** The index just past the bracket that closes the value in `text`, or -1 while it is open. */
  scan(text: string): number {
    for (; this.position < text.length; this.position++) {
      const char = text[this.position];
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (char === "\\") this.escaped = true;
        else if (char === '"') this.inString = false;
      } else if (char === '"') {
        this.inString = true;
      } else if (char === "{" || char === "[") {
        this.depth++;
      } else if ((char === "}" || char === "]") && --this.depth <= 0) {
        return ++this.position;
      }
    }
    return -1;
  }
}

/**
 * Shared output side of the formats: released text and calls. Whitespace next to a call (the
 * newline between two `<tool_call>` blocks, before the first, after the last) is no text: the
 * trailing whitespace of released text waits until it is known whether a call follows.
 */
abstract class FormatParser {
  private text = "";
  private calls: ParsedToolCall[] = [];
  private heldWhitespace = "";
  private afterCall = false;
  protected buffer = "";

  push(text: string): ParsedOutput {
    this.buffer += text;
    this.process();
    return this.take();
  }

  end(options: OutputEnd = {}): ParsedOutput {
    const open = options.cut ? this.openCall() : undefined;
    if (open !== undefined) {
      this.buffer = "";
      this.heldWhitespace = "";
      return { ...this.take(), partial: partialCall(open) };
    }
    this.flush();
    this.buffer = "";
    this.text += this.heldWhitespace;
    this.heldWhitespace = "";
    return this.take();
  }

  /** Consumes what it can decide in `buffer`. */
  protected abstract process(): void;
  /** The text of a call begun and not finished (from its JSON on), or undefined when none is open. */
  protected abstract openCall(): string | undefined;
  /** End of output: what `buffer` and the state still hold is a call if it parses as one, else text. */
  protected abstract flush(): void;

  protected emitText(text: string): void {
    let rest = text;
    if (this.afterCall) {
      rest = rest.replace(LEADING_WHITESPACE, "");
      if (rest === "") return;
      this.afterCall = false;
    }
    const all = this.heldWhitespace + rest;
    const kept = all.replace(TRAILING_WHITESPACE, "").length;
    this.text += all.slice(0, kept);
    this.heldWhitespace = all.slice(kept);
  }

  protected emitCalls(calls: readonly ParsedToolCall[]): void {
    this.heldWhitespace = "";
    this.afterCall = true;
    this.calls.push(...calls);
  }

  private take(): ParsedOutput {
    const output = { text: this.text, calls: this.calls };
    this.text = "";
    this.calls = [];
    return output;
  }
}

/** `<tool_call>\n{"name": …, "arguments": {…}}\n</tool_call>` blocks anywhere in the text. */
class HermesParser extends FormatParser {
  private inCall = false;
  private searchFrom = 0;

  protected process(): void {
    for (;;) {
      if (!this.inCall) {
        const start = this.buffer.indexOf(HERMES_OPEN);
        if (start < 0) {
          const ready = this.buffer.length - heldForMarker(this.buffer, HERMES_OPEN);
          this.emitText(this.buffer.slice(0, ready));
          this.buffer = this.buffer.slice(ready);
          return;
        }
        this.emitText(this.buffer.slice(0, start));
        this.buffer = this.buffer.slice(start + HERMES_OPEN.length);
        this.inCall = true;
        this.searchFrom = 0;
      }
      const end = this.buffer.indexOf(HERMES_CLOSE, this.searchFrom);
      if (end < 0) {
        this.searchFrom = Math.max(0, this.buffer.length - HERMES_CLOSE.length + 1);
        return;
      }
      this.resolve(this.buffer.slice(0, end), HERMES_CLOSE);
      this.buffer = this.buffer.slice(end + HERMES_CLOSE.length);
      this.inCall = false;
    }
  }

  protected openCall(): string | undefined {
    return this.inCall ? this.buffer : undefined;
  }

  protected flush(): void {
    if (this.inCall) this.resolve(this.buffer, "");
    else this.emitText(this.buffer);
    this.inCall = false;
  }

  private resolve(body: string, close: string): void {
    const call = toCall(parseJson(body), false);
    if (call === undefined) this.emitText(HERMES_OPEN + body + close);
    else this.emitCalls([call]);
  }
}

/**
 * `[TOOL_CALLS]` then a JSON array of calls, anywhere in the text; or the array alone at the start
 * of the output, as it comes when the `[TOOL_CALLS]` control token was generated but not rendered.
 */
class MistralParser extends FormatParser {
  private state: "start" | "text" | "marker" | "array" = "start";
  /** What precedes the array in the output (the marker and whitespace), text if it is no call. */
  private opening = "";
  private readonly scanner = new BracketScanner();

  protected process(): void {
    for (;;) {
      switch (this.state) {
        case "start": {
          const rest = this.buffer.replace(LEADING_WHITESPACE, "");
          if (rest === "" || (rest.length < MISTRAL_MARKER.length && MISTRAL_MARKER.startsWith(rest))) return;
          if (rest.startsWith("[") && !rest.startsWith(MISTRAL_MARKER)) {
            const inside = rest.slice(1).replace(LEADING_WHITESPACE, "");
            if (inside === "") return;
            if (inside.startsWith("{")) {
              this.emitText(this.buffer.slice(0, this.buffer.length - rest.length));
              this.buffer = rest;
              this.startArray("");
              break;
            }
          }
          this.state = "text";
          break;
        }
        case "text": {
          const start = this.buffer.indexOf(MISTRAL_MARKER);
          if (start < 0) {
            const ready = this.buffer.length - heldForMarker(this.buffer, MISTRAL_MARKER);
            this.emitText(this.buffer.slice(0, ready));
            this.buffer = this.buffer.slice(ready);
            return;
          }
          this.emitText(this.buffer.slice(0, start));
          this.buffer = this.buffer.slice(start + MISTRAL_MARKER.length);
          this.state = "marker";
          break;
        }
        case "marker": {
          const whitespace = LEADING_WHITESPACE.exec(this.buffer)?.[0] ?? "";
          if (whitespace.length === this.buffer.length) return;
          this.buffer = this.buffer.slice(whitespace.length);
          if (this.buffer.startsWith("[")) {
            this.startArray(MISTRAL_MARKER + whitespace);
          } else {
            this.emitText(MISTRAL_MARKER + whitespace);
            this.state = "text";
          }
          break;
        }
        case "array": {
          const end = this.scanner.scan(this.buffer);
          if (end < 0) return;
          this.resolve(this.buffer.slice(0, end));
          this.buffer = this.buffer.slice(end);
          this.state = "text";
          break;
        }
      }
    }
  }

  protected openCall(): string | undefined {
    return this.state === "array" ? this.buffer.replace(/^\[\s*/, "") : undefined;
  }

  protected flush(): void {
    if (this.state === "array") this.resolve(this.buffer);
    else this.emitText(this.state === "marker" ? MISTRAL_MARKER + this.buffer : this.buffer);
    this.state = "text";
  }

  private startArray(opening: string): void {
    this.opening = opening;
    this.scanner.reset();
    this.state = "array";
  }

  private resolve(array: string): void {
    const calls = toCalls(parseJson(array));
    if (calls === undefined) this.emitText(this.opening + array);
    else this.emitCalls(calls);
  }
}

/**
 * Llama 3's JSON calls: the output is, after optional `<|python_tag|>`, one or more call objects
 * (separated by whitespace or `;`), possibly followed by text. Output that starts any other way is
 * text throughout; so is all of it when its first object is no call.
 */
class Llama3JsonParser extends FormatParser {
  private state: "start" | "object" | "between" | "text" = "start";
  /** Text before the first object (whitespace, the tag), text if that object is no call. */
  private opening = "";
  /** Whitespace and `;` after a call, text if what follows is no call. */
  private separator = "";
  private tagged = false;
  private sawCall = false;
  private readonly scanner = new BracketScanner();

  protected process(): void {
    for (;;) {
      switch (this.state) {
        case "start": {
          const whitespace = LEADING_WHITESPACE.exec(this.buffer)?.[0] ?? "";
          const rest = this.buffer.slice(whitespace.length);
          if (rest === "") return;
          if (!this.tagged && rest.length < PYTHON_TAG.length && PYTHON_TAG.startsWith(rest)) return;
          if (!this.tagged && rest.startsWith(PYTHON_TAG)) {
            this.opening += whitespace + PYTHON_TAG;
            this.buffer = rest.slice(PYTHON_TAG.length);
            this.tagged = true;
          } else if (rest.startsWith("{")) {
            this.opening += whitespace;
            this.buffer = rest;
            this.startObject();
          } else {
            this.toText(this.opening + this.buffer);
          }
          break;
        }
        case "object": {
          const end = this.scanner.scan(this.buffer);
          if (end < 0) return;
          const call = toCall(parseJson(this.buffer.slice(0, end)), true);
          if (call === undefined) {
            this.toText((this.sawCall ? this.separator : this.opening) + this.buffer);
            break;
          }
          this.emitCalls([call]);
          this.sawCall = true;
          this.separator = "";
          this.buffer = this.buffer.slice(end);
          this.state = "between";
          break;
        }
        case "between": {
          const separator = /^[ \t\r\n;]*/.exec(this.buffer)?.[0] ?? "";
          this.separator += separator;
          this.buffer = this.buffer.slice(separator.length);
          if (this.buffer === "") return;
          if (this.buffer.startsWith("{")) this.startObject();
          else this.toText(this.separator + this.buffer);
          break;
        }
        case "text":
          this.emitText(this.buffer);
          this.buffer = "";
          return;
      }
    }
  }

  /** Bare JSON is a call only once it reads like one: an ordinary JSON answer stays text. */
  protected openCall(): string | undefined {
    if (this.state !== "object") return undefined;
    return this.tagged || this.sawCall || /^\{\s*"name"\s*:/.test(this.buffer) ? this.buffer : undefined;
  }

  protected flush(): void {
    if (this.state === "start") {
      this.emitText(this.opening + this.buffer);
    } else if (this.state === "object") {
      const call = toCall(parseJson(this.buffer), true);
      if (call === undefined) this.emitText((this.sawCall ? this.separator : this.opening) + this.buffer);
      else this.emitCalls([call]);
    } else if (this.state === "text") {
      this.emitText(this.buffer);
    }
    this.state = "text";
  }

  private startObject(): void {
    this.scanner.reset();
    this.state = "object";
  }

  private toText(text: string): void {
    this.buffer = "";
    this.state = "text";
    this.emitText(text);
  }
}

/**
 * Splits a model's streamed output into text and tool calls in `format`. `push` each piece of text
 * as it comes: it returns the text that is certainly not part of a call (a tail that may begin a
 * call marker waits, and with Llama 3's bare JSON so does output that begins like a call) and the
 * calls completed so far; `end` releases the rest. What looks like a call but does not parse as one
 * (bad JSON, no name) stays text. Pieces may split the output anywhere: the text and calls are the
 * same as for one push of the whole.
 */
export class ToolCallParser {
  private readonly parser: FormatParser;

  constructor(format: ToolCallFormat) {
    switch (format) {
      case "hermes":
        this.parser = new HermesParser();
        break;
      case "llama3-json":
        this.parser = new Llama3JsonParser();
        break;
      case "mistral":
        this.parser = new MistralParser();
        break;
      default:
        throw new EngineError("INVALID_ARGUMENT", `unknown tool-call format ${JSON.stringify(format)}`);
    }
  }

  push(text: string): ParsedOutput {
    return this.parser.push(text);
  }

  /**
   * The end of the output: held text becomes text unless it parses as a call. With `cut` (the
   * output hit the token limit), a call still open is returned as `partial`, never as text.
   */
  end(options: OutputEnd = {}): ParsedOutput {
    return this.parser.end(options);
  }
}
