/** The baseline: ordinary English prose of `length` UTF-16 code units. */
export function englishText(length: number): string;

/** Hostile texts by name; each builder takes a length in UTF-16 code units. */
export const hostileInputs: Readonly<Record<string, (length: number) => string>>;
