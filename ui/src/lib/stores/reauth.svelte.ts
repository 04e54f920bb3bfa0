// Asking for the passphrase again before a sensitive act. The shell decides what is sensitive and answers
// `reauth_required`; the page then shows the one passphrase dialog (`ConfirmPassphrase`, mounted once in
// the app shell), and when the passphrase is confirmed, tries the act once more.
import type { IpcError, Result } from "../api";

class ReauthPrompt {
  open = $state(false);
  private settle: ((confirmed: boolean) => void) | null = null;

  /** Shows the dialog; resolves true once the shell confirmed the passphrase, false on Cancel or Escape. */
  ask(): Promise<boolean> {
    // One dialog at a time: a second request while it is up gives up on the first.
    this.settle?.(false);
    this.open = true;
    return new Promise((resolve) => (this.settle = resolve));
  }

  finish(confirmed: boolean): void {
    this.open = false;
    const settle = this.settle;
    this.settle = null;
    settle?.(confirmed);
  }
}

export const reauth = new ReauthPrompt();

/** Runs `attempt`; when the shell asks for the passphrase, asks for it and, once confirmed, runs it again. */
export async function withReauth<T>(attempt: () => Promise<Result<T, IpcError>>): Promise<Result<T, IpcError>> {
  const first = await attempt();
  if (first.status === "error" && first.error.code === "reauth_required" && (await reauth.ask())) return attempt();
  return first;
}
