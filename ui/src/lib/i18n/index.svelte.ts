// One translation layer for every word the user sees. The words themselves are data, in the repository's
// `locales/<lang>/<area>.json` (shared with the command line); the page uses the areas app, records and
// bundles. The current language is reactive state, so any template that calls t() re-renders when the
// language changes.
import enApp from "../../../../locales/en/app.json";
import enRecords from "../../../../locales/en/records.json";
import enBundles from "../../../../locales/en/bundles.json";
import frApp from "../../../../locales/fr/app.json";
import frRecords from "../../../../locales/fr/records.json";
import frBundles from "../../../../locales/fr/bundles.json";
import esApp from "../../../../locales/es/app.json";
import esRecords from "../../../../locales/es/records.json";
import esBundles from "../../../../locales/es/bundles.json";
import arApp from "../../../../locales/ar/app.json";
import arRecords from "../../../../locales/ar/records.json";
import arBundles from "../../../../locales/ar/bundles.json";

/** The page's areas of one language, as separate files (a key is in exactly one of them). */
export type Areas = Readonly<Record<"app" | "records" | "bundles", Record<string, string>>>;
export const AREAS: Record<Lang, Areas> = {
  en: { app: enApp, records: enRecords, bundles: enBundles },
  fr: { app: frApp, records: frRecords, bundles: frBundles },
  es: { app: esApp, records: esRecords, bundles: esBundles },
  ar: { app: arApp, records: arRecords, bundles: arBundles },
};

// English is the reference language: its keys are the messages t() accepts, checked by the compiler.
// Keys ending in #one, #other... are plural forms, chosen by Intl.PluralRules.
const en = { ...enApp, ...enRecords, ...enBundles };
export type MessageKey = keyof typeof en;

/** A language's messages: every English key, plus the extra plural forms its grammar needs. */
export type Messages = Record<MessageKey, string> & Record<string, string>;

export type Lang = "en" | "fr" | "es" | "ar";
export const LANGUAGES: readonly Lang[] = ["en", "fr", "es", "ar"];

function merged(areas: Areas): Messages {
  return { ...areas.app, ...areas.records, ...areas.bundles } as Messages;
}

/** Every language's messages, the areas merged. tests/i18n.test.ts fails when one lacks a message. */
export const MESSAGES: Record<Lang, Messages> = {
  en,
  fr: merged(AREAS.fr),
  es: merged(AREAS.es),
  ar: merged(AREAS.ar),
};

/** Each language named in itself, so a reader finds their own language whatever is shown now. */
export const LANGUAGE_NAMES: Record<Lang, string> = { en: "English", fr: "Français", es: "Español", ar: "العربية" };

let current = $state<Lang>("en");

export function isLang(value: string): value is Lang {
  return (LANGUAGES as readonly string[]).includes(value);
}

export function lang(): Lang {
  return current;
}

export function setLang(value: string): void {
  if (isLang(value)) current = value;
}

export function dir(): "rtl" | "ltr" {
  return current === "ar" ? "rtl" : "ltr";
}

export type Params = Record<string, string | number>;

/** The message for `key` in the current language, with `{name}` placeholders filled in. */
export function t(key: MessageKey, params: Params = {}): string {
  return fill(MESSAGES[current][key], params);
}

/** A piece of a sentence: words of the sentence, or a value put in it. */
export interface Part {
  text: string;
  value: boolean;
}

/**
 * A sentence cut at its values, for markup that sets each value apart (`components/Sentence.svelte`):
 * WebKit ignores the isolate characters `fill` adds, so in an Arabic sentence `1990-04-26` still showed as
 * `26-04-1990`; an element with `dir="ltr"` is obeyed.
 */
export function parts(key: MessageKey, params: Params): Part[] {
  return MESSAGES[current][key].split(/(\{\w+\})/).flatMap((piece): Part[] => {
    const name = /^\{(\w+)\}$/.exec(piece)?.[1];
    const value = name === undefined ? undefined : params[name];
    if (value === undefined) return piece ? [{ text: piece, value: false }] : [];
    return [{ text: typeof value === "number" ? formatNumber(value) : value, value: true }];
  });
}

/** Whether `key` is a message at all: codes from the shell are checked before they are translated. */
export function hasKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(en, key);
}

/**
 * A message that depends on a count: `key#one`, `key#few`, ... chosen by the language's plural rules
 * (Arabic has six forms). Every form a language uses is required by the completeness test.
 */
export function tn(key: string, count: number, params: Params = {}): string {
  const table = MESSAGES[current];
  const form = cached("plural", {}, () => new Intl.PluralRules(current)).select(count);
  return fill(table[`${key}#${form}`] ?? table[`${key}#other`] ?? key, { count, ...params });
}

/**
 * Fills `{name}` placeholders. In a right-to-left language each value is a bidi isolate: a code, a date
 * or a number keeps its own order inside the sentence (without it, `1990-04-26` in an Arabic sentence is
 * shown as `26-04-1990`, and a documenter types the wrong format).
 */
function fill(text: string, params: Params): string {
  const rtl = dir() === "rtl";
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    const shown = typeof value === "number" ? formatNumber(value) : value;
    return rtl ? isolate(shown) : shown;
  });
}

// Building an Intl formatter costs far more than using one (WebKit: tens of microseconds), and the list
// formats three values per row on every scroll: keep one per language and options.
type Formatter = Intl.NumberFormat | Intl.DateTimeFormat | Intl.PluralRules | Intl.ListFormat;
// eslint-disable-next-line svelte/prefer-svelte-reactivity -- a cache of formatters, not state the page shows
const formatters = new Map<string, Formatter>();

/**
 * The locale Intl formats in: the language, with its digits chosen explicitly rather than left to the
 * platform. Latin digits in every language: codes, SHA-256 values, ISO dates and the numbers typed into
 * the vault are written in them, so a screen never mixes two digit systems (Arabic readers from the
 * Maghreb to the Gulf read them; ARCHITECTURE.md, "Words").
 */
function intlLocale(): string {
  return `${current}-u-nu-latn`;
}

function cached<T extends Formatter>(kind: string, options: object, make: () => T): T {
  const key = `${current}|${kind}|${JSON.stringify(options)}`;
  let formatter = formatters.get(key) as T | undefined;
  if (!formatter) {
    formatter = make();
    formatters.set(key, formatter);
  }
  return formatter;
}

function numberFormat(options: Intl.NumberFormatOptions = {}): Intl.NumberFormat {
  return cached("number", options, () => new Intl.NumberFormat(intlLocale(), options));
}

export function formatNumber(value: number): string {
  return numberFormat().format(value);
}

const SIZE_UNITS = ["byte", "kilobyte", "megabyte", "gigabyte", "terabyte"] as const;

/** "1.5 MB" in the reader's language, in decimal units as file managers show them. */
export function formatSize(bytes: number): string {
  let unit = 0;
  let value = bytes;
  while (value >= 1000 && unit < SIZE_UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return numberFormat({
    style: "unit",
    unit: SIZE_UNITS[unit],
    unitDisplay: unit === 0 ? "long" : "short",
    maximumFractionDigits: unit === 0 || value >= 100 ? 0 : 1,
  }).format(value);
}

/** A stored UTC time shown in local time, in the reader's language. Unreadable text is shown as it is. */
export function formatDateTime(iso: string): string {
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a value formatted at once, never kept
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const options: Intl.DateTimeFormatOptions = { dateStyle: "medium", timeStyle: "short" };
  return cached("date", options, () => new Intl.DateTimeFormat(intlLocale(), options)).format(date);
}

/**
 * A calendar day stored as `YYYY-MM-DD` (or `YYYY-MM`, `YYYY`), in the reader's language. The day is
 * not a moment: it is shown as written, whatever the time zone. Unreadable text is shown as it is.
 */
export function formatDay(day: string): string {
  const match = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$/.exec(day.trim());
  if (!match) return day;
  const [, year, month, date] = match;
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a value formatted at once, never kept
  const when = new Date(Date.UTC(Number(year), month ? Number(month) - 1 : 0, date ? Number(date) : 1));
  if (Number.isNaN(when.getTime())) return day;
  const options: Intl.DateTimeFormatOptions = date
    ? { dateStyle: "medium", timeZone: "UTC" }
    : month
      ? { year: "numeric", month: "long", timeZone: "UTC" }
      : { year: "numeric", timeZone: "UTC" };
  return cached("day", options, () => new Intl.DateTimeFormat(intlLocale(), options)).format(when);
}

/** Whether text is a whole calendar day as the vault stores it, `YYYY-MM-DD`, and a day that exists. */
export function isDay(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number);
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a value checked at once, never kept
  const when = new Date(Date.UTC(year, month - 1, day));
  return when.getUTCFullYear() === year && when.getUTCMonth() === month - 1 && when.getUTCDate() === day;
}

/** Today on the reader's own clock, as `YYYY-MM-DD` (what date fields and the vault expect). */
// eslint-disable-next-line svelte/prefer-svelte-reactivity -- read once, never kept
export function today(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** "A, B and C" in the reader's language. */
export function formatList(items: readonly string[]): string {
  const options = { type: "conjunction", style: "long" } as const;
  return cached("list", options, () => new Intl.ListFormat(intlLocale(), options)).format(items);
}

export function formatPercent(fraction: number): string {
  return numberFormat({ style: "percent", maximumFractionDigits: 0 }).format(fraction);
}

/**
 * Wraps text from outside (a file name, an item number) in Unicode isolates, so an Arabic name in an
 * English sentence, or a Latin one in an Arabic sentence, cannot reorder the words around it.
 */
export function isolate(text: string): string {
  return FIRST_STRONG_ISOLATE + text + POP_DIRECTIONAL_ISOLATE;
}

/**
 * Shows the invisible characters of text from outside as their code points (`\u{202e}`): bidi embeddings,
 * overrides and isolates, zero-width characters, the byte order mark. A planted name then reads as what it
 * is, never as another.
 */
export function visible(text: string): string {
  return text.replace(INVISIBLE, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
}

const INVISIBLE = /[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/gu;

// Written as code points: the characters themselves would be invisible in the source.
export const FIRST_STRONG_ISOLATE = String.fromCodePoint(0x2068);
export const POP_DIRECTIONAL_ISOLATE = String.fromCodePoint(0x2069);
