// The whole-vault check: it runs in the shell and reports through events, so its state outlives the
// custody screen (the user may look elsewhere while it runs).
import { call, commands, type IpcError } from "../api";
import type { VerifyFinished, VerifyProgress, VerifyReportDto } from "../bindings";

class VerifyStore {
  running = $state(false);
  jobId = $state<number | null>(null);
  done = $state(0);
  total = $state(0);
  report = $state.raw<VerifyReportDto | null>(null);
  error = $state.raw<IpcError | null>(null);

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.jobId = null;
    this.done = 0;
    this.total = 0;
    this.report = null;
    this.error = null;
    const result = await call(() => commands.verifyVault());
    if (result.status === "error") {
      this.running = false;
      this.error = result.error;
    } else if (this.running) {
      this.jobId = result.data;
    }
  }

  /** Events may arrive before the command has answered with the job id: those belong to this run too. */
  private ours(jobId: number): boolean {
    return this.running && (this.jobId === null || this.jobId === jobId);
  }

  progress(event: VerifyProgress): void {
    if (!this.ours(event.job_id)) return;
    this.done = event.done;
    this.total = event.total;
  }

  finished(event: VerifyFinished): void {
    if (!this.ours(event.job_id)) return;
    this.running = false;
    this.report = event.report;
    this.error = event.report ? null : (event.error ?? { code: "internal", message: "no report" });
  }

  clear(): void {
    this.running = false;
    this.jobId = null;
    this.report = null;
    this.error = null;
  }
}

export const verify = new VerifyStore();
