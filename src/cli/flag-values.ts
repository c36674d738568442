import { UsageError } from "./usage-error.js";

/**
 * A whole number written in decimal digits: parseInt would read "12abc" as 12 and Number reads ""
 * as 0, so both would turn a typo into a request. Range checks stay with the router.
 */
export function integerFlag(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim())) throw new UsageError(`${flag} expects a whole number (got "${value}")`);
  return Number(value);
}

/** A decimal number such as 0.7 or 1. */
export function numberFlag(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(value.trim())) {
    throw new UsageError(`${flag} expects a number (got "${value}")`);
  }
  return Number(value);
}

/** One of a fixed set of words. */
export function choiceFlag<const Choice extends string>(
  flag: string,
  value: string | undefined,
  choices: readonly Choice[],
): Choice | undefined {
  if (value === undefined) return undefined;
  const choice = choices.find((entry) => entry === value);
  if (choice === undefined) {
    throw new UsageError(`${flag} expects ${choices.join(" or ")} (got "${value}")`);
  }
  return choice;
}
