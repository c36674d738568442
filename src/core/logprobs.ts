export interface TopLogprob {
  token: string;
  logprob: number;
}

/** Log-probability of one generated token and its most likely alternatives at that position. */
export interface TokenLogprob {
  token: string;
  logprob: number;
  topLogprobs: TopLogprob[];
}
