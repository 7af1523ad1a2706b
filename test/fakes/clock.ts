/** Time for the fakes: their latencies are promises about the wall clock. */

/** Waits at least `ms` by the wall clock (a timer can fire a millisecond early). */
export async function sleep(ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) await new Promise((r) => setTimeout(r, until - Date.now()));
}
