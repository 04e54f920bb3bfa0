// Errors from the shell carry a stable code; the user reads its translation, never the English detail
// unless they open "Details".
import type { IpcError, IpcErrorCode } from "./bindings";
import { hasKey, t, type MessageKey } from "./i18n/index.svelte";

/** The error in the reader's language; the compiler checks that every code the shell sends has words. */
export function errorText(error: IpcError): string {
  const key: MessageKey = `error.${error.code}`;
  // The check at run time is for a value that did not come through the bindings (a hand-made error).
  return hasKey(key) ? t(key) : t("error.unknown");
}

/** Errors whose detail would only help someone guessing: they are shown without it. */
export const NO_DETAIL: ReadonlySet<IpcErrorCode> = new Set<IpcErrorCode>(["wrong_passphrase", "wrong_recovery_key"]);
