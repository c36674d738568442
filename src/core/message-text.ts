import { InvalidRequestError } from "./errors/invalid-request-error.js";
import type { ImagePart, Message, UserContentPart } from "./messages.js";

/** A message's text: its content, or its text parts joined by a blank line (images left out). */
export function messageText(message: Message): string {
  const { content } = message;
  if (typeof content === "string") return content;
  return content.flatMap((part) => (part.type === "text" ? [part.text] : [])).join("\n\n");
}

/** The image parts of a user message's content, in order; none for other messages. */
export function imageParts(message: Message): ImagePart[] {
  if (message.role !== "user" || typeof message.content === "string") return [];
  return message.content.filter((part: UserContentPart): part is ImagePart => part.type === "image");
}

/** Whether any message of the conversation carries an image. */
export function hasImages(messages: readonly Message[]): boolean {
  return messages.some((message) => imageParts(message).length > 0);
}

/**
 * The text of a message for an adapter that sends text only (a prompt template, the local
 * engine): an image is refused, naming where it sits, rather than dropped. The capabilities
 * filter keeps image requests away from such targets; this guards a target whose policy claims
 * `vision` its adapter does not have.
 */
export function textOnly(message: Message, index: number, adapter: string): string {
  if (message.role === "user" && typeof message.content !== "string") {
    const image = message.content.findIndex((part) => part.type === "image");
    if (image !== -1) {
      throw new InvalidRequestError(
        `messages[${index}].content[${image}]`,
        `${adapter} sends text only and cannot take an image; route image requests to a target with \`vision\``,
      );
    }
  }
  return messageText(message);
}
