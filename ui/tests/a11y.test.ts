// Every main screen, in English and in Arabic, checked with axe-core: no serious or critical violation.
// jsdom computes no layout, so colour contrast and what depends on it are checked in the end-to-end
// suite, in WebKit (tests/e2e); this one catches names, roles, landmarks and headings on every change.
import { afterEach, describe, expect, test } from "vitest";
import { fireEvent, screen, waitFor } from "@testing-library/svelte";
import axe from "axe-core";
import { render } from "@testing-library/svelte";
import { startApp } from "./app";
import { fakeShell } from "./shell";
import ConsentForm from "../src/people/ConsentForm.svelte";
import FeedbackMessage from "../src/components/FeedbackMessage.svelte";
import { say } from "../src/lib/feedback";
import { setLang } from "../src/lib/i18n/index.svelte";
import { VIEWS } from "../src/lib/stores/nav.svelte";

afterEach(() => setLang("en"));

async function violations(): Promise<string[]> {
  // The page's title comes from index.html, which the test document does not load.
  document.title = "Custodia";
  const result = await axe.run(document, {
    resultTypes: ["violations"],
    rules: { "color-contrast": { enabled: false } },
  });
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

for (const lang of ["en", "ar"] as const) {
  describe(`accessibility (${lang})`, () => {
    test("the unlock screen", async () => {
      await startApp(
        {
          app_status: () => ({
            vault_exists: true,
            unlocked: false,
            vault_path: "/v",
            settings: { language: lang, idle_lock_minutes: 15 },
          }),
        },
        false,
      );
      expect(await violations()).toEqual([]);
    });

    for (const view of VIEWS) {
      test(`the ${view} screen`, async () => {
        await startApp({
          app_status: () => ({
            vault_exists: true,
            unlocked: true,
            vault_path: "/v",
            settings: { language: lang, idle_lock_minutes: 15 },
          }),
        });
        await fireEvent.click(screen.getByTestId(`nav-${view}`));
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(await violations()).toEqual([]);
        // The section has one level-one heading, and moving to it put the focus there, not on the body.
        const titles = document.querySelectorAll("#main h1");
        expect(titles).toHaveLength(1);
        if (view !== "evidence") await waitFor(() => expect(document.activeElement).toBe(titles[0]));
      });
    }
  });
}

describe("names", () => {
  test("each consent checkbox is named by its recipient and its column, not by the Yes beside it", () => {
    fakeShell({});
    render(ConsentForm, { props: { person: "P-7F3K", submitLabel: "Record", onrecorded: () => {} } });
    const named = (box: Element) =>
      (box.getAttribute("aria-labelledby") ?? "")
        .split(" ")
        .map((ref) => document.getElementById(ref)?.textContent?.trim())
        .join(" ");
    const names = [...document.querySelectorAll('[data-testid^="consent-scope-"], [data-testid^="consent-identity-"]')]
      .filter((box) => box.tagName === "INPUT")
      .map(named);
    expect(names.length).toBeGreaterThanOrEqual(12);
    expect(new Set(names).size, names.join(" | ")).toBe(names.length);
    expect(names).toContain("International Criminal Court May receive");
  });
});

describe("status messages", () => {
  test("are spoken through a live region that was there before them; errors are alerts", async () => {
    await startApp();
    const region = screen.getByTestId("announcer");
    expect(region.getAttribute("aria-live")).toBe("polite");
    expect(region.textContent).toBe("");
    render(FeedbackMessage, { props: { feedback: say("ok", "referral.saved"), testid: "shown" } });
    expect(screen.getByTestId("shown").getAttribute("role")).toBeNull();
    await waitFor(() => expect(region.textContent).toBe("Saved."));
    render(FeedbackMessage, { props: { feedback: { tone: "error", text: () => "It failed." }, testid: "failed" } });
    expect(screen.getByTestId("failed").getAttribute("role")).toBe("alert");
  });
});
