import { describe, expect, test } from "vitest";
import { fireEvent, screen, waitFor } from "@testing-library/svelte";
import { startApp } from "./app";
import { shellEvent, type Handler } from "./shell";
import type { EventDto } from "../src/lib/bindings";
import { setLang } from "../src/lib/i18n/index.svelte";

const event = (seq: number, action = "item.viewed"): EventDto => ({
  seq,
  time: "2026-11-20T10:00:00Z",
  actor: "amina",
  device: "dev-1",
  action,
  subject: "E-00000-00001",
  details: "{}",
  hash: "h",
});

async function openCustody(overrides: Record<string, Handler> = {}) {
  const shell = await startApp(overrides);
  await fireEvent.click(screen.getByTestId("nav-custody"));
  await screen.findByTestId("custody-view");
  return shell;
}

describe("the custody log", () => {
  test("lists events newest first, filters through the shell, and loads older pages", async () => {
    const shell = await openCustody({
      custody_facets: () => ({ actors: ["amina", "joseph"], actions: ["item.viewed", "vault.opened"] }),
      custody_events: (a) => {
        const filter = a.filter as { before_seq: number | null };
        return filter.before_seq === null
          ? { events: [event(3, "vault.opened"), event(2)], more: true }
          : { events: [event(1, "vault.created")], more: false };
      },
    });
    await waitFor(() => expect(screen.getAllByTestId("custody-event")).toHaveLength(2));
    const actions = () => screen.getAllByTestId("custody-event").map((e) => e.getAttribute("data-action"));
    expect(actions()).toEqual(["vault.opened", "item.viewed"]);
    expect(screen.getAllByTestId("custody-event")[0].textContent).toContain("Vault unlocked");

    await fireEvent.click(screen.getByTestId("load-older"));
    await waitFor(() => expect(actions()).toEqual(["vault.opened", "item.viewed", "vault.created"]));
    expect(screen.queryByTestId("load-older")).toBeNull();
    expect((shell.callsTo("custody_events")[1].filter as { before_seq: number }).before_seq).toBe(2);

    await waitFor(() => expect(screen.getByTestId("filter-actor").querySelectorAll("option")).toHaveLength(3));
    await fireEvent.change(screen.getByTestId("filter-actor"), { target: { value: "joseph" } });
    await fireEvent.change(screen.getByTestId("filter-action"), { target: { value: "item.viewed" } });
    await fireEvent.input(screen.getByTestId("filter-from"), { target: { value: "2026-11-01" } });
    await waitFor(() =>
      expect(shell.callsTo("custody_events").at(-1)?.filter).toEqual({
        item: null,
        actor: "joseph",
        action: "item.viewed",
        from: new Date(2026, 10, 1).toISOString(),
        to: null,
        before_seq: null,
        limit: 100,
      }),
    );
  });
});

describe("verifying the vault", () => {
  test("progress, then a green report", async () => {
    const shell = await openCustody({ verify_vault: () => 5 });
    await fireEvent.click(screen.getByTestId("verify-button"));
    await waitFor(() => expect(shell.callsTo("verify_vault")).toHaveLength(1));
    await shellEvent("verify-progress", { job_id: 5, done: 1, total: 4 });
    expect((await screen.findByTestId("verify-progress")).textContent).toContain("Checking… 25%");
    await shellEvent("verify-finished", {
      job_id: 5,
      error: null,
      report: { ok: true, items: 12, stored_copies: 11, events: 40, bytes_hashed: 2_500_000, problems: [] },
    });
    const result = await screen.findByTestId("verify-result");
    expect(result.getAttribute("data-ok")).toBe("true");
    expect(result.textContent).toContain("Everything checks out");
    expect(result.textContent).toContain("2.5 MB");
    expect(screen.queryByTestId("verify-progress")).toBeNull();
    expect(screen.queryAllByTestId("verify-problem")).toHaveLength(0);
    // The check is itself in the log: the list is asked for again.
    await waitFor(() => expect(shell.callsTo("custody_events").length).toBeGreaterThanOrEqual(2));
  });

  test("a red report names each problem in a sentence, in the reader's language", async () => {
    await openCustody({ verify_vault: () => 6 });
    await fireEvent.click(screen.getByTestId("verify-button"));
    await shellEvent("verify-finished", {
      job_id: 6,
      error: null,
      report: {
        ok: false,
        items: 2,
        stored_copies: 2,
        events: 9,
        bytes_hashed: 10,
        problems: [
          {
            found: { problem: "content_altered", item: "E-00000-00001", expected: "aa", actual: "bb" },
            message: "sha mismatch",
          },
          { found: { problem: "events_missing", first: 4, last: 6 }, message: "custody events 4 to 6 are missing" },
          {
            found: {
              problem: "history_rewritten",
              checkpoint: 3,
              made_at: "2026-12-01T10:00:00Z",
              signed_events: 40,
              intact_up_to: 12,
            },
            message: "the custody log no longer matches checkpoint 3",
          },
        ],
      },
    });
    const result = await screen.findByTestId("verify-result");
    expect(result.getAttribute("data-ok")).toBe("false");
    expect(result.textContent).toContain("Problems found");
    const problems = screen.getAllByTestId("verify-problem");
    // Names from the report are isolated (U+2068 ... U+2069), so they cannot reorder the sentence.
    expect(problems[0].textContent).toContain("The content of \u2068E-00000-00001\u2069 is no longer what was added");
    expect(problems[1].textContent).toContain("Custody events 4 to 6 are missing from the log.");
    expect(problems[2].getAttribute("data-kind")).toBe("history_rewritten");
    expect(problems[2].textContent).toContain("no longer matches checkpoint 3");
    expect(problems[2].textContent).toContain("40 events: the events after number 12 were rewritten");
    expect(problems[2].textContent).toContain("2026");
    setLang("es");
    await waitFor(() =>
      expect(screen.getAllByTestId("verify-problem")[1].textContent).toContain("Faltan los eventos 4 a 6"),
    );
  });

  test("a check that cannot run ends red with the reason", async () => {
    await openCustody({ verify_vault: () => 8 });
    await fireEvent.click(screen.getByTestId("verify-button"));
    await shellEvent("verify-finished", {
      job_id: 8,
      report: null,
      error: { code: "database_damaged", message: "file is not a database" },
    });
    const result = await screen.findByTestId("verify-result");
    expect(result.getAttribute("data-ok")).toBe("false");
    expect(result.textContent).toContain("The vault’s database is damaged");
  });
});
