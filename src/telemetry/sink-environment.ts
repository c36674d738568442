/** What the OpenTelemetry sinks learn from the router that hosts them. */
export interface SinkEnvironment {
  /** Replaces every configured secret: content put on spans passes it. */
  redact(text: string): string;
  /** The type (`openai`, `anthropic`, `local`, …) of a provider id of the policy in force. */
  providerType(providerId: string): string | undefined;
  /** Read when a metric reader collects: breaker states and engine load. */
  readings(): Promise<RouterReadings>;
}

export interface RouterReadings {
  /** Each target of the policy in force with its breaker state. */
  targets: Array<{ target: string; provider: string; breaker: "closed" | "open" | "half-open" }>;
  /** Each local engine (one per provider, or per replica of one). */
  engines: Array<{
    provider: string;
    replica?: string;
    busySlots: number;
    slots: number;
    queueDepth: number;
  }>;
}
