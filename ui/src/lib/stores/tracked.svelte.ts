// A command that runs as a shell job (an export, a bundle being checked, extracted or imported): the
// command answers when the work is done, and meanwhile its progress events name the job, so the screen
// can show a bar and Cancel. Events of other kinds (files being added) are not ours.
import { call, callPlain, commands, events, type IpcError, type Result } from "../api";

export class TrackedJob {
  running = $state(false);
  id = $state<number | null>(null);
  done = $state(0);
  total = $state(0);
  cancelling = $state(false);

  constructor(private readonly kind: string) {}

  async run<T>(request: () => Promise<Result<T, IpcError>>): Promise<Result<T, IpcError>> {
    this.running = true;
    this.cancelling = false;
    this.id = null;
    this.done = 0;
    this.total = 0;
    let stop: (() => void) | null = null;
    try {
      stop = await events.jobProgress.listen(({ payload }) => {
        if (payload.kind !== this.kind || !this.running) return;
        this.id = payload.job_id;
        this.done = payload.done;
        this.total = payload.total;
      });
    } catch {
      // Without progress events the work still runs; only the bar stays empty.
    }
    try {
      return await call(request);
    } finally {
      stop?.();
      this.running = false;
      this.id = null;
    }
  }

  async cancel(): Promise<void> {
    const id = this.id;
    if (id === null) return;
    this.cancelling = true;
    await callPlain(() => commands.cancelJob(id));
  }
}
