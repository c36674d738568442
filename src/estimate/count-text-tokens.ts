import { type CountOptions, TokenTally } from "./token-tally.js";

/**
 * Tokens of a text in the o200k_base encoding (GPT-4o and later), counted in slices that leave
 * the event loop free (see `TokenTally`); exact up to `exactTokens`, an upper bound beyond.
 */
export async function countTextTokens(text: string, options: CountOptions = {}): Promise<number> {
  const tally = await TokenTally.open(options);
  await tally.text(text);
  return tally.total;
}
