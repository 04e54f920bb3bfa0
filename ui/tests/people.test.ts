import { describe, expect, test } from "vitest";
import { fireEvent, screen, waitFor, within } from "@testing-library/svelte";
import { startApp } from "./app";
import { finding, person, ShellError, type Handler } from "./shell";
import type { ConsentDto, PersonDetail } from "../src/lib/bindings";

const MARKUP = "<img src=x onerror=alert(1)>";

const duplicate = finding(
  {
    evidence: {
      records: ["P-7F3K", "T-AAAA1"],
      score: 0.87,
      reasons: [
        { code: "name_spelling_variant", text: "Name matches, spelled differently (3 parts)." },
        { code: "birth_year_matches", text: "Birth year matches." },
      ],
    },
  },
  {
    interviews: [{ id: "T-AAAA1", date: "2026-03-02", interviewers: ["A. Haroun"] }],
    reasons: ["name_spelling_variant"],
  },
);

async function openPeople(overrides: Record<string, Handler> = {}) {
  const shell = await startApp(overrides);
  await fireEvent.click(screen.getByTestId("nav-people"));
  await screen.findByTestId("people-view");
  return shell;
}

async function openAddPerson(overrides: Record<string, Handler> = {}) {
  const shell = await openPeople(overrides);
  await fireEvent.click(screen.getByTestId("add-person-open"));
  await screen.findByTestId("add-person");
  return shell;
}

const type = (id: string, value: string) => fireEvent.input(screen.getByTestId(id), { target: { value } });

function detailOf(overrides: Partial<PersonDetail> = {}): PersonDetail {
  return { person: person({ interviews: 1 }), interviews: [], consents: [], events: [], ...overrides };
}

function consent(overrides: Partial<ConsentDto> = {}): ConsentDto {
  return {
    id: "C-AAAA1",
    person: "P-7F3K",
    interview: null,
    status: "given",
    date: "2026-03-02",
    method: "oral",
    scan_item: null,
    scopes: [{ recipient: "icc", identity: true }],
    recorded_at: "2026-03-02T10:00:00Z",
    recorded_by: "amina",
    seq: 5,
    ...overrides,
  };
}

describe("adding a person", () => {
  test("the draft is checked after a pause in typing, not at every key, and a likely duplicate is explained", async () => {
    const shell = await openAddPerson({ check_person: () => [duplicate] });
    expect(screen.getByTestId("person-check").textContent).toContain("Type the name");
    await type("person-name", "A");
    await type("person-name", "Am");
    await type("person-name", "Aminah Yousif");
    await type("person-birth-date", "1990");
    const shown = await screen.findByTestId("finding");
    expect(shell.callsTo("check_person")).toHaveLength(1);
    expect(shell.callsTo("check_person")[0].input).toMatchObject({ full_name: "Aminah Yousif", birth_date: "1990" });
    expect(shown.getAttribute("data-severity")).toBe("warning");
    expect(within(shown).getByTestId("finding-text").textContent).toBe("Probably the same person as P-7F3K.");
    const reasons = within(shown).getByTestId("finding-reasons").textContent;
    expect(reasons).toContain("Name matches, spelled differently.");
    expect(reasons).toContain("Birth year matches.");
    expect(within(shown).getByTestId("finding-priors").textContent).toContain("Mar 2, 2026, by A. Haroun (T-AAAA1)");
    expect(shell.callsTo("add_person")).toHaveLength(0);
  });

  test("a warning needs a written reason of ten characters; the reason goes with the save", async () => {
    const shell = await openAddPerson({
      check_person: () => [duplicate],
      add_person: () => ({ person: person({ id: "P-9XQ2" }), findings: [duplicate] }),
      person_detail: () => detailOf({ person: person({ id: "P-9XQ2" }) }),
    });
    await type("person-name", "Aminah Yousif");
    await screen.findByTestId("finding");
    const decision = screen.getByTestId("person-decision");
    expect(decision.getAttribute("data-state")).toBe("warned");
    const save = screen.getByTestId("person-decision-save") as HTMLButtonElement;
    expect(save.disabled).toBe(true);
    await type("person-decision-reason", "too short");
    expect(save.disabled).toBe(true);
    await type("person-decision-reason", "She asked to add what happened after May");
    expect(save.disabled).toBe(false);
    await fireEvent.click(save);
    await waitFor(() => expect(shell.callsTo("add_person")).toHaveLength(1));
    expect(shell.callsTo("add_person")[0]).toMatchObject({
      input: { full_name: "Aminah Yousif" },
      justification: "She asked to add what happened after May",
    });
    expect((await screen.findByTestId("people-message")).textContent).toContain("Your reason is in the custody log");
  });

  test("stopping saves nothing and says so", async () => {
    const shell = await openAddPerson({ check_person: () => [duplicate] });
    await type("person-name", "Aminah Yousif");
    await screen.findByTestId("finding");
    await fireEvent.click(screen.getByTestId("person-decision-stop"));
    expect((await screen.findByTestId("people-message")).textContent).toContain("Nothing was saved");
    expect(shell.callsTo("add_person")).toHaveLength(0);
  });

  test("a block cannot be overridden: no save button, only a plain “cannot continue”", async () => {
    const block = finding(
      { rule: "consent-scope", severity: "block", code: "consent_scope" },
      { recipient: "media", why: "withdrawn" },
    );
    await openAddPerson({ check_person: () => [block] });
    await type("person-name", "Someone");
    const shown = await screen.findByTestId("finding");
    expect(shown.textContent).toContain("Cannot continue");
    expect(within(shown).getByTestId("finding-text").textContent).toBe(
      "The records of P-7F3K cannot go to Media: consent was withdrawn.",
    );
    expect(screen.getByTestId("person-decision").getAttribute("data-state")).toBe("blocked");
    expect(screen.queryByTestId("person-decision-save")).toBeNull();
    expect(screen.getByTestId("person-decision-blocked").textContent).toContain("Cannot continue.");
  });

  test("a save refused because the vault changed shows the findings that came with the refusal", async () => {
    await openAddPerson({
      check_person: () => [],
      add_person: () => {
        throw new ShellError("justification_needed", "1 warning", [duplicate]);
      },
    });
    await type("person-name", "Aminah Yousif");
    await screen.findByTestId("person-check-clear");
    await fireEvent.click(screen.getByTestId("person-decision-save"));
    expect((await screen.findByTestId("person-save-error")).textContent).toContain(
      "A warning needs your written reason",
    );
    expect(screen.getByTestId("finding").getAttribute("data-code")).toBe("duplicate_person");
    expect(screen.getByTestId("person-decision").getAttribute("data-state")).toBe("warned");
  });

  test("a draft the vault cannot read is answered with the error, and cannot be saved", async () => {
    await openAddPerson({
      check_person: () => {
        throw new ShellError("bad_date");
      },
    });
    await type("person-name", "Aminah");
    await type("person-birth-date", "next spring");
    expect((await screen.findByTestId("person-check-error")).textContent).toContain("This date is not valid");
    expect((screen.getByTestId("person-decision-save") as HTMLButtonElement).disabled).toBe(true);
  });
});

describe("a person's detail", () => {
  test("the identity is hidden until Show, which says it is logged; names render as text", async () => {
    const shell = await openPeople({
      list_persons: () => [person({ interviews: 1 })],
      person_detail: () => detailOf(),
      reveal_person: () => ({
        full_name: MARKUP,
        other_names: ["أمينة يوسف"],
        birth_date: "1990",
        birth_place: "Nyala",
        residence: "",
        phone: "",
        id_number: "",
        notes: "",
      }),
    });
    await fireEvent.click(await screen.findByTestId("person-row"));
    const panel = await screen.findByTestId("identity-panel");
    expect(panel.getAttribute("data-revealed")).toBe("false");
    expect(panel.textContent).not.toContain(MARKUP);
    expect(shell.callsTo("reveal_person")).toHaveLength(0);
    expect(panel.textContent).toContain("recorded in the custody log");
    await fireEvent.click(screen.getByTestId("reveal-person"));
    const details = await screen.findByTestId("identity-details");
    expect(shell.callsTo("reveal_person")).toEqual([{ id: "P-7F3K" }]);
    expect(details.textContent).toContain(MARKUP);
    expect(details.textContent).toContain("أمينة يوسف");
    expect(details.querySelector('[data-field="full_name"] bdi')?.textContent).toBe(MARKUP);
    expect(document.querySelectorAll("img")).toHaveLength(0);
    expect(screen.getByTestId("identity-message").textContent).toContain("recorded in the custody log");
    await fireEvent.click(screen.getByTestId("hide-person"));
    expect(screen.getByTestId("identity-panel").textContent).not.toContain(MARKUP);
  });

  test("consent is recorded with a scope per recipient, the name shared with some only", async () => {
    const shell = await openPeople({
      list_persons: () => [person()],
      person_detail: () => detailOf(),
      record_consent: () => consent(),
    });
    await fireEvent.click(await screen.findByTestId("person-row"));
    expect((await screen.findByTestId("consent-none")).textContent).toContain("cannot be completed without it");
    await fireEvent.click(screen.getByTestId("consent-new"));
    const form = await screen.findByTestId("consent-form");
    expect(
      within(form)
        .getAllByTestId("scope-row")
        .map((r) => r.getAttribute("data-recipient")),
    ).toEqual(["icc", "un_mechanism", "national_prosecutor", "partner_ngo", "media", "public_report"]);
    const identityIcc = screen.getByTestId("consent-identity-icc") as HTMLInputElement;
    expect(identityIcc.disabled).toBe(true);
    await fireEvent.click(screen.getByTestId("consent-scope-icc"));
    expect(identityIcc.disabled).toBe(false);
    await fireEvent.click(identityIcc);
    await fireEvent.click(screen.getByTestId("consent-scope-partner_ngo"));
    await fireEvent.input(screen.getByTestId("consent-date"), { target: { value: "2026-11-02" } });
    await fireEvent.click(screen.getByTestId("consent-submit"));
    await waitFor(() => expect(shell.callsTo("record_consent")).toHaveLength(1));
    expect(shell.callsTo("record_consent")[0].input).toEqual({
      person: "P-7F3K",
      interview: null,
      status: "given",
      date: "2026-11-02",
      method: "oral",
      scan_item: null,
      scopes: [
        { recipient: "icc", identity: true },
        { recipient: "partner_ngo", identity: false },
      ],
    });
    expect((await screen.findByTestId("person-message")).textContent).toContain("Consent recorded.");
  });

  test("written consent asks for the scan first; a refusal has no scope", async () => {
    const shell = await openPeople({
      list_persons: () => [person()],
      person_detail: () => detailOf(),
      record_consent: () => consent(),
    });
    await fireEvent.click(await screen.findByTestId("person-row"));
    await fireEvent.click(await screen.findByTestId("consent-new"));
    await fireEvent.click(screen.getByTestId("consent-method-written"));
    await fireEvent.click(screen.getByTestId("consent-submit"));
    expect((await screen.findByTestId("consent-error")).textContent).toContain("needs the scan");
    expect(shell.callsTo("record_consent")).toHaveLength(0);
    await fireEvent.click(screen.getByTestId("consent-method-oral"));
    await fireEvent.click(screen.getByTestId("consent-status-refused"));
    expect(screen.queryByTestId("consent-scope")).toBeNull();
    await fireEvent.click(screen.getByTestId("consent-submit"));
    await waitFor(() => expect(shell.callsTo("record_consent")).toHaveLength(1));
    expect(shell.callsTo("record_consent")[0].input).toMatchObject({ status: "refused", scopes: [] });
  });

  test("withdrawing consent keeps the earlier decision in the history", async () => {
    let consents = [consent()];
    const shell = await openPeople({
      list_persons: () => [person()],
      person_detail: () => detailOf({ consents }),
      withdraw_consent: (a) => {
        const withdrawn = consent({ id: "C-AAAA2", status: "withdrawn", scopes: [], seq: 9, date: String(a.date) });
        consents = [...consents, withdrawn];
        return withdrawn;
      },
    });
    await fireEvent.click(await screen.findByTestId("person-row"));
    const history = await screen.findByTestId("consent-history");
    expect(within(history).getByTestId("consent-record").textContent).toContain(
      "International Criminal Court — with the name",
    );
    await fireEvent.click(screen.getByTestId("consent-withdraw"));
    await fireEvent.input(await screen.findByTestId("withdraw-date"), { target: { value: "2026-11-20" } });
    await fireEvent.click(screen.getByTestId("withdraw-confirm"));
    await waitFor(() => expect(screen.getAllByTestId("consent-record")).toHaveLength(2));
    expect(shell.callsTo("withdraw_consent")).toEqual([
      { person: "P-7F3K", date: "2026-11-20", method: "oral", scanItem: null },
    ]);
    const records = screen.getAllByTestId("consent-record");
    expect(records.map((r) => [r.getAttribute("data-status"), r.getAttribute("data-in-force")])).toEqual([
      ["withdrawn", "true"],
      ["given", "false"],
    ]);
    expect(screen.queryByTestId("consent-withdraw")).toBeNull();
  });
});

describe("the duplicate review queue", () => {
  const pair = {
    a: person({ id: "P-2QX9", created_at: "2026-05-01T00:00:00Z" }),
    b: person({ id: "P-7F3K", created_at: "2026-03-01T00:00:00Z", interviews: 2 }),
    score: 0.91,
    reasons: [
      { code: "name_transliterated", text: "Name written in Arabic script matches the other spelling (3 parts)." },
      { code: "birth_date_matches", text: "Birth date matches." },
    ],
  };

  test("shows each pair with its match and reasons in plain words; “different people” takes it off the queue", async () => {
    let pairs = [pair];
    const shell = await openPeople({
      person_duplicates: () => pairs,
      review_different: () => {
        pairs = [];
        return null;
      },
    });
    await waitFor(() =>
      expect(screen.getByTestId("open-review").textContent).toContain("1 possible duplicate to review"),
    );
    await fireEvent.click(screen.getByTestId("open-review"));
    const card = await screen.findByTestId("duplicate-pair");
    expect(card.textContent).toContain("Match: 91%");
    expect(within(card).getByTestId("pair-reasons").textContent).toContain(
      "Name written in another script matches the other spelling.",
    );
    expect(card.textContent).not.toContain("Amina");
    await fireEvent.click(within(card).getByTestId("review-different"));
    expect(await screen.findByTestId("review-empty")).toBeTruthy();
    expect(shell.callsTo("review_different")).toEqual([{ a: "P-2QX9", b: "P-7F3K" }]);
    expect(screen.getByTestId("review-message").textContent).toContain("will not be shown again");
  });

  test("“same person” asks again, then joins the newer record into the older one", async () => {
    let pairs = [pair];
    const shell = await openPeople({
      person_duplicates: () => pairs,
      review_same: () => {
        pairs = [];
        return pair.b;
      },
    });
    await fireEvent.click(await screen.findByTestId("open-review"));
    const card = await screen.findByTestId("duplicate-pair");
    await fireEvent.click(within(card).getByTestId("review-same"));
    expect(card.textContent).toContain("Join P-2QX9 into P-7F3K?");
    expect(shell.callsTo("review_same")).toHaveLength(0);
    await fireEvent.click(within(card).getByTestId("review-same-confirm"));
    await screen.findByTestId("review-empty");
    expect(shell.callsTo("review_same")).toEqual([{ a: "P-7F3K", b: "P-2QX9" }]);
  });

  test("a reviewer may show both names to compare, after the passphrase, through the logged command", async () => {
    let confirmed = false;
    const identity = (full_name: string) => ({
      full_name,
      other_names: [],
      birth_date: "1990-04-26",
      birth_place: "",
      residence: "",
      phone: "",
      id_number: "",
      notes: "",
    });
    const shell = await openPeople({
      person_duplicates: () => [pair],
      confirm_passphrase: () => {
        confirmed = true;
        return null;
      },
      reveal_pair: () => {
        if (!confirmed) throw new ShellError("reauth_required");
        return [identity("Amina Yusuf"), identity("أمينة يوسف")];
      },
    });
    await fireEvent.click(await screen.findByTestId("open-review"));
    const card = await screen.findByTestId("duplicate-pair");
    await fireEvent.click(within(card).getByTestId("pair-reveal"));
    const dialog = await screen.findByTestId("reauth-dialog");
    expect(within(card).queryAllByTestId("pair-identity"), "nothing shown before the passphrase").toHaveLength(0);
    await fireEvent.input(within(dialog).getByTestId("reauth-passphrase"), { target: { value: "olive lantern" } });
    await fireEvent.click(within(dialog).getByTestId("reauth-confirm"));
    await waitFor(() => expect(within(card).getAllByTestId("pair-identity")).toHaveLength(2));
    expect(shell.callsTo("confirm_passphrase")).toEqual([{ passphrase: "olive lantern" }]);
    expect(shell.callsTo("reveal_pair")).toEqual([
      { a: "P-2QX9", b: "P-7F3K" },
      { a: "P-2QX9", b: "P-7F3K" },
    ]);
    expect(screen.queryByTestId("reauth-dialog"), "the dialog closes once confirmed").toBeNull();
    expect(card.textContent).toContain("أمينة يوسف");
  });
});
