// The glossary (locales/glossary.json): one term per concept in each language, checked against every
// catalog the app and the command line read, so that a reader never meets two names for one thing.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import glossary from "../../locales/glossary.json";

const LANGS = ["en", "fr", "es", "ar"] as const;
type Lang = (typeof LANGS)[number];
type Usage = { use: string; avoid: string[]; why?: string };
type Term = { concept: string; meaning: string } & Record<Lang, Usage>;

const root = join(__dirname, "..", "..", "locales");

/** Every string of a language, from every area file (app, records, bundles, cli, report), by key. */
function catalog(lang: Lang): Map<string, string> {
  const strings = new Map<string, string>();
  for (const file of readdirSync(join(root, lang)).filter((name) => name.endsWith(".json"))) {
    const messages = JSON.parse(readFileSync(join(root, lang, file), "utf8")) as Record<string, string>;
    for (const [key, text] of Object.entries(messages)) strings.set(`${file}: ${key}`, text);
  }
  return strings;
}

const terms = glossary.terms as Term[];
const catalogs = Object.fromEntries(LANGS.map((lang) => [lang, catalog(lang)])) as Record<Lang, Map<string, string>>;
const uses = (lang: Lang, term: string) =>
  [...catalogs[lang].values()].some((text) => text.toLocaleLowerCase(lang).includes(term.toLocaleLowerCase(lang)));

describe("glossary", () => {
  test("every concept has a term in every language, and no two concepts share an English term", () => {
    const english = new Set<string>();
    for (const term of terms) {
      for (const lang of LANGS) expect(term[lang]?.use?.trim(), `${term.concept}: no ${lang} term`).toBeTruthy();
      expect(english.has(term.en.use), `${term.concept}: "${term.en.use}" is two concepts' term`).toBe(false);
      english.add(term.en.use);
    }
  });

  for (const lang of LANGS) {
    test(`${lang}: no catalog string uses a variant the glossary rules out`, () => {
      const found: string[] = [];
      for (const term of terms) {
        for (const pattern of term[lang].avoid) {
          const variant = new RegExp(pattern, "iu");
          for (const [where, text] of catalogs[lang]) {
            if (variant.test(text))
              found.push(`${where} says /${pattern}/ where the glossary says "${term[lang].use}"`);
          }
        }
      }
      expect(found).toEqual([]);
    });

    test(`${lang}: each concept the English words use is named by the glossary's ${lang} term`, () => {
      const missing = terms
        .filter((term) => uses("en", term.en.use) && !uses(lang, term[lang].use))
        .map((term) => `${term.concept}: "${term[lang].use}"`);
      expect(missing).toEqual([]);
    });
  }

  test("every rule is a valid pattern", () => {
    for (const term of terms) {
      for (const lang of LANGS)
        for (const pattern of term[lang].avoid) expect(() => new RegExp(pattern, "iu")).not.toThrow();
    }
  });
});

describe("consent refused", () => {
  // Asking again after a refusal is pressure: the words say to respect the decision and not to interview,
  // in every language, and none of them tells the documenter to ask again.
  const refused = Object.fromEntries(
    LANGS.map((lang) => [lang, catalogs[lang].get("records.json: wizard.consentNotGiven") ?? ""]),
  ) as Record<Lang, string>;
  const respect: Record<Lang, RegExp> = {
    en: /respect their decision/i,
    fr: /respectez sa décision/i,
    es: /respete su decisión/i,
    ar: /احترم قراره/,
  };
  const askAgain: Record<Lang, RegExp> = {
    en: /(^|[.:]\s*)ask (them )?again/i,
    fr: /demandez à nouveau|(^|[.:]\s*)redemandez|reposez la question/i,
    es: /pregunte de nuevo|vuelva a preguntar/i,
    ar: /اسأله من جديد|اسأله مرة أخرى/,
  };

  for (const lang of LANGS) {
    test(`${lang}: respect the decision, do not interview, do not ask again`, () => {
      expect(refused[lang]).toMatch(respect[lang]);
      expect(refused[lang]).not.toMatch(askAgain[lang]);
    });
  }
});

describe("error messages", () => {
  // What happened, then what to do: at least two parts. These are themselves what to do (or a label).
  const INSTRUCTIONS = new Set([
    "error.details",
    "error.cancelled",
    "error.reauth_required",
    "error.empty_search",
    "error.no_bundle_chosen",
  ]);

  test("every English error says what happened and what to do next", () => {
    const bare = [...catalogs.en]
      .filter(([where]) => where.includes(": error."))
      .filter(([where]) => !INSTRUCTIONS.has(where.split(": ")[1]))
      .filter(([, text]) => !/[.:;!?]\s+\S/.test(text))
      .map(([where, text]) => `${where}: "${text}"`);
    expect(bare).toEqual([]);
  });

  test("no English error advises restoring a backup of the vault, which rolls evidence back", () => {
    const advice = [...catalogs.en]
      .filter(([where]) => where.includes(": error."))
      .filter(([, text]) => /restor\w* .*(backup|older copy)|from a backup/i.test(text));
    expect(advice).toEqual([]);
  });
});

describe("French typography", () => {
  // A narrow no-break space before ; : ! ? » and after «, and the typographic apostrophe, as French
  // printers set them; a plain space there breaks the line before the colon.
  test("no plain space before high punctuation, and no straight apostrophe between letters", () => {
    const wrong = [...catalogs.fr]
      .filter(([, text]) => /\S [;:!?»]|« |\p{L}'\p{L}/u.test(text))
      .map(([where, text]) => `${where}: "${text}"`);
    expect(wrong).toEqual([]);
  });
});
