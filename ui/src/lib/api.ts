// The page's only door to the shell: the generated bindings, with every answer turned into a Result so
// that a broken IPC channel (an exception) is shown like any other error instead of escaping.
import { commands, events, type IpcError, type Result } from "./bindings";

export { commands, events };
export type { IpcError, Result };

type Listener = () => void;
const lockedListeners = new Set<Listener>();

/** Called when any command answers "locked": the shell locked the vault behind the page's back. */
export function onLockedAnswer(listener: Listener): () => void {
  lockedListeners.add(listener);
  return () => lockedListeners.delete(listener);
}

/** Runs a command, never throwing: failures become `{status: "error"}` with a code to translate. */
export async function call<T>(request: () => Promise<Result<T, IpcError>>): Promise<Result<T, IpcError>> {
  let result: Result<T, IpcError>;
  try {
    result = await request();
  } catch (e) {
    result = { status: "error", error: { code: "internal", message: e instanceof Error ? e.message : String(e) } };
  }
  if (result.status === "error" && result.error.code === "locked") {
    for (const listener of lockedListeners) listener();
  }
  return result;
}

/** Runs a command that cannot fail in the shell (it returns a plain value), still catching IPC failures. */
export async function callPlain<T>(request: () => Promise<T>): Promise<Result<T, IpcError>> {
  return call(async () => ({ status: "ok", data: await request() }));
}
