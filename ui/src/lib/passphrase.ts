// The checks a new passphrase must pass before the shell spends seconds deriving keys from it: the
// two copies match, and it is strong enough by the shell's own estimate.
import { callPlain, commands } from "./api";
import { localError, say, type Feedback } from "./feedback";

/** The shell's minimum length (custodia-core refuses shorter passphrases). */
export const MIN_CHARS = 8;

export async function checkNewPassphrase(passphrase: string, repeat: string): Promise<Feedback | null> {
  if (!passphrase) return say("error", "create.empty");
  if (passphrase !== repeat) return localError("passphrase_mismatch");
  if ([...passphrase].length < MIN_CHARS) return localError("passphrase_too_short");
  const strength = await callPlain(() => commands.passphraseStrength(passphrase));
  // If the estimate cannot be had, the shell still enforces its own rules on create/change.
  if (strength.status === "ok" && !strength.data.acceptable) return say("error", "create.tooWeak");
  return null;
}
