// Words for the custody review: each anomaly as a plain sentence, each outside name (an actor, a witness,
// a bundle or record id) shown with its invisible characters spelled out and isolated, so it can neither
// pass for another nor reorder the sentence around it.
import type { Anomaly, LocalCopy, Timestamped } from "./bindings";
import type { LogStart } from "./stores/nav.svelte";
import { formatDateTime, formatList, isolate, t, tn, visible, type MessageKey } from "./i18n/index.svelte";

/** Text from outside the page's own words, safe inside a sentence rendered by BidiText. */
export function outside(text: string): string {
  return isolate(visible(text));
}

/** A witness's time: seconds since 1970, as the cosignature carries it. */
export function fromSeconds(seconds: number): string {
  return formatDateTime(new Date(seconds * 1000).toISOString());
}

/** The sentence saying what happened at an anomaly, in the reader's language. */
export function anomalyText(a: Anomaly): string {
  const params = {
    actor: outside(a.actor),
    subject: outside(a.subject ?? "?"),
    previous: a.previous_time ? formatDateTime(a.previous_time) : "?",
    seq: a.seq,
    last: a.last_seq,
  };
  switch (a.kind) {
    case "clock_backwards":
      return t("custodyReview.anomaly.clock_backwards", params);
    case "harm_overridden":
      return t("custodyReview.anomaly.harm_overridden", params);
    default:
      return tn(`custodyReview.anomaly.${a.kind}`, a.count, params);
  }
}

export function anomalyKind(a: Anomaly): string {
  return t(`custodyReview.kind.${a.kind}`);
}

/** The custody log's filters that show an anomaly's events: their days, and their subject when there is one. */
export function logStart(a: Anomaly): LogStart {
  const day = localDay(a.time);
  return { item: a.subject ?? "", from: day, to: day };
}

/** The day of a stored UTC time on the reader's clock, as the log's date filters take it. */
function localDay(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** What this computer's copy of the newest checkpoint says, and how worried to be. */
export function localCopyText(copy: LocalCopy): { text: string; tone: "ok" | "info" | "warn" } {
  const key = `custodyReview.local.${copy.state}` as MessageKey;
  switch (copy.state) {
    case "holds":
      return { text: t("custodyReview.local.holds", { size: copy.size }), tone: "ok" };
    case "not_extended":
      return { text: t("custodyReview.local.not_extended", { size: copy.seen_size }), tone: "warn" };
    case "unusable":
    case "rollback_accepted":
      return { text: t(key), tone: "warn" };
    default:
      return { text: t(key), tone: "info" };
  }
}

export function witnessesText(names: readonly string[]): string {
  return names.length === 0 ? t("custodyReview.checkpoint.notWitnessed") : formatList(names.map(outside));
}

export function timestampText(stamp: Timestamped): string {
  return t("custodyReview.checkpoint.timestamped", {
    authority: outside(stamp.tsa_url),
    time: formatDateTime(stamp.gen_time),
  });
}
