/** Upper bounds of the request duration histogram, seconds. */
const buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

function labels(values: Record<string, string>): string {
  const entries = Object.entries(values);
  if (entries.length === 0) return "";
  const escaped = entries.map(
    ([name, value]) =>
      `${name}="${value.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n")}"`,
  );
  return `{${escaped.join(",")}}`;
}

class Histogram {
  readonly counts = buckets.map(() => 0);
  sum = 0;
  count = 0;
  observe(seconds: number): void {
    this.sum += seconds;
    this.count += 1;
    for (let index = 0; index < buckets.length; index++) {
      if (seconds <= (buckets[index] as number)) (this.counts[index] as number)++;
    }
  }
}

/**
 * The gateway's Prometheus metrics, in the text exposition format (0.0.4): requests by endpoint
 * and status, their durations, calls in flight, and tokens and US dollars by route and key.
 */
export class GatewayMetrics {
  readonly #requests = new Map<string, number>();
  readonly #durations = new Map<string, Histogram>();
  readonly #tokens = new Map<string, number>();
  readonly #cost = new Map<string, number>();
  inFlight = 0;

  request(endpoint: string, status: number, seconds: number): void {
    const key = labels({ endpoint, status: String(status) });
    this.#requests.set(key, (this.#requests.get(key) ?? 0) + 1);
    const durationKey = labels({ endpoint });
    let histogram = this.#durations.get(durationKey);
    if (!histogram) {
      histogram = new Histogram();
      this.#durations.set(durationKey, histogram);
    }
    histogram.observe(seconds);
  }

  usage(
    route: string,
    key: string | undefined,
    inputTokens: number,
    outputTokens: number,
    costUsd: number,
  ): void {
    const who = { route, key: key ?? "" };
    for (const [type, count] of [
      ["input", inputTokens],
      ["output", outputTokens],
    ] as const) {
      const tokenKey = labels({ ...who, type });
      this.#tokens.set(tokenKey, (this.#tokens.get(tokenKey) ?? 0) + count);
    }
    const costKey = labels(who);
    this.#cost.set(costKey, (this.#cost.get(costKey) ?? 0) + costUsd);
  }

  text(): string {
    const lines: string[] = [];
    const counter = (name: string, help: string, values: Map<string, number>) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
      for (const [key, value] of values) lines.push(`${name}${key} ${value}`);
    };
    counter(
      "switchyard_gateway_requests_total",
      "HTTP requests answered, by endpoint and status.",
      this.#requests,
    );
    lines.push(
      "# HELP switchyard_gateway_request_duration_seconds Time to the response's end (streams: the last event).",
      "# TYPE switchyard_gateway_request_duration_seconds histogram",
    );
    for (const [key, histogram] of this.#durations) {
      const inner = key.slice(1, -1);
      buckets.forEach((bound, index) => {
        lines.push(
          `switchyard_gateway_request_duration_seconds_bucket{${inner},le="${bound}"} ${histogram.counts[index]}`,
        );
      });
      lines.push(`switchyard_gateway_request_duration_seconds_bucket{${inner},le="+Inf"} ${histogram.count}`);
      lines.push(`switchyard_gateway_request_duration_seconds_sum${key} ${histogram.sum}`);
      lines.push(`switchyard_gateway_request_duration_seconds_count${key} ${histogram.count}`);
    }
    lines.push(
      "# HELP switchyard_gateway_in_flight API requests being served.",
      "# TYPE switchyard_gateway_in_flight gauge",
      `switchyard_gateway_in_flight ${this.inFlight}`,
    );
    counter(
      "switchyard_gateway_tokens_total",
      "Tokens of successful calls, by route, key and type.",
      this.#tokens,
    );
    counter(
      "switchyard_gateway_cost_usd_total",
      "US dollars of successful calls, by route and key.",
      this.#cost,
    );
    return `${lines.join("\n")}\n`;
  }
}
