// Words for the do-no-harm rules: each finding's message code and parameters become a sentence in the
// reader's language. Codes the page does not know yet fall back to the core's English sentence, so a
// new rule is never silent. Person codes and interviewer names are marked with isolate(), so a name in
// another script cannot reorder the sentence around it (render with BidiText).
import type {
  FindingDto,
  IncidentKind,
  PriorInterviewDto,
  ReasonDto,
  RecipientKind,
  ReferralKind,
  Rule,
} from "./bindings";
import { formatDay, formatList, formatPercent, isolate, t, tn, type MessageKey } from "./i18n/index.svelte";

/** What the core asks of a written justification, in characters. */
export const MIN_JUSTIFICATION = 10;

export function justificationLongEnough(text: string): boolean {
  return [...text.trim()].length >= MIN_JUSTIFICATION;
}

export function hasWarnings(findings: readonly FindingDto[]): boolean {
  return findings.some((f) => f.severity === "warning");
}

export function isBlocked(findings: readonly FindingDto[]): boolean {
  return findings.some((f) => f.severity === "block");
}

/** Blocks first, then warnings, then information: what stops the documenter comes first. */
export function bySeverity(findings: readonly FindingDto[]): FindingDto[] {
  const rank = { block: 0, warning: 1, info: 2 } as const;
  return [...findings].sort((a, b) => rank[a.severity] - rank[b.severity]);
}

export function ruleName(rule: Rule): string {
  return t(`rule.${rule}`);
}

export function recipientName(kind: RecipientKind): string {
  return t(`recipient.${kind}`);
}

export function referralName(kind: ReferralKind): string {
  return t(`referral.${kind}`);
}

export function incidentKindName(kind: IncidentKind): string {
  return t(`incidentKind.${kind}`);
}

/** A match reason in plain words: every `ReasonCode` has a key, which the compiler checks. */
export function reasonText(reason: ReasonDto): string {
  const key: MessageKey = `match.${reason.code}`;
  return t(key);
}

function vulnerability(flags: readonly string[]): string {
  const minor = flags.includes("minor");
  const sgbv = flags.includes("sgbv");
  return t(minor && sgbv ? "vulnerability.both" : minor ? "vulnerability.minor" : "vulnerability.sgbv");
}

/** "2 Mar 2026, by A. Haroun and M. Diallo", or the date alone when nobody is named. */
export function priorText(prior: PriorInterviewDto): string {
  const date = formatDay(prior.date);
  if (prior.interviewers.length === 0) return t("finding.priorDate", { date, id: isolate(prior.id) });
  return t("finding.priorBy", { date, id: isolate(prior.id), who: formatList(prior.interviewers.map(isolate)) });
}

/** The earlier interviews a finding cites, oldest first. */
export function priorsOf(finding: FindingDto): PriorInterviewDto[] {
  if (finding.params.interviews.length > 0) return finding.params.interviews;
  return finding.params.prior ? [finding.params.prior] : [];
}

/** The finding as a sentence in the reader's language. */
export function findingText(finding: FindingDto): string {
  const p = finding.params;
  const person = isolate(p.person ?? "?");
  const interview = isolate(p.interview ?? "?");
  const date = p.prior ? formatDay(p.prior.date) : "?";
  const cooldown = p.cooldown_days ?? 0;
  const who = vulnerability(p.vulnerability);
  switch (finding.code) {
    case "duplicate_person":
      return t("finding.duplicate_person", { person });
    case "team_duplicate": {
      const team = isolate(p.team ?? "?");
      const documenter = isolate(p.documenter ?? "?");
      const count = p.count ?? 0;
      if (count === 0 || !p.last_date) return t("finding.team_duplicate_none", { team, documenter });
      return tn("finding.team_duplicate", count, { team, documenter, last: formatDay(p.last_date) });
    }
    case "recent_interview": {
      const days = p.days ?? 0;
      if (days === 0) return t("finding.recent_interview_same_day", { person, date, cooldown });
      if (days < 0) return tn("finding.recent_interview_later", -days, { person, date, cooldown });
      return tn("finding.recent_interview", days, { person, date, cooldown });
    }
    case "interview_count":
      return tn("finding.interview_count", p.count ?? 0, { person, max: p.max ?? 0 });
    case "prior_interviews":
      return tn("finding.prior_interviews", p.count ?? 0, { person });
    case "near_duplicate_testimony":
      return t("finding.near_duplicate_testimony", {
        person,
        interview: isolate(p.prior?.id ?? "?"),
        percent: formatPercent((p.percent ?? 0) / 100),
      });
    case "consent_not_yet":
      return t("finding.consent_not_yet", { person });
    case "consent_missing":
      return t("finding.consent_missing", { person, interview });
    case "consent_scope":
      return t("finding.consent_scope", {
        person,
        recipient: p.recipient ? recipientName(p.recipient) : "?",
        why: p.why ? t(`consentWhy.${p.why}`) : "?",
      });
    case "safeguard_interviewer":
      return p.interviewers.length === 0
        ? t("finding.safeguard_interviewer_none", { person, who })
        : t("finding.safeguard_interviewer", { person, who, interviewers: formatList(p.interviewers.map(isolate)) });
    case "safeguard_referral":
      return t("finding.safeguard_referral", {
        person,
        who,
        interview,
        missing: formatList(p.missing.map(referralName)),
      });
    default: {
      // Every code the shell can send has its case: the compiler says so here when one is added. A
      // finding from elsewhere (an older page, a hand-made value) still reads, in English.
      const unworded: never = finding.code;
      void unworded;
      return finding.message;
    }
  }
}

/** The keys each code needs, for the completeness test. */
export const FINDING_KEYS: readonly MessageKey[] = [
  "finding.duplicate_person",
  "finding.team_duplicate#other",
  "finding.team_duplicate_none",
  "finding.recent_interview_same_day",
  "finding.interview_count#other",
  "finding.prior_interviews#other",
  "finding.recent_interview#other",
  "finding.recent_interview_later#other",
  "finding.near_duplicate_testimony",
  "finding.consent_not_yet",
  "finding.consent_missing",
  "finding.consent_scope",
  "finding.safeguard_interviewer",
  "finding.safeguard_interviewer_none",
  "finding.safeguard_referral",
] as MessageKey[];
