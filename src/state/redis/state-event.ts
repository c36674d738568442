/**
 * A change in the shared store's reachability. `unavailable` is a warning: while Redis is down a
 * fail-open store serves this process's own state, a fail-closed one refuses new calls.
 * `restored` follows once Redis answers again and everything recorded meanwhile has been written.
 */
export interface StateEvent {
  type: "state";
  status: "unavailable" | "restored";
  /** What happened, naming the server by host and port only. */
  message: string;
}
