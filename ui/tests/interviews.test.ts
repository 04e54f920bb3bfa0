import { describe, expect, test } from "vitest";
import { fireEvent, screen, waitFor, within } from "@testing-library/svelte";
import { startApp } from "./app";
import { finding, person, ShellError, type Handler } from "./shell";
import type { ConsentDto, InterviewDto, PersonDetail, Referral } from "../src/lib/bindings";

const type = (id: string, value: string) => fireEvent.input(screen.getByTestId(id), { target: { value } });

function interview(overrides: Partial<InterviewDto> = {}): InterviewDto {
  return {
    id: "T-BBBB1",
    person: "P-7F3K",
    interviewers: ["M. Diallo"],
    date: "2026-11-26",
    place: "Camp 3",
    language: "Arabic",
    interpreter: "",
    status: "draft",
    referrals: { psychosocial: null, medical: null, legal: null },
    documents: [],
    incidents: [],
    created_at: "2026-11-26T10:00:00Z",
    created_by: "amina",
    ...overrides,
  };
}

const earlier = interview({ id: "T-AAAA1", date: "2026-09-01", interviewers: ["A. Haroun"], status: "complete" });

function detail(overrides: Partial<PersonDetail> = {}): PersonDetail {
  return { person: person({ interviews: 1 }), interviews: [earlier], consents: [], events: [], ...overrides };
}

const duplicate = finding(
  { evidence: { records: ["P-7F3K"], score: 0.9, reasons: [{ code: "name_spelling_variant", text: "x" }] } },
  { interviews: [{ id: "T-AAAA1", date: "2026-09-01", interviewers: ["A. Haroun"] }] },
);

const recent = finding(
  {
    rule: "recent-interview",
    code: "recent_interview",
    evidence: { records: ["P-7F3K", "T-AAAA1"], score: null, reasons: [] },
  },
  { days: 86, cooldown_days: 90, prior: { id: "T-AAAA1", date: "2026-09-01", interviewers: ["A. Haroun"] } },
);

const consentNotYet = finding({ rule: "consent-missing", severity: "info", code: "consent_not_yet" });

async function startWizard(overrides: Record<string, Handler> = {}) {
  const shell = await startApp(overrides);
  await fireEvent.click(screen.getByTestId("nav-interviews"));
  await fireEvent.click(await screen.findByTestId("new-interview"));
  await screen.findByTestId("new-interview");
  return shell;
}

describe("the New interview flow", () => {
  test("Close asks before dropping what was typed on a step; with nothing typed it closes at once", async () => {
    await startWizard();
    await fireEvent.click(screen.getByTestId("wizard-close"));
    await waitFor(() => expect(screen.queryByTestId("new-interview")?.getAttribute("data-step")).toBeNull());

    await fireEvent.click(await screen.findByTestId("new-interview"));
    await waitFor(() => expect(screen.getByTestId("new-interview").getAttribute("data-step")).toBe("person"));
    await type("person-name", "Aminah Yousif");
    await fireEvent.click(screen.getByTestId("wizard-close"));
    expect((await screen.findByTestId("wizard-close-ask")).textContent).toContain("will be lost");
    await fireEvent.click(screen.getByTestId("wizard-close-keep"));
    expect(screen.queryByTestId("wizard-close-ask")).toBeNull();
    expect((screen.getByTestId("person-name") as HTMLInputElement).value).toBe("Aminah Yousif");
    await fireEvent.click(screen.getByTestId("wizard-close"));
    await fireEvent.click(await screen.findByTestId("wizard-close-anyway"));
    await waitFor(() => expect(screen.queryByTestId("wizard-close-ask")).toBeNull());
    expect(screen.queryByTestId("person-name")).toBeNull();
  });

  test("starts with the person: a likely duplicate can be taken as the same person, and nothing new is saved", async () => {
    const shell = await startWizard({
      check_person: () => [duplicate],
      person_detail: () => detail(),
    });
    expect(screen.getByTestId("new-interview").getAttribute("data-step")).toBe("person");
    await type("person-name", "Aminah Yousif");
    const shown = await screen.findByTestId("finding");
    expect(within(shown).getByTestId("finding-priors").textContent).toContain("Sep 1, 2026, by A. Haroun");
    await fireEvent.click(within(shown).getByTestId("use-existing"));
    await waitFor(() => expect(screen.getByTestId("new-interview").getAttribute("data-step")).toBe("consent"));
    expect(shell.callsTo("add_person")).toHaveLength(0);
    expect(shell.callsTo("person_detail")).toEqual([{ id: "P-7F3K" }]);
  });

  test("runs person, consent, interview (with a warning and a reason), referrals, then completion", async () => {
    let consents: PersonDetail["consents"] = [];
    const shell = await startWizard({
      check_person: () => [],
      add_person: () => ({ person: person({ id: "P-9XQ2" }), findings: [] }),
      person_detail: () => detail({ person: person({ id: "P-9XQ2", interviews: 1 }), consents }),
      record_consent: (a) => {
        const input = a.input as { date: string };
        const recorded: ConsentDto = {
          id: "C-1",
          person: "P-9XQ2",
          interview: null,
          status: "given",
          date: input.date,
          method: "oral",
          scan_item: null,
          scopes: [{ recipient: "icc", identity: false }],
          recorded_at: "2026-11-26T10:00:00Z",
          recorded_by: "amina",
          seq: 3,
        };
        consents = [recorded];
        return recorded;
      },
      list_interviewers: () => [{ name: "M. Diallo", trained: true }],
      check_interview: () => [recent, consentNotYet],
      add_interview: () => ({ interview: interview({ person: "P-9XQ2" }), findings: [recent] }),
      set_referral: (a) =>
        interview({
          person: "P-9XQ2",
          referrals: {
            psychosocial: a.kind === "psychosocial" ? (String(a.value) as Referral) : null,
            medical: null,
            legal: null,
          },
        }),
      complete_interview: () => ({ interview: interview({ person: "P-9XQ2", status: "complete" }), findings: [] }),
    });
    await type("person-name", "Fatima Ahmed");
    await screen.findByTestId("person-check-clear");
    await fireEvent.click(screen.getByTestId("person-decision-save"));
    await waitFor(() => expect(screen.getByTestId("new-interview").getAttribute("data-step")).toBe("consent"));
    expect(shell.callsTo("add_person")[0]).toMatchObject({ justification: null });

    await fireEvent.click(screen.getByTestId("consent-scope-icc"));
    await fireEvent.click(screen.getByTestId("consent-submit"));
    await waitFor(() => expect(screen.getByTestId("new-interview").getAttribute("data-step")).toBe("interview"));
    expect(screen.getByTestId("earlier-interviews").textContent).toContain("A. Haroun");

    // Nothing is checked before an interviewer is named.
    expect(shell.callsTo("check_interview")).toHaveLength(0);
    await type("interviewer-input", "M. Diallo");
    await fireEvent.click(screen.getByTestId("interviewer-add"));
    expect(screen.getByTestId("interviewer-chip").textContent).toContain("trained");
    await type("interview-transcript", "They came at night.");
    const findings = await screen.findByTestId("interview-findings");
    const texts = within(findings)
      .getAllByTestId("finding-text")
      .map((f) => f.textContent);
    expect(texts[0]).toBe(
      "P-7F3K was interviewed 86 days before this date, on Sep 1, 2026. The waiting time between interviews is 90 days: another interview so soon can harm them. Use the earlier testimony if you can.",
    );
    expect(texts[1]).toContain("No consent is recorded for P-7F3K yet");
    await type("interview-decision-reason", "The person asked to add new facts");
    await fireEvent.click(screen.getByTestId("interview-decision-save"));
    await waitFor(() => expect(screen.getByTestId("new-interview").getAttribute("data-step")).toBe("referral"));
    expect(shell.callsTo("add_interview")[0]).toMatchObject({
      input: { person: "P-9XQ2", interviewers: ["M. Diallo"], transcript: "They came at night." },
      justification: "The person asked to add new facts",
    });

    // Choices are saved only when the documenter says so: a passing choice writes nothing.
    await fireEvent.click(screen.getByTestId("referral-psychosocial-declined"));
    await fireEvent.click(screen.getByTestId("referral-psychosocial-made"));
    expect(shell.callsTo("set_referral")).toHaveLength(0);
    expect(screen.getByTestId("referral-unsaved")).toBeTruthy();
    await fireEvent.click(screen.getByTestId("referral-save"));
    await waitFor(() =>
      expect(shell.callsTo("set_referral")).toEqual([{ id: "T-BBBB1", kind: "psychosocial", value: "made" }]),
    );
    // Consent can be recorded again from the completion step, which then comes back, referrals as saved.
    await fireEvent.click(screen.getByTestId("wizard-back-to-consent"));
    await waitFor(() => expect(screen.getByTestId("new-interview").getAttribute("data-step")).toBe("consent"));
    await fireEvent.click(await screen.findByTestId("consent-keep"));
    await waitFor(() => expect(screen.getByTestId("new-interview").getAttribute("data-step")).toBe("referral"));
    expect((screen.getByTestId("referral-psychosocial-made") as HTMLInputElement).checked).toBe(true);
    await fireEvent.click(screen.getByTestId("complete-submit"));
    const done = await screen.findByTestId("wizard-done");
    expect(done.getAttribute("data-status")).toBe("complete");
    expect(done.textContent).toContain("Interview T-BBBB1 is complete.");
  });

  test("completion without consent is a block, shown as what to do, and the interview stays a draft", async () => {
    const block = finding(
      { rule: "consent-missing", severity: "block", code: "consent_missing" },
      { interview: "T-BBBB1" },
    );
    const referralBlock = finding(
      { rule: "sensitive-safeguard", severity: "block", code: "safeguard_referral" },
      { interview: "T-BBBB1", vulnerability: ["minor"], missing: ["medical", "legal"] },
    );
    const shell = await startApp({
      list_interviews: () => [interview()],
      interview_detail: () => ({ interview: interview(), person: person({ minor: true }), events: [] }),
      complete_interview: () => {
        throw new ShellError("harm_blocked", "stopped", [block, referralBlock]);
      },
    });
    await fireEvent.click(screen.getByTestId("nav-interviews"));
    await fireEvent.click(await screen.findByTestId("interview-row"));
    await fireEvent.click(await screen.findByTestId("complete-submit"));
    expect((await screen.findByTestId("complete-blocked")).textContent).toContain("Cannot continue.");
    const texts = screen.getAllByTestId("finding-text").map((f) => f.textContent);
    expect(texts).toEqual([
      "No consent is recorded for P-7F3K. Record consent (given or refused) before completing T-BBBB1.",
      "P-7F3K is a minor. Record whether the referral was made or declined (Medical care and Legal aid) before completing T-BBBB1.",
    ]);
    expect(screen.getByTestId("interview-status").getAttribute("data-status")).toBe("draft");
    expect(screen.getByTestId("referral-form").textContent).toContain("needs extra care");
    expect(shell.callsTo("complete_interview")).toHaveLength(1);
  });

  test("a completed interview's referrals are shown as recorded, and cannot be changed", async () => {
    const done = interview({
      status: "complete",
      referrals: { psychosocial: "made", medical: "declined", legal: null },
    });
    const shell = await startApp({
      list_interviews: () => [done],
      interview_detail: () => ({ interview: done, person: person(), events: [] }),
    });
    await fireEvent.click(screen.getByTestId("nav-interviews"));
    await fireEvent.click(await screen.findByTestId("interview-row"));
    const form = await screen.findByTestId("referral-form");
    expect(form.textContent).toContain("cannot be changed");
    expect((screen.getByTestId("referral-psychosocial-made") as HTMLInputElement).checked).toBe(true);
    expect((screen.getByTestId("referral-medical-declined") as HTMLInputElement).checked).toBe(true);
    expect(screen.getByTestId("referral-legal-made").matches(":disabled")).toBe(true);
    expect(screen.queryByTestId("referral-save")).toBeNull();
    expect(shell.callsTo("set_referral")).toHaveLength(0);
  });

  test("starting from a person skips to consent and keeps the consent in force", async () => {
    const given: ConsentDto = {
      id: "C-1",
      person: "P-7F3K",
      interview: null,
      status: "given",
      date: "2026-03-02",
      method: "oral",
      scan_item: null,
      scopes: [{ recipient: "partner_ngo", identity: false }],
      recorded_at: "2026-03-02T10:00:00Z",
      recorded_by: "amina",
      seq: 3,
    };
    const shell = await startApp({
      list_persons: () => [person({ interviews: 1 })],
      person_detail: () => detail({ consents: [given] }),
    });
    await fireEvent.click(screen.getByTestId("nav-people"));
    await fireEvent.click(await screen.findByTestId("person-row"));
    await fireEvent.click(await screen.findByTestId("person-new-interview"));
    await waitFor(() => expect(screen.getByTestId("new-interview").getAttribute("data-step")).toBe("consent"));
    expect(screen.getByTestId("consent-step").textContent).toContain("Partner organisation — without the name");
    await fireEvent.click(screen.getByTestId("consent-keep"));
    await waitFor(() => expect(screen.getByTestId("new-interview").getAttribute("data-step")).toBe("interview"));
    expect(shell.callsTo("record_consent")).toHaveLength(0);
  });

  test("the interview list shows date, person code and status; the texts stay hidden until Show", async () => {
    const shell = await startApp({
      list_interviews: () => [interview(), earlier],
      interview_detail: (a) => ({
        interview: a.id === earlier.id ? earlier : interview(),
        person: person(),
        events: [],
      }),
      read_interview: () => ({ transcript: "<b>They came at night.</b>", summary: "" }),
    });
    await fireEvent.click(screen.getByTestId("nav-interviews"));
    await waitFor(() => expect(screen.getAllByTestId("interview-row")).toHaveLength(2));
    expect(screen.getByTestId("interview-count").textContent?.trim()).toBe("2 interviews");
    await type("interview-filter", "haroun");
    expect(screen.getAllByTestId("interview-row").map((r) => r.getAttribute("data-id"))).toEqual(["T-AAAA1"]);
    await fireEvent.click(screen.getByTestId("interview-row"));
    const texts = await screen.findByTestId("interview-texts");
    expect(texts.getAttribute("data-revealed")).toBe("false");
    await fireEvent.click(screen.getByTestId("reveal-texts"));
    expect((await screen.findByTestId("transcript-text")).textContent).toBe("<b>They came at night.</b>");
    expect(document.querySelectorAll("#app b, [data-testid='transcript-text'] b")).toHaveLength(0);
    expect(shell.callsTo("read_interview")).toEqual([{ id: "T-AAAA1" }]);
    expect(screen.getByTestId("texts-message").textContent).toContain("recorded in the custody log");
  });
});
