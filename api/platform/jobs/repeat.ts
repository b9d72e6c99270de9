/**
 * Runs `task` now and then every `intervalMs` (the timer does not keep the process alive).
 * A failed pass is reported and the next interval tries again.
 * @returns the function that stops the timer and waits for the pass in flight.
 */
export function repeat(task: () => Promise<unknown>, intervalMs: number, onError: (error: unknown) => void): () => Promise<void> {
  let inFlight: Promise<unknown> = Promise.resolve();
  const run = () => {
    inFlight = task().catch(onError);
  };
  run();
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await inFlight;
  };
}
