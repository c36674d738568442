/** rpm and tpm are budgets per minute, refilled together at the start of each window. */
export const rateWindowMs = 60_000;
