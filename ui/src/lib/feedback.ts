// One shape for every message a screen shows after an action: its tone, its text (built when shown, so
// it follows a change of language) and, for errors, the shell's English detail behind "Details".
import type { IpcError, IpcErrorCode } from "./bindings";
import { t, type MessageKey, type Params } from "./i18n/index.svelte";
import { errorText, NO_DETAIL } from "./errors";

export type Tone = "ok" | "info" | "warn" | "error";

export interface Feedback {
  tone: Tone;
  text: () => string;
  detail?: string;
  code?: string;
}

export function fromError(error: IpcError): Feedback {
  return {
    tone: "error",
    text: () => errorText(error),
    detail: NO_DETAIL.has(error.code) || !error.message ? undefined : error.message,
    code: error.code,
  };
}

export function say(tone: Tone, key: MessageKey, params?: Params): Feedback {
  return { tone, text: () => t(key, params) };
}

/** An error the page finds itself, worded like the shell's error with the same code. */
export function localError(code: IpcErrorCode): Feedback {
  return fromError({ code, message: "" });
}
