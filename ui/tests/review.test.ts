import { describe, expect, test } from "vitest";
import { fireEvent, screen, waitFor, within } from "@testing-library/svelte";
import { startApp } from "./app";
import { review, ShellError, type Handler } from "./shell";
import type { Anomaly, AnomalyKind } from "../src/lib/bindings";

const anomaly = (kind: AnomalyKind, seq: number, overrides: Partial<Anomaly> = {}): Anomaly => ({
  kind,
  seq,
  last_seq: seq,
  time: "2026-11-20T10:00:00.000Z",
  actor: "amina",
  subject: null,
  previous_time: null,
  count: 0,
  ...overrides,
});

/** One of each kind, as the core finds them. */
const EVERY_KIND: Anomaly[] = [
  anomaly("clock_backwards", 4, { previous_time: "2026-11-20T11:00:00.000Z" }),
  anomaly("long_gap", 9, { previous_time: "2026-09-01T10:00:00.000Z", count: 80 }),
  anomaly("rollback_accepted", 12, { count: 7 }),
  anomaly("bulk_reveal", 20, { last_seq: 34, count: 15 }),
  anomaly("harm_overridden", 40, { subject: "P-7F3K" }),
  anomaly("export", 41, { subject: "B-ABCDE-FGHIJ", count: 3 }),
];

async function openReview(overrides: Record<string, Handler> = {}) {
  const shell = await startApp(overrides);
  await fireEvent.click(screen.getByTestId("nav-custodyReview"));
  await screen.findByTestId("review-view");
  return shell;
}

describe("the custody review", () => {
  test("a fresh vault: one checkpoint, this computer's copy matches, nothing sent, nothing worth a look", async () => {
    await openReview();
    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("Custody review");
    const headings = screen.getAllByRole("heading", { level: 2 }).map((h) => h.textContent);
    expect(headings).toEqual([
      "Checkpoints over time",
      "Copies held outside this vault",
      "Worth a look",
      "Make a report",
    ]);
    await waitFor(() =>
      expect(screen.getByTestId("review-events").textContent).toBe("The custody log holds 3 events."),
    );
    const checkpoints = screen.getAllByTestId("review-checkpoint");
    expect(checkpoints).toHaveLength(1);
    expect(checkpoints[0].textContent).toContain("when the vault was locked");
    expect(checkpoints[0].textContent).toContain("No witness yet");
    expect(checkpoints[0].textContent).toContain("Yes");
    const columns = screen.getAllByRole("columnheader").map((h) => h.textContent);
    expect(columns).toEqual(["Signed", "Events covered", "Witnesses", "Timestamps", "Still extended by the log"]);
    expect(screen.getByTestId("review-local").getAttribute("data-state")).toBe("holds");
    expect(screen.getByTestId("review-local").textContent).toContain("(2 events)");
    expect(screen.getByTestId("review-no-exports")).toBeTruthy();
    expect(screen.getByTestId("review-no-witnesses")).toBeTruthy();
    expect(screen.getByTestId("review-no-anomalies").textContent).toContain("Nothing unusual");
  });

  test("witnesses, timestamps, recipients and every anomaly, in plain sentences with outside names made safe", async () => {
    await openReview({
      custody_review: () =>
        review({
          events: 1200,
          checkpoints: [
            {
              id: 7,
              size: 41,
              made_at: "2026-11-21T09:00:00.000Z",
              reason: "export",
              holds: false,
              cosignatures: [
                { witness: "lawyer.example/\u202eevil", signed_at: 1_763_700_000 },
                { witness: "ngo.example/w1", signed_at: 1_763_700_100 },
              ],
              timestamps: [{ gen_time: "2026-11-21T09:00:05Z", tsa_url: "https://tsa.example" }],
            },
          ],
          exports: [
            {
              bundle: "B-ABCDE-FGHIJ",
              made_at: "2026-11-21T09:00:00.000Z",
              recipient_kind: "icc",
              recipients: ["Counsel A"],
              checkpoint_size: 41,
              holds: true,
              seq: 41,
            },
          ],
          witnesses: [{ witness: "ngo.example/w1", newest_size: 41, signed_at: 1_763_700_100, cosignatures: 2 }],
          this_computer: { state: "unusable", why: "it is damaged" },
          anomalies: EVERY_KIND,
          anomalies_left_off: 4,
        }),
    });
    const checkpoint = await screen.findByTestId("review-checkpoint");
    expect(checkpoint.getAttribute("data-holds")).toBe("false");
    expect(checkpoint.textContent).toContain("for an export");
    expect(checkpoint.textContent).toContain("No: run the vault check");
    const witnesses = within(checkpoint).getByTestId("review-checkpoint-witnesses");
    expect(witnesses.textContent).toContain("lawyer.example/\\u{202e}evil");
    expect(witnesses.textContent).not.toContain("\u202e");
    expect(witnesses.querySelectorAll("bdi")).toHaveLength(2);
    expect(checkpoint.textContent).toContain("from https://tsa.example");

    expect(screen.getByTestId("review-local").textContent).toContain("could not be used");
    expect(screen.getByTestId("review-export").textContent).toContain("Counsel A");
    expect(screen.getByTestId("review-witness").textContent).toContain("ngo.example/w1");

    const found = screen.getAllByTestId("review-anomaly");
    expect(found.map((a) => a.getAttribute("data-kind"))).toEqual(EVERY_KIND.map((a) => a.kind));
    const text = found.map((a) => a.textContent ?? "");
    expect(text[0]).toContain("The computer's clock read earlier than at the event before");
    expect(text[1]).toContain("Nothing was recorded for 80 days");
    expect(text[2]).toContain("7 events this computer had seen are not in it");
    expect(text[3]).toContain("amina revealed 15 identities within one hour");
    expect(text[3]).toContain("Nos. 20 to 34");
    expect(text[4]).toContain("despite a do-no-harm warning about P-7F3K");
    expect(text[5]).toContain("exported bundle B-ABCDE-FGHIJ with 3 items");
    for (const sentence of text) expect(sentence).not.toMatch(/custodyReview\.|\{\w+\}/);
    expect(screen.getByTestId("review-anomalies-left-off").textContent).toContain("4 not listed");
  });

  test("an anomaly opens the custody log narrowed to its day and subject", async () => {
    const shell = await openReview({ custody_review: () => review({ anomalies: [EVERY_KIND[5]] }) });
    await fireEvent.click(await screen.findByTestId("review-show-in-log"));
    await screen.findByTestId("custody-view");
    expect((screen.getByTestId("filter-item") as HTMLInputElement).value).toBe("B-ABCDE-FGHIJ");
    await waitFor(() => {
      const filter = shell.callsTo("custody_events").at(-1)?.filter as { item: string; from: string; to: string };
      expect(filter.item).toBe("B-ABCDE-FGHIJ");
      expect(new Date(filter.from).getTime()).toBeLessThanOrEqual(Date.parse("2026-11-20T10:00:00.000Z"));
      expect(new Date(filter.to).getTime()).toBeGreaterThanOrEqual(Date.parse("2026-11-20T10:00:00.000Z"));
    });
  });

  test("in Arabic the review reads right to left, every sentence in Arabic", async () => {
    await openReview({ custody_review: () => review({ anomalies: EVERY_KIND }) });
    await fireEvent.change(screen.getByTestId("language-select"), { target: { value: "ar" } });
    await waitFor(() => expect(screen.getByTestId("app-root").getAttribute("dir")).toBe("rtl"));
    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("مراجعة العهدة");
    for (const item of screen.getAllByTestId("review-anomaly")) {
      expect(item.textContent).not.toMatch(/custodyReview\.|\{\w+\}|[a-z]{4,} [a-z]{4,}/);
    }
  });

  test("a review that cannot be read says why, and can be asked again", async () => {
    let fail = true;
    const shell = await openReview({
      custody_review: () => {
        if (fail) throw new ShellError("database_damaged");
        return review();
      },
    });
    expect(await screen.findByTestId("review-error")).toBeTruthy();
    fail = false;
    await fireEvent.click(screen.getByTestId("review-refresh"));
    await screen.findByTestId("review-checkpoint");
    expect(screen.queryByTestId("review-error")).toBeNull();
    expect(shell.callsTo("custody_review")).toHaveLength(2);
  });

  test("make a report: the scope, format and page language go to the shell; the result or the refusal is said", async () => {
    let refuse = true;
    const shell = await openReview({
      make_report: () => {
        if (refuse) throw new ShellError("item_not_found");
        return {
          file_name: "custody-report-E-AAAAA-00001.pdf",
          sha256: "ab".repeat(32),
          items: 1,
          events: 4,
          ok: true,
        };
      },
    });
    await fireEvent.input(screen.getByTestId("review-report-id"), { target: { value: " E-NOPE " } });
    await fireEvent.click(screen.getByTestId("review-report-make"));
    const refused = await screen.findByTestId("review-report-result");
    expect(refused.getAttribute("data-tone")).toBe("error");
    expect(shell.callsTo("make_report")[0]).toMatchObject({
      scope: { kind: "item", id: "E-NOPE" },
      format: "pdf",
      language: "en",
      title: "Save the custody report",
    });

    refuse = false;
    await fireEvent.change(screen.getByTestId("review-report-kind"), { target: { value: "all" } });
    expect(screen.queryByTestId("review-report-id")).toBeNull();
    await fireEvent.change(screen.getByTestId("review-report-format"), { target: { value: "html" } });
    await fireEvent.click(screen.getByTestId("review-report-make"));
    await waitFor(() => expect(screen.getByTestId("review-report-result").getAttribute("data-tone")).toBe("ok"));
    const said = screen.getByTestId("review-report-result").textContent ?? "";
    expect(said).toContain("4 custody events");
    expect(said).toContain("ab".repeat(32));
    expect(shell.callsTo("make_report")[1]).toMatchObject({ scope: { kind: "all" }, format: "html" });
  });
});
