/**
 * Calls each of `listeners` with `args`. A listener that throws is the app's bug: its error is
 * thrown again in a microtask, where the app's error reporting sees it, and never stops the other
 * listeners or the SDK's own work.
 * @internal
 */
export function callEach<Args extends unknown[]>(listeners: Iterable<(...args: Args) => void>, ...args: Args): void {
  for (const listener of [...listeners]) {
    try {
      listener(...args);
    } catch (error) {
      queueMicrotask(() => {
        throw error;
      });
    }
  }
}
