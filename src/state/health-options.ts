/** Circuit breaker settings (Envoy / gRPC style). */
export interface BreakerOptions {
  /** Share of failed calls in the window that opens the breaker. @default 0.5 */
  failureRatio: number;
  /** Calls the window must hold before the ratio is trusted. @default 20 */
  minCalls: number;
  /** Length of the sliding window, ms. @default 60000 */
  windowMs: number;
  /** How long the breaker stays open before letting probes through (half-open), ms. @default 30000 */
  openMs: number;
}

/** Outlier ejection settings (Envoy's consecutive-failure detector). */
export interface EjectionOptions {
  /** Consecutive failures that eject the target. @default 5 */
  consecutiveFailures: number;
  /** Ejection length; the n-th ejection in a row lasts n times this, ms. @default 30000 */
  baseMs: number;
  /** Longest ejection, whatever the streak (Envoy's max_ejection_time), ms. @default 300000 */
  maxMs: number;
}

export const defaultBreakerOptions: Readonly<BreakerOptions> = {
  failureRatio: 0.5,
  minCalls: 20,
  windowMs: 60_000,
  openMs: 30_000,
};

export const defaultEjectionOptions: Readonly<EjectionOptions> = {
  consecutiveFailures: 5,
  baseMs: 30_000,
  maxMs: 300_000,
};
