// Errors from the shell carry a stable code; the user reads its translation, never the English detail
// unless they open "Details".
import type { IpcError } from "./bindings";
import { hasKey, t } from "./i18n/index.svelte";

export function errorText(error: IpcError): string {
  const key = `error.${error.code}`;
  return hasKey(key) ? t(key) : t("error.unknown");
}

/** Errors whose detail would only help someone guessing: they are shown without it. */
export const NO_DETAIL = new Set(["wrong_passphrase", "wrong_recovery_key"]);
