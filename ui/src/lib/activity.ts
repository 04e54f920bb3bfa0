// The shell enforces the idle lock; the page only tells it that someone is still there. Input events
// come by the hundred, so the report goes out at most once per interval.
export const ACTIVITY_INTERVAL_MS = 20_000;

export function throttled(send: () => void, intervalMs = ACTIVITY_INTERVAL_MS, now = () => Date.now()): () => void {
  let last = -Infinity;
  return () => {
    const time = now();
    if (time - last < intervalMs) return;
    last = time;
    send();
  };
}
