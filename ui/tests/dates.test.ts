// Days typed and shown without ambiguity, and codes, dates and numbers that keep their order inside
// right-to-left sentences.
import { afterEach, describe, expect, test } from "vitest";
import { fireEvent, render, screen } from "@testing-library/svelte";
import DateField from "../src/components/DateField.svelte";
import Sentence from "../src/components/Sentence.svelte";
import BidiText from "../src/components/BidiText.svelte";
import { formatNumber, formatSize, isDay, isolate, setLang, t } from "../src/lib/i18n/index.svelte";

const FSI = "\u2068";
const PDI = "\u2069";

afterEach(() => setLang("en"));

describe("days", () => {
  test("a day is YYYY-MM-DD and one that exists", () => {
    expect(isDay("2026-03-02")).toBe(true);
    expect(isDay("2024-02-29")).toBe(true);
    for (const text of ["2026-02-30", "2026-13-01", "02/03/2026", "2026-3-2", "2026-03-02 ", "", "1990"]) {
      expect(isDay(text), text).toBe(false);
    }
  });

  test("the field takes the day as typed and says it back in the reader's words", async () => {
    let value = "";
    render(DateField, {
      props: {
        id: "d",
        testid: "day",
        get value() {
          return value;
        },
        set value(next: string) {
          value = next;
        },
      },
    });
    const input = screen.getByTestId("day") as HTMLInputElement;
    expect(input.type).toBe("text");
    expect(input.placeholder).toBe("YYYY-MM-DD");
    await fireEvent.input(input, { target: { value: "2026-03-02" } });
    expect(value).toBe("2026-03-02");
    expect(screen.getByTestId("day-long").textContent).toContain("2026");
    expect(screen.getByTestId("day-long").textContent).toMatch(/Mar/);
    expect(input.getAttribute("aria-invalid")).toBe("false");

    // A locale's short form is not taken for a day: the field says how to type it.
    await fireEvent.input(input, { target: { value: "02/03/2026" } });
    expect(input.getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByTestId("day-long").textContent).toContain("year-month-day, for example 2026-03-02");
  });
});

describe("right to left", () => {
  test("in Arabic the birth-date examples are isolates, so 1990-04-26 is not shown as 26-04-1990", () => {
    setLang("ar");
    const hint = t("person.birthDateHint", { year: "1990", month: "1990-04", day: "1990-04-26" });
    expect(hint).toContain(`${FSI}1990-04-26${PDI}`);
    expect(hint).toContain(`${FSI}1990-04${PDI}`);
  });

  test("on screen each birth-date example is a left-to-right element, in the sentence's order", () => {
    // WebKit ignores the isolate characters (the e2e suite measures the order it draws): markup it obeys.
    setLang("ar");
    const { container } = render(Sentence, {
      props: { key: "person.birthDateHint", params: { year: "1990", month: "1990-04", day: "1990-04-26" } },
    });
    const values = [...container.querySelectorAll("bdi")];
    expect(values.map((b) => [b.getAttribute("dir"), b.textContent])).toEqual([
      ["ltr", "1990"],
      ["ltr", "1990-04"],
      ["ltr", "1990-04-26"],
    ]);
    expect(container.textContent).toMatch(/^سنة \(1990\) أو شهر/);
    expect(container.textContent).not.toContain(FSI);
  });

  test("a code in an Arabic finding is one element on one line, not P- and 0C4N on two", () => {
    setLang("ar");
    const sentence = t("finding.duplicate_person", { person: isolate("P-0C4N") });
    const { container } = render(BidiText, { props: { text: sentence } });
    const values = [...container.querySelectorAll("bdi")];
    expect(values.map((b) => [b.textContent, b.classList.contains("unbroken")])).toEqual([["P-0C4N", true]]);
    expect(container.textContent).not.toMatch(/[\u2068\u2069]/);
    const long = render(BidiText, { props: { text: isolate("a long file name with spaces.m4a") } }).container;
    expect(long.querySelector("bdi")?.classList.contains("unbroken")).toBe(false);
  });

  test("left-to-right languages get the values as they are", () => {
    expect(t("person.birthDateHint", { year: "1990", month: "1990-04", day: "1990-04-26" })).toBe(
      "A year (1990), a month (1990-04) or a day (1990-04-26).",
    );
  });

  test("every language writes numbers in Latin digits, chosen explicitly", () => {
    for (const lang of ["en", "fr", "es", "ar"]) {
      setLang(lang);
      const shown = `${formatNumber(1234567)} ${formatSize(1_500_000)}`;
      expect(shown, lang).not.toMatch(/[\u0660-\u0669\u06f0-\u06f9]/);
      expect(shown, lang).toMatch(/1.?234.?567/);
    }
  });
});
