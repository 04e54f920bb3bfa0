// The shell enforces the idle lock; the page only tells it that someone is still there. Input events
// come by the hundred, so the report goes out at most once per interval: at once, and again at the end
// of the interval when there was activity since. Without that trailing report, typing for 19 seconds
// after a report left the shell 19 seconds behind, and the lock fired that much early while typing.
export const ACTIVITY_INTERVAL_MS = 20_000;

type Schedule = (run: () => void, delayMs: number) => unknown;

export function throttled(
  send: () => void,
  intervalMs = ACTIVITY_INTERVAL_MS,
  now = () => Date.now(),
  schedule: Schedule = (run, delayMs) => setTimeout(run, delayMs),
): () => void {
  let last = -Infinity;
  let pending = false;
  const report = () => {
    last = now();
    send();
  };
  return () => {
    const time = now();
    if (time - last >= intervalMs) {
      report();
      return;
    }
    if (pending) return;
    pending = true;
    schedule(
      () => {
        pending = false;
        report();
      },
      last + intervalMs - time,
    );
  };
}
