/** A metadata value's test: equal to a string, one of a list, or starting with a prefix. */
export type MetadataMatcher = string | { in: string[] } | { prefix: string };

/** What a request must carry for a `select` rule to choose its route; every condition must hold. */
export interface RouteRuleWhen {
  tags?: {
    /** Every one of these tags. */
    includes?: string[];
    /** At least one of these tags. */
    any?: string[];
  };
  /** Each key must be present in `request.metadata` and its value must match. */
  metadata?: Record<string, MetadataMatcher>;
}

/** One rule of the policy's `select` list. A rule without conditions matches every request. */
export interface RouteRule {
  when: RouteRuleWhen;
  route: string;
}

/** How a call's route was chosen; recorded in the route trace and shown by `explain()`. */
export interface RouteSelection {
  /** `request`: the request named its route; `rule`: a `select` rule matched; `default`: none did. */
  by: "request" | "rule" | "default";
  /** Index of the matching rule in the policy's `select` list, when `by` is "rule". */
  rule?: number;
  route: string;
}
