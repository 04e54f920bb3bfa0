// Words for the custody log: each action and each verification problem gets a translated sentence.
import { CATALOG, type ProblemDto } from "./bindings";
import type { DetailLine } from "./details";
import { mediaKind } from "./items";
import {
  formatDateTime,
  formatNumber,
  formatSize,
  hasKey,
  isolate,
  t,
  type MessageKey,
  type Params,
} from "./i18n/index.svelte";

/** A custody action this vault writes (the core's `Action`). */
export type Action = (typeof CATALOG.actions)[number];

/** Whether a stored action is one this vault writes: the log may hold names of other versions. */
export function isAction(action: string): action is Action {
  return (CATALOG.actions as readonly string[]).includes(action);
}

export function actionLabel(action: string): string {
  return isAction(action) ? t(`action.${action}`) : t("action.unknown", { action });
}

/** A verification problem in the reader's language: numbers as they are, the time a checkpoint was signed
 * in local time, other names (item ids, hashes) isolated. */
export function problemText({ found }: ProblemDto): string {
  const params: Params = {};
  for (const [name, value] of Object.entries(found)) {
    if (typeof value === "number") params[name] = value;
    else if (name === "made_at") params[name] = formatDateTime(value);
    else if (name !== "problem") params[name] = isolate(value);
  }
  return t(`problem.${found.problem}`, params);
}

/** The keys the vault writes into event details today; each has a plain label (tests/i18n.test.ts). */
export const KNOWN_DETAIL_KEYS = [
  "sha256",
  "size",
  "name",
  "media_type",
  "description",
  "source",
  "duplicate_of",
  "field",
  "value",
  "previous_sha256",
  "to",
  "format",
  "kind",
  "kdf",
  "key_slot",
  "reason",
  "ok",
  "problems",
  "items",
  "events",
  "quarantine",
  "tmp_leftovers",
  "unreferenced_blobs",
  "other_files",
  "exports_completed",
  "exports_abandoned",
  "exports_waiting",
  "state",
  "partial_file",
  "previous_event_time",
  "clock_now",
  "fields",
  "record_sha256",
  "person",
  "date",
  "documents",
  "incidents",
  "transcript_sha256",
  "summary_sha256",
  "what",
  "into",
  "interviews",
  "consents",
  "a",
  "b",
  "status",
  "method",
  "scan_item",
  "interview",
  "scopes",
  "rule",
  "code",
  "records",
  "score",
  "reasons",
  "justification",
  "setting",
  "previous",
  "trained",
  "links",
  "place_sha256",
  "description_sha256",
  "date_from",
  "date_to",
  "from",
  "consent",
] as const;

/** A detail's label: a plain word for the keys the vault writes, the key itself for anything newer. */
export function detailLabel(key: string): string {
  const label = `field.${key}`;
  return hasKey(label) ? t(label) : key.replace(/_/g, " ");
}

const TIME_KEYS = new Set(["previous_event_time", "clock_now"]);

/** Values the vault writes in English words, said in the reader's language. */
const VALUE_WORDS: Record<string, Record<string, MessageKey>> = {
  field: { description: "detail.description", source: "detail.source" },
  method: { oral: "consent.oral", written: "consent.written" },
  kind: { passphrase: "unlock.passphrase", recovery: "unlock.recoveryKey" },
  reason: {
    "passphrase changed": "reason.passphraseChanged",
    "replaced by a new recovery key": "reason.recoveryReplaced",
  },
};

/** Values that name a field, a rule or a status, looked up under these prefixes. */
const VALUE_PREFIXES: Record<string, string[]> = {
  field: ["personField", "interviewField"],
  rule: ["rule"],
  status: ["consent.status"],
  what: ["what"],
};

export function detailValue(line: DetailLine): string {
  const { key, raw } = line;
  const words = VALUE_WORDS[key];
  if (words && typeof raw === "string" && Object.hasOwn(words, raw)) return t(words[raw]);
  for (const prefix of VALUE_PREFIXES[key] ?? []) {
    const label = `${prefix}.${String(raw)}`;
    if (typeof raw === "string" && hasKey(label)) return t(label);
  }
  if (typeof raw === "boolean") return t(raw ? "value.yes" : "value.no");
  // "Text (text/plain)": the kind in words, the exact type for whoever needs it.
  if (key === "media_type" && typeof raw === "string") return `${t(`type.${mediaKind(raw)}`)} (${isolate(raw)})`;
  if (key === "size" && typeof raw === "number") return formatSize(raw);
  if (TIME_KEYS.has(key) && typeof raw === "string") return formatDateTime(raw);
  if (typeof raw === "number") return formatNumber(raw);
  return line.text;
}
