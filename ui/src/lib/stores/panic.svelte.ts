// The emergency wipe: asked for from the header, the unlock screen or Ctrl+Shift+Delete, with one
// confirmation. The shell makes the last copy (when asked, the vault open), closes the vault and destroys
// this computer's key slots; the page then shows the first-run screen exactly as on a new computer:
// nothing on it tells whoever holds the laptop next that a vault, or a copy of it, existed.
import { call, commands, type IpcError } from "../api";
import type { RemoteDto } from "../bindings";
import { session } from "./session.svelte";
import { TrackedJob } from "./tracked.svelte";

class PanicStore {
  open = $state(false);
  /** The remotes a last copy can go to (none while locked). */
  remotes = $state.raw<RemoteDto[]>([]);
  readonly lastCopy = new TrackedJob("push");

  async ask(): Promise<void> {
    if (session.phase !== "main" && session.phase !== "unlock") return;
    this.open = true;
    this.remotes = [];
    if (session.phase !== "main") return;
    const listed = await call(() => commands.listRemotes());
    if (listed.status === "ok") this.remotes = listed.data;
  }

  async wipe(lastCopyTo: string | null, removeFiles: boolean): Promise<IpcError | null> {
    const result = await this.lastCopy.run(() => commands.panicWipe(lastCopyTo, removeFiles));
    if (result.status === "error") return result.error;
    this.open = false;
    session.wiped();
    return null;
  }
}

export const panic = new PanicStore();
