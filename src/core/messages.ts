/** A tool call the model asked for; `arguments` is the raw JSON text the model produced. */
export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

export interface SystemMessage {
  role: "system";
  content: string;
}

/** Text beside images in a user message. */
export interface TextPart {
  type: "text";
  text: string;
}

/** The image formats every vision-capable provider takes (OpenAI, Anthropic, vLLM, …). */
export type ImageMediaType = "image/png" | "image/jpeg" | "image/gif" | "image/webp";

/** Every `ImageMediaType`, in the order error messages list them. */
export const imageMediaTypes: readonly ImageMediaType[] = [
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
];

/** An image sent inline: the file's bytes in standard base64 (no `data:` prefix). */
export interface InlineImage {
  data: string;
  mediaType: ImageMediaType;
}

/**
 * An image the model is shown. `image` is an http(s) URL the provider fetches, a `data:` URL
 * (`data:image/png;base64,…`), or the bytes with their media type. A validated request holds
 * `data:` URLs as `InlineImage`, so adapters see a plain URL or inline bytes.
 */
export interface ImagePart {
  type: "image";
  image: string | InlineImage;
  /**
   * OpenAI's resolution hint (Anthropic has none and ignores it): "low" is one 512 px view
   * (85 tokens on GPT-4o), "high" tiles the image. @default "auto" (the provider chooses)
   */
  detail?: "auto" | "low" | "high";
}

export type UserContentPart = TextPart | ImagePart;

/** A user turn: plain text, or text and images in order. */
export interface UserMessage {
  role: "user";
  content: string | UserContentPart[];
}

export interface AssistantMessage {
  role: "assistant";
  content: string;
  toolCalls?: ToolCall[];
}

export interface ToolMessage {
  role: "tool";
  /** The id of the tool call this message answers. */
  toolCallId: string;
  content: string;
}

export type Message = SystemMessage | UserMessage | AssistantMessage | ToolMessage;
