/** The part of the Fetch `Headers` interface the helpers read; SDK errors expose headers this way. */
export interface HeaderReader {
  get(name: string): string | null | undefined;
}
