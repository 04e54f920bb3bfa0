// Which screen the app is on (first run, unlock, the vault itself) and the settings that apply before
// unlocking. Locking, by the user or by the shell (idle timer, sleep, screen lock), drops every item from
// memory.
import { call, callPlain, commands, events, onLockedAnswer } from "../api";
import type { IpcError, OpenNotice, SettingsDto } from "../bindings";
import { setLang } from "../i18n/index.svelte";
import { throttled } from "../activity";
import { items } from "./items.svelte";
import { jobs } from "./jobs.svelte";
import { nav } from "./nav.svelte";
import { reauth, withReauth } from "./reauth.svelte";
import { records } from "./records.svelte";
import { thumbnails } from "./thumbnails.svelte";
import { verify } from "./verify.svelte";

export type Phase = "loading" | "failed" | "create" | "recovery-key" | "unlock" | "main";
export type LockReason = "idle" | "sleep" | "screen_locked" | "user";

/** The reasons the shell gives when it locks on its own; any other is treated as a lock by the user. */
const SHELL_LOCK_REASONS: readonly string[] = ["idle", "sleep", "screen_locked"] satisfies LockReason[];

function lockReason(reason: string): LockReason {
  return SHELL_LOCK_REASONS.includes(reason) ? (reason as LockReason) : "user";
}

class SessionStore {
  phase = $state<Phase>("loading");
  startError = $state.raw<IpcError | null>(null);
  settings = $state<SettingsDto>({ language: "en", idle_lock_minutes: 15 });
  lockReason = $state<LockReason | null>(null);
  /** What the last unlock found worth telling (settled key change, files set aside...), until closed. */
  notices = $state.raw<OpenNotice[]>([]);
  /** Shown once after the vault is created, then forgotten. */
  recoveryKey = $state<string | null>(null);
  /** The idle lock is about a minute away (the page's own estimate; the shell decides). */
  idleWarning = $state(false);
  private warnTimer: ReturnType<typeof setTimeout> | undefined;

  private unlisteners: Array<() => void> = [];
  private reportActivity = throttled(() => void callPlain(() => commands.touchActivity()));

  async start(): Promise<void> {
    this.unlisteners.push(onLockedAnswer(() => this.locked("user")));
    // Without the event the shell still locks on its own; the page then learns it from a "locked" answer.
    const unlisten = await events.vaultLocked
      .listen((e) => this.locked(lockReason(e.payload.reason)))
      .catch(() => null);
    if (unlisten) this.unlisteners.push(unlisten);
    const status = await callPlain(() => commands.appStatus());
    if (status.status === "error") {
      this.startError = status.error;
      this.phase = "failed";
      return;
    }
    this.applySettings(status.data.settings);
    this.phase = !status.data.vault_exists ? "create" : status.data.unlocked ? "main" : "unlock";
  }

  stop(): void {
    for (const unlisten of this.unlisteners.splice(0)) unlisten();
  }

  applySettings(settings: SettingsDto): void {
    this.settings = settings;
    setLang(settings.language);
  }

  /** Saves settings (language, idle minutes) and applies what the shell accepted. */
  async saveSettings(settings: SettingsDto): Promise<IpcError | null> {
    // A longer idle lock weakens protection: the shell asks for the passphrase first.
    const result = await withReauth(() => call(() => commands.saveSettings(settings)));
    if (result.status === "error") return result.error;
    this.applySettings(result.data);
    return null;
  }

  created(recoveryKey: string | null): void {
    this.recoveryKey = recoveryKey;
    this.phase = recoveryKey ? "recovery-key" : "main";
  }

  recoveryKeyWrittenDown(): void {
    this.recoveryKey = null;
    this.phase = "main";
  }

  unlocked(notices: OpenNotice[] = []): void {
    this.notices = notices;
    this.lockReason = null;
    this.phase = "main";
  }

  /** Goes to the unlock screen only once the shell has really locked: an unlock screen over an open vault
   * would accept any passphrase. */
  async lockNow(): Promise<IpcError | null> {
    const result = await call(() => commands.lockVault());
    if (result.status === "error" && result.error.code !== "locked") return result.error;
    this.locked("user");
    return null;
  }

  /** After the emergency wipe: everything dropped as at a lock, then the first-run screen (the folder
   * opens no more here). */
  wiped(): void {
    this.locked("user");
    this.lockReason = null;
    this.phase = "create";
  }

  locked(reason: LockReason): void {
    if (this.phase !== "main" && this.phase !== "recovery-key") return;
    items.clear();
    thumbnails.clear();
    jobs.clear();
    verify.clear();
    records.clear();
    nav.clear();
    this.recoveryKey = null;
    this.notices = [];
    // The shell forgot the confirmed passphrase with the keys: an open passphrase dialog gives up.
    reauth.finish(false);
    this.lockReason = reason;
    this.phase = "unlock";
    clearTimeout(this.warnTimer);
    this.idleWarning = false;
  }

  /** Someone is there: tell the shell, and warn again a minute before the idle lock would fire. The
   * shell hears of activity at most an interval late (src/lib/activity.ts), so it locks no earlier than
   * the page expects: the warning comes at least a minute ahead (halfway, for a one-minute setting). */
  activity(): void {
    if (this.phase !== "main") return;
    this.reportActivity();
    this.idleWarning = false;
    clearTimeout(this.warnTimer);
    const idleMs = this.settings.idle_lock_minutes * 60_000;
    this.warnTimer = setTimeout(() => (this.idleWarning = true), Math.max(idleMs / 2, idleMs - 60_000));
  }
}

export const session = new SessionStore();
