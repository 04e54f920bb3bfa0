import { describe, expect, test } from "vitest";
import { CATALOG, type FindingCode, type FindingDto } from "../src/lib/bindings";
import { findingText, priorText, reasonText } from "../src/lib/findings";
import { FIRST_STRONG_ISOLATE, LANGUAGES, POP_DIRECTIONAL_ISOLATE, setLang } from "../src/lib/i18n/index.svelte";
import { finding } from "./shell";

const prior = { id: "T-AAAA1", date: "2026-03-02", interviewers: ["A. Haroun", "M. Diallo"] };

/** One finding per message code (the compiler asks for every one), with the parameters the core gives it. */
const samples: Record<FindingCode, FindingDto> = {
  duplicate_person: finding({}, { score: 0.9, interviews: [prior], reasons: ["name_matches"] }),
  team_duplicate: finding(
    { code: "team_duplicate", rule: "team-duplicate-person" },
    { person: null, team: "coalition", documenter: "D-7F3KQ", count: 2, last_date: "2026-11-02" },
  ),
  recent_interview: finding({ code: "recent_interview" }, { days: 3, cooldown_days: 90, prior }),
  interview_count: finding({ code: "interview_count" }, { count: 2, max: 2, interviews: [prior, prior] }),
  prior_interviews: finding({ code: "prior_interviews", severity: "info" }, { count: 1, max: 2, interviews: [prior] }),
  near_duplicate_testimony: finding({ code: "near_duplicate_testimony" }, {
    percent: 93,
    similarity: 0.93,
    prior,
  } as never),
  consent_not_yet: finding({ code: "consent_not_yet", severity: "info" }),
  consent_missing: finding({ code: "consent_missing", severity: "block" }, { interview: "T-BBBB1" }),
  consent_scope: finding({ code: "consent_scope", severity: "block" }, { recipient: "icc", why: "outside_scope" }),
  safeguard_interviewer: finding(
    { code: "safeguard_interviewer" },
    { vulnerability: ["minor", "sgbv"], interviewers: ["A. Haroun"] },
  ),
  safeguard_referral: finding(
    { code: "safeguard_referral", severity: "block" },
    { interview: "T-BBBB1", vulnerability: ["sgbv"], missing: ["psychosocial", "legal"] },
  ),
};

describe("findings in words", () => {
  for (const lang of LANGUAGES) {
    test(`${lang}: every finding reads as a sentence of its own language, every placeholder filled`, () => {
      setLang(lang);
      for (const [code, sample] of Object.entries(samples)) {
        const text = findingText(sample);
        expect(text, `${lang} ${code}`).not.toBe(sample.message);
        expect(text, `${lang} ${code} has an unfilled placeholder`).not.toMatch(/\{\w+\}/);
        // The team warning names no person of this vault: it names the member who recorded them.
        const named = code === "team_duplicate" ? "D-7F3KQ" : "P-7F3K";
        expect(text, `${lang} ${code} names the person`).toContain(
          `${FIRST_STRONG_ISOLATE}${named}${POP_DIRECTIONAL_ISOLATE}`,
        );
      }
      for (const code of CATALOG.reason_codes) {
        expect(reasonText({ code, text: "ENGLISH" }), `${lang} reason ${code}`).not.toBe("ENGLISH");
      }
    });
  }

  test("English sentences say who, when and how many, with dates and numbers for the reader", () => {
    setLang("en");
    expect(findingText(samples.interview_count)).toBe(
      "\u2068P-7F3K\u2069 was already interviewed 2 times; the limit is 2. Each new interview asks them to tell it again.",
    );
    expect(findingText(samples.near_duplicate_testimony)).toContain("about 93% of its phrases");
    expect(priorText(prior)).toBe(
      "Mar 2, 2026, by \u2068A. Haroun\u2069 and \u2068M. Diallo\u2069 (\u2068T-AAAA1\u2069)",
    );
    expect(findingText(samples.safeguard_referral)).toContain("(Psychosocial support and Legal aid)");
    setLang("fr");
    expect(priorText(prior)).toContain("2 mars 2026");
    setLang("ar");
    expect(findingText(samples.interview_count)).not.toContain("{count}");
  });

  test("a code that did not come through the bindings falls back to the vault's English sentence", () => {
    setLang("fr");
    const unknown = finding({ code: "a_rule_from_the_future" as FindingCode, message: "Something new to say." });
    expect(findingText(unknown)).toBe("Something new to say.");
  });
});
