import { describe, expect, test } from "vitest";
import { CATALOG } from "../src/lib/bindings";
import { AREAS, LANGUAGES, MESSAGES, formatSize, setLang, t, tn } from "../src/lib/i18n/index.svelte";
import { KNOWN_DETAIL_KEYS } from "../src/lib/custody";
import { FINDING_KEYS } from "../src/lib/findings";

const en = MESSAGES.en;
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const PLURAL = /#(zero|one|two|few|many|other)$/;
const pluralBases = Object.keys(en)
  .filter((k) => k.endsWith("#other"))
  .map((k) => k.slice(0, -"#other".length));

describe("translations", () => {
  test("the app's languages are the shell's languages", () => {
    expect([...LANGUAGES].sort()).toEqual([...CATALOG.languages].sort());
  });

  test("no key is written in two areas of the English files", () => {
    const seen = new Map<string, string>();
    for (const [area, messages] of Object.entries(AREAS.en)) {
      for (const key of Object.keys(messages)) {
        expect(seen.get(key), `"${key}" is in both ${seen.get(key)}.json and ${area}.json`).toBeUndefined();
        seen.set(key, area);
      }
    }
  });

  for (const lang of LANGUAGES) {
    const messages = MESSAGES[lang];

    test(`${lang} keeps each message in the same area file as English`, () => {
      for (const [area, messages] of Object.entries(AREAS[lang])) {
        const english = AREAS.en[area as keyof typeof AREAS.en];
        for (const key of Object.keys(messages)) {
          const base = key.replace(PLURAL, "#other");
          expect(base in english, `locales/${lang}/${area}.json has "${key}", which en/${area}.json does not`).toBe(
            true,
          );
        }
      }
    });

    test(`${lang} has every message, none empty, with the same placeholders as English`, () => {
      for (const [key, english] of Object.entries(en)) {
        if (PLURAL.test(key)) continue;
        expect(messages[key], `${lang} is missing "${key}"`).toBeTypeOf("string");
        expect(messages[key].trim(), `${lang} "${key}" is empty`).not.toBe("");
        expect(placeholders(messages[key]), `${lang} "${key}" placeholders`).toEqual(placeholders(english));
      }
    });

    test(`${lang} has every plural form its grammar uses, and no stray keys`, () => {
      const categories = new Intl.PluralRules(lang).resolvedOptions().pluralCategories;
      for (const base of pluralBases) {
        const english = new Set(placeholders(en[`${base}#other` as keyof typeof en]));
        for (const category of categories) {
          const key = `${base}#${category}`;
          expect(messages[key], `${lang} is missing the plural form "${key}"`).toBeTypeOf("string");
          // A form may name the number in words ("two minutes" in Arabic) and so leave out {count},
          // but it may not bring in a placeholder English does not fill.
          for (const name of placeholders(messages[key])) {
            expect(english.has(name), `${lang} "${key}" has the unknown placeholder {${name}}`).toBe(true);
          }
          const others = placeholders(messages[key]).filter((p) => p !== "count");
          expect(others, `${lang} "${key}" placeholders`).toEqual([...english].filter((p) => p !== "count").sort());
        }
      }
      for (const key of Object.keys(messages)) {
        const known = key in en || pluralBases.some((base) => key.startsWith(`${base}#`) && PLURAL.test(key));
        expect(known, `${lang} has "${key}", which English does not`).toBe(true);
      }
    });

    // The other codes (finding, problem, refusal, check, consent reasons) are checked by the compiler: the
    // page words them through keys typed from the generated unions. These are the lists it iterates.
    test(`${lang} translates every error code, custody action, detail, rule, reason and kind`, () => {
      const needed = [
        ...KNOWN_DETAIL_KEYS.map((key) => `field.${key}`),
        ...CATALOG.error_codes.map((code) => `error.${code}`),
        ...CATALOG.actions.map((action) => `action.${action}`),
        ...CATALOG.rule_ids.map((rule) => `rule.${rule}`),
        ...CATALOG.reason_codes.map((code) => `match.${code}`),
        ...CATALOG.recipient_kinds.map((kind) => `recipient.${kind}`),
        ...CATALOG.incident_kinds.map((kind) => `incidentKind.${kind}`),
        ...CATALOG.referral_kinds.map((kind) => `referral.${kind}`),
        ...CATALOG.bundle_checks.flatMap((check) => [`check.${check}`, `check.${check}.about`]),
        ...FINDING_KEYS,
      ];
      for (const key of needed) expect(messages[key], `${lang} is missing "${key}"`).toBeTypeOf("string");
    });
  }

  test("translations are real: each language differs from English in most messages", () => {
    for (const lang of ["fr", "es", "ar"] as const) {
      const same = Object.keys(en).filter((k) => MESSAGES[lang][k] === en[k as keyof typeof en]);
      // Only names and words spelt alike ("Custodia", "Description", "Source") may stay as they are.
      const allowed = Object.keys(en).length * 0.05;
      expect(same.length, `${lang} leaves these in English: ${same.join(", ")}`).toBeLessThan(allowed);
    }
  });

  test("placeholders are filled, numbers and sizes formatted for the reader", () => {
    setLang("en");
    expect(t("custody.by", { actor: "amina" })).toBe("by amina");
    expect(tn("notice.added", 1)).toBe("1 file added.");
    expect(tn("notice.added", 1200)).toBe("1,200 files added.");
    expect(formatSize(1_500_000)).toBe("1.5 MB");
    setLang("fr");
    expect(formatSize(1_500_000).replace(/\s/g, " ")).toBe("1,5 Mo");
    expect(tn("notice.added", 3)).toBe("3 fichiers ajoutés.");
    setLang("ar");
    expect(tn("lock.idle", 2)).toBe("أُقفلت الخزنة بعد دقيقتين دون أي نشاط.");
    expect(tn("notice.added", 5)).toContain("ملفات");
  });
});
