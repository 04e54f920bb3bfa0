// Words for the custody log: each action and each verification problem gets a translated sentence.
import type { ProblemDto } from "./bindings";
import { hasKey, t } from "./i18n/index.svelte";

/** The actions the vault writes today; each must have a translation (tests/i18n.test.ts). */
export const KNOWN_ACTIONS = [
  "vault.created",
  "vault.opened",
  "vault.closed",
  "vault.reconciled",
  "vault.verified",
  "item.ingested",
  "item.extracted",
  "item.edited",
  "item.viewed",
  "keyslot.added",
  "keyslot.removed",
  "clock.anomaly",
] as const;

export function actionLabel(action: string): string {
  const key = `action.${action}`;
  return hasKey(key) ? t(key) : t("action.unknown", { action });
}

export function problemText(problem: ProblemDto): string {
  const key = `problem.${problem.kind}`;
  const unknown = "?";
  return t(hasKey(key) ? key : "problem.other", {
    item: problem.item ?? unknown,
    seq: problem.seq ?? unknown,
    last_seq: problem.last_seq ?? unknown,
  });
}
