// Calls an observer or interceptor callback that only counts or reports: its failure must never change delivery.

export function safeNotify(call: () => void): void {
  try {
    call();
  } catch {
    // a metrics failure is not the message's failure; dropping it here keeps delivery semantics independent of it
  }
}
