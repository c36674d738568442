import type { ImagePart, Target } from "../core/index.js";

/** An image's size in pixels, when its header was read (inline images); unknown for a URL. */
export interface ImageFacts {
  width?: number;
  height?: number;
  detail: NonNullable<ImagePart["detail"]>;
}

/**
 * OpenAI's tile rule (GPT-4o, GPT-4.1, GPT-5, o1, o3): the image fitted within 2048×2048, then
 * its short side brought down to 768 px; `base` plus `tile` per 512 px tile, `base` alone at
 * detail "low". At most 8 tiles (768×2048).
 */
interface TileRule {
  kind: "tiles";
  base: number;
  tile: number;
}

/**
 * OpenAI's patch rule (GPT-4.1 mini and nano, o4-mini, GPT-5 mini and nano): one patch per
 * 32×32 px, at most `maxPatches` (larger images are scaled down to fit), times the model's
 * multiplier; `detail` does not change it.
 */
interface PatchRule {
  kind: "patches";
  maxPatches: number;
  multiplier: number;
}

type OpenAIImageRule = TileRule | PatchRule;

const gpt4o: TileRule = { kind: "tiles", base: 85, tile: 170 };

/**
 * OpenAI's published image costs by model, first match wins. GPT-4o mini bills images at 33×
 * GPT-4o's tokens (its token price is 1/33). GPT-5 point releases take up to 2,500 patches;
 * their multiplier is not published, so the largest published one (2.46) bounds them.
 */
const openaiRules: readonly { pattern: RegExp; rule: OpenAIImageRule }[] = [
  { pattern: /^(gpt-4o-mini)/, rule: { kind: "tiles", base: 2833, tile: 5667 } },
  { pattern: /^gpt-4\.1-mini/, rule: { kind: "patches", maxPatches: 1536, multiplier: 1.62 } },
  { pattern: /^gpt-4\.1-nano/, rule: { kind: "patches", maxPatches: 1536, multiplier: 2.46 } },
  { pattern: /^(o4-mini|codex-mini)/, rule: { kind: "patches", maxPatches: 1536, multiplier: 1.72 } },
  { pattern: /^gpt-5-mini/, rule: { kind: "patches", maxPatches: 1536, multiplier: 1.62 } },
  { pattern: /^gpt-5-nano/, rule: { kind: "patches", maxPatches: 1536, multiplier: 2.46 } },
  { pattern: /^gpt-5\.\d/, rule: { kind: "patches", maxPatches: 2500, multiplier: 2.46 } },
  {
    pattern: /^(gpt-4o|chatgpt-4o|gpt-4\.1|gpt-4\.5|gpt-4-turbo|gpt-5|o1|o3|computer-use)/,
    rule: gpt4o,
  },
];

/**
 * Anthropic: ⌈w/28⌉·⌈h/28⌉ visual tokens (its older rule, w·h/750, is slightly larger for big
 * images, so the larger of the two is taken). Images above the model's native resolution are
 * scaled down first, which caps the count: ~1.15 MP (1,640 tokens at most, 784×1568 px) up to
 * Claude 4.6, a 2576 px long edge (8,848 tokens for 2576×2576) for Claude Opus 4.7 and later.
 */
const anthropicCaps = { upTo46: 1640, later: 8848 } as const;
const anthropicUpTo46 = /^claude-(3|(sonnet|opus|haiku)-4-[0-6]|(sonnet|opus)-4-20)/;

/**
 * Every other target type: OpenAI-compatible hosts serve open vision models whose counts differ
 * by model (LLaVA-NeXT ≤ 2,880, Llama 3.2 Vision ≤ 6,404, Qwen2.5-VL ≤ 16,384 at its default
 * `max_pixels`), so each image is bounded by the largest of these.
 */
export const openImageTokenBound = 16_384;

/**
 * Prompt tokens one image costs on `target`, by its provider's published rule; an upper bound
 * where the size is unknown (the provider's largest count per image) or the model is not in the
 * tables (the largest count of any rule here), so a cost estimate stays a bound.
 */
export function imageTokens(image: ImageFacts, target: Pick<Target, "providerType" | "model">): number {
  const model = target.model.replace(/^ft:/, "");
  if (target.providerType === "openai") {
    const known = openaiRules.find((entry) => entry.pattern.test(model));
    if (known) return openaiImageTokens(known.rule, image);
    return Math.max(...openaiRules.map((entry) => openaiImageTokens(entry.rule, image)));
  }
  if (target.providerType === "anthropic") {
    const cap = anthropicUpTo46.test(model) ? anthropicCaps.upTo46 : anthropicCaps.later;
    const { width, height } = image;
    if (width === undefined || height === undefined) return cap;
    const patches = Math.ceil(width / 28) * Math.ceil(height / 28);
    return Math.min(cap, Math.max(patches, Math.ceil((width * height) / 750)));
  }
  return openImageTokenBound;
}

/** Tokens of one image under GPT-4o's rule: the context-window estimate before a target is chosen. */
export function typicalImageTokens(image: ImageFacts): number {
  return openaiImageTokens(gpt4o, image);
}

function openaiImageTokens(rule: OpenAIImageRule, image: ImageFacts): number {
  const { width, height } = image;
  if (rule.kind === "patches") {
    if (width === undefined || height === undefined) return Math.ceil(rule.maxPatches * rule.multiplier);
    const patches = Math.ceil(width / 32) * Math.ceil(height / 32);
    return Math.ceil(Math.min(patches, rule.maxPatches) * rule.multiplier);
  }
  if (image.detail === "low") return rule.base;
  if (width === undefined || height === undefined) return rule.base + 8 * rule.tile;
  return rule.base + tiles(width, height) * rule.tile;
}

/**
 * 512 px tiles after fitting within 2048×2048 and bringing the short side to 768 px. OpenAI's
 * text reads as if a smaller short side may be scaled up to 768 too; the larger of both readings
 * is taken so the count stays a bound.
 */
function tiles(width: number, height: number): number {
  const fit = Math.min(1, 2048 / Math.max(width, height));
  const short = Math.min(width, height) * fit;
  const down = fit * Math.min(1, 768 / short);
  const up = Math.min(768 / Math.min(width, height), 2048 / Math.max(width, height));
  return Math.max(tileCount(width, height, down), tileCount(width, height, up));
}

function tileCount(width: number, height: number, scale: number): number {
  // A hair of slack so floating-point rounding never turns 1536.0000001 px into another tile.
  const side = (pixels: number) => Math.max(1, Math.ceil((pixels * scale - 1e-6) / 512));
  return side(width) * side(height);
}
