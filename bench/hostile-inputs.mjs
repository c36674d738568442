// Prompt texts that used to stall the token count (issue 11), shared by bench/token-count.mjs and
// the tests that prove the count stays linear. Each builder returns a string of `length` UTF-16
// code units; "random" ones use a fixed seed, so every run counts the same text.

/** A seeded linear congruential generator: the same sequence on every run. */
function seeded(seed) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state / 2 ** 32;
  };
}

/** Random texts repeat a block of this many code units: building 10 MB part by part takes seconds. */
const blockLength = 1 << 20;

/**
 * Joins `next()` into a block of up to `blockLength` code units, repeats it to `length`, and
 * cuts the end back to a whole code point.
 */
function fill(length, next) {
  const parts = [];
  let size = 0;
  while (size < Math.min(length, blockLength)) {
    const part = next();
    parts.push(part);
    size += part.length;
  }
  const block = parts.join("");
  let text = block.repeat(Math.ceil(length / block.length)).slice(0, length);
  const last = text.charCodeAt(text.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) text = `${text.slice(0, -1)}x`;
  return text;
}

function randomFrom(alphabet, seed) {
  const random = seeded(seed);
  return () => alphabet[Math.floor(random() * alphabet.length)];
}

const sentences = [
  "The committee reviewed the quarterly figures and asked for a revised forecast by Friday. ",
  "Shipping times improved after the second warehouse opened, though costs rose slightly. ",
  "She explained that the model's answers were checked against the original documents. ",
  "In 2024 the city added 37 kilometres of cycle lanes, mostly along the river. ",
  "Please summarise the attached notes in three short paragraphs for the board.\n",
];

const lowercase = [..."abcdefghijklmnopqrstuvwxyz"];
const ideographs = Array.from({ length: 2000 }, (_, index) => String.fromCodePoint(0x4e00 + index));
const emojiSequences = ["👨\u200d👩\u200d👧\u200d👦", "🏳️\u200d🌈", "🧑🏽\u200d💻", "👍🏾", "😀"];

/** Code points from each of the 17 planes in turn, surrogates and unpaired halves left out. */
function everyPlane(seed) {
  const random = seeded(seed);
  let plane = 0;
  return () => {
    let codePoint = plane * 0x10000 + Math.floor(random() * 0x10000);
    if (codePoint >= 0xd800 && codePoint <= 0xdfff) codePoint -= 0x800;
    plane = (plane + 1) % 17;
    return String.fromCodePoint(codePoint);
  };
}

/** Lone high and low surrogates between letters, never forming a pair. */
function loneSurrogates(seed) {
  const random = randomFrom(["\ud800", "\udbff", "\udc00", "\udfff"], seed);
  return () => `${random()}a`;
}

/** The baseline: ordinary English prose of the same length. */
export function englishText(length) {
  let index = 0;
  return fill(length, () => sentences[index++ % sentences.length]);
}

/** Hostile texts by name; each builder takes a length in UTF-16 code units. */
export const hostileInputs = {
  "one repeated character": (length) => "a".repeat(length),
  "random letters without spaces": (length) => fill(length, randomFrom(lowercase, 1)),
  "random CJK without punctuation": (length) => fill(length, randomFrom(ideographs, 2)),
  "every Unicode plane": (length) => fill(length, everyPlane(3)),
  "lone surrogates": (length) => fill(length, loneSurrogates(4)),
  "combining-mark flood": (length) => `e${"\u0301".repeat(length - 1)}`,
  "emoji ZWJ sequences": (length) => fill(length, randomFrom(emojiSequences, 5)),
};
