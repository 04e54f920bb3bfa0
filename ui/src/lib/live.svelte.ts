// A do-no-harm check that follows typing: it waits for a pause, asks the shell, and keeps only the
// answer to the latest question, so a slow answer to an old draft never replaces a newer one. Nothing
// is saved by a check; the form's save button waits until the current draft has been checked.
import type { FindingDto, IpcError, Result } from "./bindings";

/** How long typing must pause before the draft is checked. */
export const CHECK_PAUSE_MS = 350;

export class LiveCheck<I> {
  findings = $state.raw<FindingDto[]>([]);
  error = $state.raw<IpcError | null>(null);
  /** A check is waiting for the pause or for the shell's answer. */
  pending = $state(false);
  /** The findings shown are those of the current draft. */
  current = $state(false);

  private request = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly run: (input: I) => Promise<Result<FindingDto[], IpcError>>,
    private readonly pauseMs = CHECK_PAUSE_MS,
  ) {}

  /** The draft changed: check it after a pause, or forget the findings when there is nothing to check. */
  schedule(input: I | null): void {
    clearTimeout(this.timer);
    const mine = ++this.request;
    this.current = false;
    if (input === null) {
      this.pending = false;
      this.findings = [];
      this.error = null;
      return;
    }
    this.pending = true;
    this.timer = setTimeout(() => void this.ask(input, mine), this.pauseMs);
  }

  /** Shows findings that came with a refused save (the vault changed since the last check). */
  replace(findings: FindingDto[]): void {
    this.findings = findings;
    this.error = null;
    this.current = true;
  }

  stop(): void {
    clearTimeout(this.timer);
    this.request++;
    this.pending = false;
  }

  private async ask(input: I, mine: number): Promise<void> {
    const result = await this.run(input);
    if (mine !== this.request) return;
    this.pending = false;
    this.current = true;
    if (result.status === "ok") {
      this.findings = result.data;
      this.error = null;
    } else {
      this.findings = [];
      this.error = result.error;
    }
  }
}
