// The export wizard and the Open bundle screen against the fake shell: the consent check comes before
// anything is written and a refusal names the record, the person and why; an export runs as a job with
// progress and Cancel; every check of a received bundle is green or red, with what failed named.
import { describe, expect, test } from "vitest";
import { fireEvent, screen, waitFor, within } from "@testing-library/svelte";
import { startApp } from "./app";
import { finding, item, shellEvent, ShellError, tableOf } from "./shell";
import type {
  BundleCheck,
  BundleProblem,
  BundleProblemDto,
  BundleReportDto,
  ExportPlanDto,
  RecipientDto,
} from "../src/lib/bindings";

const evidence = item({ id: "E-00000-00001", name: "photo.jpg" });

const lawyer: RecipientDto = {
  id: "R-7F3KQ",
  name: "Office of the Prosecutor",
  organisation: "ICC",
  kind: "icc",
  public_key: "age1qqqq",
  fingerprint: "ab".repeat(32),
  words: "aardvark absurd accrue acme adrift adult afflict ahead",
  numbers: "00001 00002 00003 00004 00005 00006 00007 00008",
  added_at: "2026-11-20T10:00:00Z",
  added_by: "amina",
};

function plan(overrides: Partial<ExportPlanDto> = {}): ExportPlanDto {
  return {
    allowed: true,
    recipient_kind: "icc",
    items: [{ id: evidence.id, name: evidence.name, size: 1000, media_type: "image/jpeg", reasons: ["chosen"] }],
    interviews: [],
    persons: [{ id: "P-7F3K", identity: false }],
    consents: [],
    incidents: [],
    refusals: [],
    item_bytes: 1000,
    ...overrides,
  };
}

const refused = plan({
  allowed: false,
  refusals: [
    {
      record: "T-4KX9Q",
      person: "P-7F3K",
      reason: "withdrawn",
      message: "T-4KX9Q (interview of P-7F3K) cannot go to the ICC: consent was withdrawn.",
      finding: finding(
        { rule: "consent-scope", severity: "block", code: "consent_scope" },
        { person: "P-7F3K", recipient: "icc", why: "withdrawn" },
      ),
    },
  ],
});

const exported = {
  bundle_id: "B-1",
  file_name: "custodia-20261126-100000.custodia.age",
  sha256: "c".repeat(64),
  size: 2048,
  sealed_for: ["Office of the Prosecutor"],
  signer: {
    name: "custodia.vault/x",
    fingerprint: "d".repeat(64),
    words: "one two three",
    numbers: "12345 00042 65535 00000 11111 22222 33333 44444",
  },
  items: 1,
};

async function toPlan(answer: () => unknown, more: Record<string, (a: Record<string, unknown>) => unknown> = {}) {
  const shell = await startApp({
    list_items: () => tableOf([evidence]),
    address_book: () => ({ recipients: [lawyer], min_passphrase_chars: 12 }),
    plan_export: answer,
    ...more,
  });
  await fireEvent.click(screen.getByTestId("nav-export"));
  await fireEvent.click(await screen.findByTestId("document-option"));
  await fireEvent.click(screen.getByTestId("export-next"));
  await fireEvent.click(await screen.findByTestId("recipient-option"));
  await fireEvent.click(screen.getByTestId("export-check"));
  await screen.findByTestId("export-plan");
  return shell;
}

describe("the export wizard", () => {
  test("a refusal names the record, the person and why, and nothing can be exported", async () => {
    const shell = await toPlan(() => refused);
    const refusal = screen.getByTestId("plan-refusal");
    expect(refusal.textContent).toContain("T-4KX9Q");
    expect(refusal.textContent).toContain("P-7F3K");
    expect(refusal.textContent).toMatch(/withdrawn/i);
    expect(screen.getByTestId("plan-decision").getAttribute("data-state")).toBe("blocked");
    expect(screen.queryByTestId("plan-decision-save")).toBeNull();
    expect(shell.callsTo("plan_export")[0].selection).toEqual({
      items: [evidence.id],
      interviews: [],
      incident: null,
      recipient_kind: "icc",
    });
    expect(shell.callsTo("export_bundle")).toHaveLength(0);
  });

  test("an allowed plan says who goes pseudonymised, then exports and ends with the SHA-256", async () => {
    const shell = await toPlan(() => plan(), { export_bundle: () => exported });
    expect(screen.getByTestId("plan-person").textContent).toMatch(/by code only/);
    await fireEvent.click(screen.getByTestId("plan-decision-save"));
    const done = await screen.findByTestId("export-done");
    expect(within(done).getByTestId("export-sha256").textContent).toBe("c".repeat(64));
    expect(done.textContent).toContain(exported.file_name);
    expect(shell.callsTo("export_bundle")[0].request).toMatchObject({ recipient: lawyer.id, passphrase: null });
    expect(shell.callsTo("export_bundle")[0].title, "the save dialog's title, in the reader's language").toBe(
      "Save the bundle",
    );
  });

  test("a refusal without a finding is worded from its reason, not the core's English sentence", async () => {
    const bare = plan({
      allowed: false,
      refusals: [
        {
          record: "E-00000-00001",
          person: "P-7F3K",
          reason: "not_recorded",
          message: "English sentence",
          finding: null,
        },
      ],
    });
    await toPlan(() => bare);
    const refusal = screen.getByTestId("plan-refusal");
    expect(refusal.textContent).toContain("No consent is recorded.");
    expect(refusal.textContent).not.toContain("English sentence");
  });

  test("the export shows its progress and Cancel stops the job", async () => {
    let finish: (value: unknown) => void = () => {};
    const shell = await toPlan(() => plan(), {
      export_bundle: () => new Promise((resolve) => (finish = resolve)),
    });
    await fireEvent.click(screen.getByTestId("plan-decision-save"));
    await waitFor(() => expect(shell.callsTo("export_bundle")).toHaveLength(1));
    await shellEvent("job-progress", {
      job_id: 7,
      kind: "export",
      file_name: "b.custodia.age",
      file_index: 0,
      file_count: 1,
      done: 50,
      total: 100,
    });
    const bar = await screen.findByTestId("export-progress");
    await waitFor(() => expect(bar.getAttribute("data-job")).toBe("7"));
    await fireEvent.click(within(bar).getByTestId("job-cancel"));
    expect(shell.callsTo("cancel_job")).toEqual([{ jobId: 7 }]);
    finish(null);
    expect((await screen.findByTestId("export-message")).textContent).toMatch(/No bundle was written/);
    expect(screen.queryByTestId("job-progress")).toBeNull();
  });

  test("a passphrase shorter than the minimum, or not repeated, cannot seal a bundle", async () => {
    await startApp({
      list_items: () => tableOf([evidence]),
      address_book: () => ({ recipients: [], min_passphrase_chars: 12 }),
    });
    await fireEvent.click(screen.getByTestId("nav-export"));
    await fireEvent.click(await screen.findByTestId("document-option"));
    await fireEvent.click(screen.getByTestId("export-next"));
    await fireEvent.click(await screen.findByTestId("recipient-passphrase"));
    await fireEvent.input(screen.getByTestId("sealing-passphrase-input"), { target: { value: "short" } });
    // No kind of recipient is chosen for the documenter: consent is checked against the one they choose.
    expect(screen.getByTestId("sealing-hint").textContent).toContain("Choose the kind of recipient first");
    expect((screen.getByTestId("export-check") as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.change(screen.getByTestId("sealing-kind"), { target: { value: "media" } });
    expect(screen.getByTestId("sealing-hint").textContent).toContain("12");
    expect((screen.getByTestId("export-check") as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.input(screen.getByTestId("sealing-passphrase-input"), {
      target: { value: "a long bundle passphrase" },
    });
    await fireEvent.input(screen.getByTestId("sealing-repeat"), { target: { value: "a long bundle passphrase" } });
    expect((screen.getByTestId("export-check") as HTMLButtonElement).disabled).toBe(false);
  });

  test("a new recipient is added to the address book and its key is shown as words", async () => {
    const book = { recipients: [] as RecipientDto[], min_passphrase_chars: 12 };
    const shell = await startApp({
      list_items: () => tableOf([evidence]),
      address_book: () => ({ ...book }),
      add_recipient: () => {
        book.recipients = [lawyer];
        return lawyer;
      },
    });
    await fireEvent.click(screen.getByTestId("nav-export"));
    await fireEvent.click(await screen.findByTestId("document-option"));
    await fireEvent.click(screen.getByTestId("export-next"));
    await fireEvent.click(await screen.findByTestId("recipient-new"));
    await fireEvent.input(screen.getByTestId("recipient-name"), { target: { value: lawyer.name } });
    await fireEvent.input(screen.getByTestId("recipient-key"), { target: { value: " age1qqqq " } });
    expect((screen.getByTestId("recipient-add") as HTMLButtonElement).disabled, "no kind chosen yet").toBe(true);
    await fireEvent.change(screen.getByTestId("recipient-kind"), { target: { value: "icc" } });
    await fireEvent.click(screen.getByTestId("recipient-add"));
    expect((await screen.findByTestId("recipient-added")).textContent).toContain(lawyer.words);
    expect(shell.callsTo("add_recipient")[0].input).toMatchObject({ kind: "icc", public_key: "age1qqqq" });
    await waitFor(() => expect((screen.getByTestId("recipient-option") as HTMLInputElement).checked).toBe(true));
  });

  test("Export… on an item starts the wizard with that item chosen", async () => {
    await startApp({
      list_items: () => tableOf([evidence]),
      item_detail: () => ({ item: evidence, events: [], previewable: false }),
    });
    await fireEvent.click(await screen.findByTestId("item-row"));
    await fireEvent.click(await screen.findByTestId("start-export"));
    const option = (await screen.findByTestId("document-option")) as HTMLInputElement;
    expect(option.checked).toBe(true);
  });
});

function problem(found: BundleProblem, message: string): BundleProblemDto {
  return { found, message };
}

const notAsCollected = problem(
  {
    problem: "item_not_as_ingested",
    item: "E-1",
    path: "data/items/E-1/photo.jpg",
    recorded_sha256: "a".repeat(64),
    actual_sha256: "b".repeat(64),
    recorded_size: 1200,
    actual_size: 1300,
  },
  "data/items/E-1/photo.jpg: item E-1 is not what was collected (English)",
);

function report(overrides: Partial<BundleReportDto> = {}): BundleReportDto {
  const check = (code: BundleCheck, ok = true) => ({
    check: code,
    ok,
    checked: true,
    summary: "",
    problems: [] as BundleProblemDto[],
  });
  return {
    ok: true,
    bundle_sha256: "e".repeat(64),
    bundle_size: 4096,
    bag: "custodia-1",
    bag_info: [],
    signer: {
      name: "custodia.vault/x",
      fingerprint: "d".repeat(64),
      words: "one two three",
      numbers: "12345 00042 65535 00000 11111 22222 33333 44444",
    },
    payload_files: 3,
    events: 4,
    items: [],
    checks: (["decryption", "signature", "items_match_custody"] as const).map((c) => check(c)),
    problems: [],
    ...overrides,
  };
}

const picked = { bundle: "for-icc.custodia.age", identity: "key.txt" };

describe("the Open bundle screen", () => {
  test("each check is green or red with its explanation, and what failed is named", async () => {
    const failed = report({
      ok: false,
      checks: [
        { check: "decryption", ok: true, checked: true, summary: "", problems: [] },
        {
          check: "items_match_custody",
          ok: false,
          checked: true,
          summary: "",
          problems: [notAsCollected],
        },
        { check: "expected_signer", ok: true, checked: false, summary: "", problems: [] },
      ],
      problems: [notAsCollected.message],
    });
    const shell = await startApp({
      receiving_files: () => picked,
      check_bundle: () => failed,
    });
    await fireEvent.click(screen.getByTestId("nav-receive"));
    await waitFor(() => expect(screen.getByTestId("receive-bundle-name").textContent).toBe(picked.bundle));
    await fireEvent.input(screen.getByTestId("receive-signer"), { target: { value: " one two three " } });
    await fireEvent.click(screen.getByTestId("receive-check"));
    await screen.findByTestId("bundle-report");
    const states = screen.getAllByTestId("bundle-check").map((c) => c.getAttribute("data-state"));
    expect(states).toEqual(["ok", "failed", "skipped"]);
    expect(screen.getAllByTestId("bundle-check")[1].textContent).toContain("exactly what was recorded");
    const named = screen.getByTestId("bundle-problem").textContent ?? "";
    expect(named).toContain("E-1");
    expect(named).toContain("is not what was collected (recorded SHA-256");
    expect(named).toContain("1,300 bytes");
    expect(named).not.toContain("(English)");
    const verdict = screen.getByTestId("bundle-verdict");
    expect(verdict.getAttribute("data-verdict")).toBe("failed");
    expect(verdict.textContent).toContain("(1 problem)");
    expect(screen.queryByTestId("receive-extract")).toBeNull();
    expect(shell.callsTo("check_bundle")[0].opener).toEqual({ passphrase: null, signer: "one two three" });
  });

  test("is reachable from the unlock screen, checks without a vault, and offers no import", async () => {
    const shell = await startApp(
      {
        receiving_files: () => ({ bundle: null, identity: null }),
        choose_bundle_file: () => ({ bundle: picked.bundle, identity: null }),
        choose_key_file: () => picked,
        check_bundle: () => report(),
      },
      false,
    );
    await fireEvent.click(screen.getByTestId("open-bundle-outside"));
    await screen.findByTestId("receive-outside");
    expect((screen.getByTestId("receive-check") as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.click(screen.getByTestId("receive-choose-bundle"));
    await fireEvent.click(screen.getByTestId("receive-choose-key"));
    await waitFor(() => expect(screen.getByTestId("receive-key-name").textContent).toBe("key.txt"));
    await fireEvent.click(screen.getByTestId("receive-check"));
    expect((await screen.findByTestId("bundle-report")).getAttribute("data-ok")).toBe("true");
    // No signer's words were given: intact, but not green.
    const verdict = screen.getByTestId("bundle-verdict");
    expect(verdict.getAttribute("data-verdict")).toBe("unconfirmed");
    expect(verdict.textContent).toContain("sender not confirmed");
    expect(screen.getByTestId("receive-extract")).toBeTruthy();
    expect(screen.queryByTestId("receive-import")).toBeNull();
    expect(shell.callsTo("unlock_vault")).toHaveLength(0);
    await fireEvent.click(screen.getByTestId("receive-back"));
    await screen.findByTestId("unlock-screen");
  });

  test("the verdict is green only when the signer's words were checked and matched", async () => {
    const confirmed = report({
      checks: [
        { check: "signature", ok: true, checked: true, summary: "", problems: [] },
        { check: "expected_signer", ok: true, checked: true, summary: "", problems: [] },
      ],
    });
    await startApp({ receiving_files: () => picked, check_bundle: () => confirmed });
    await fireEvent.click(screen.getByTestId("nav-receive"));
    await fireEvent.input(screen.getByTestId("receive-signer"), { target: { value: "one two three" } });
    await fireEvent.click(screen.getByTestId("receive-check"));
    const verdict = await screen.findByTestId("bundle-verdict");
    expect(verdict.getAttribute("data-verdict")).toBe("ok");
    expect(verdict.textContent?.trim()).toBe("All checks passed.");
  });

  test("an import without the signer's words says the sender was not confirmed and which words to check", async () => {
    const imported = (signer_verified: boolean) => ({
      bundle_sha256: "e".repeat(64),
      items: [evidence],
      original_ids: ["E-1"],
      signer_verified,
      signer_words: "one two three",
      signer_numbers: "12345 00042 65535 00000 11111 22222 33333 44444",
    });
    let verified = false;
    const shell = await startApp({
      receiving_files: () => picked,
      check_bundle: () => report(),
      import_bundle: () => imported(verified),
    });
    await fireEvent.click(screen.getByTestId("nav-receive"));
    await waitFor(() => expect((screen.getByTestId("receive-check") as HTMLButtonElement).disabled).toBe(false));
    await fireEvent.click(screen.getByTestId("receive-check"));
    await fireEvent.click(await screen.findByTestId("receive-import"));
    expect((await screen.findByTestId("receive-message")).textContent).toContain("1 item imported");
    const warning = await screen.findByTestId("receive-unconfirmed");
    expect(warning.getAttribute("data-tone")).toBe("warn");
    expect(warning.textContent).toContain("The sender was not confirmed");
    expect(warning.textContent).toContain("(as numbers: 12345 00042 65535 00000 11111 22222 33333 44444)");
    expect(warning.textContent).toContain("one two three");
    expect(warning.textContent).toContain("over the phone");

    verified = true;
    await fireEvent.input(screen.getByTestId("receive-signer"), { target: { value: "one two three" } });
    await fireEvent.click(screen.getByTestId("receive-import"));
    await waitFor(() => expect(shell.callsTo("import_bundle")).toHaveLength(2));
    await waitFor(() => expect(screen.queryByTestId("receive-unconfirmed")).toBeNull());
    expect(shell.callsTo("import_bundle")[1].opener).toEqual({ passphrase: null, signer: "one two three" });
  });

  test("a wrong key is answered in words, with no report", async () => {
    await startApp({
      receiving_files: () => picked,
      check_bundle: () => {
        throw new ShellError("bundle_wrong_key");
      },
    });
    await fireEvent.click(screen.getByTestId("nav-receive"));
    await waitFor(() => expect((screen.getByTestId("receive-check") as HTMLButtonElement).disabled).toBe(false));
    await fireEvent.click(screen.getByTestId("receive-check"));
    const message = await screen.findByTestId("receive-message");
    expect(message.getAttribute("data-code")).toBe("bundle_wrong_key");
    expect(message.textContent).toContain("not made for your key");
    expect(screen.queryByTestId("bundle-report")).toBeNull();
  });

  test("in French, failures are worded in French, dialogs are titled in French, and a planted name shows its hidden characters", async () => {
    const failed = report({
      ok: false,
      checks: [
        {
          check: "custody_events",
          ok: false,
          checked: true,
          summary: "",
          problems: [
            problem(
              { problem: "chain_broken", seq: 9, previous: 8 },
              "custody event 9 does not point at event 8 before it",
            ),
            problem({ problem: "file_unsigned", path: "tagmanifest-\u202efdp.txt" }, "(English)"),
          ],
        },
      ],
      problems: ["x", "y"],
    });
    const shell = await startApp({
      app_status: () => ({
        vault_exists: true,
        unlocked: true,
        vault_path: "/tmp/vault",
        settings: { language: "fr", idle_lock_minutes: 15 },
      }),
      receiving_files: () => picked,
      choose_bundle_file: () => picked,
      check_bundle: () => failed,
    });
    await fireEvent.click(screen.getByTestId("nav-receive"));
    await fireEvent.click(await screen.findByTestId("receive-choose-bundle"));
    await waitFor(() => expect(shell.callsTo("choose_bundle_file")).toHaveLength(1));
    expect(shell.callsTo("choose_bundle_file")[0].title).toBe("Ouvrir un paquet");
    await fireEvent.click(screen.getByTestId("receive-check"));
    await screen.findByTestId("bundle-report");
    const [broken, planted] = screen.getAllByTestId("bundle-problem");
    expect(broken.textContent).toBe("L’événement de traçabilité 9 ne renvoie pas à l’événement 8 qui le précède");
    expect(planted.getAttribute("data-code")).toBe("file_unsigned");
    expect(planted.textContent).toContain("tagmanifest-\\u{202e}fdp.txt");
    expect(planted.textContent).not.toContain("\u202e");
  });

  test("Make a key… writes a new key file, shows its public key and words, and chooses it", async () => {
    let answer: unknown = null;
    const shell = await startApp(
      {
        receiving_files: () => ({ bundle: picked.bundle, identity: null }),
        make_key: () => answer,
      },
      false,
    );
    await fireEvent.click(screen.getByTestId("open-bundle-outside"));
    await fireEvent.click(await screen.findByTestId("receive-make-key"));
    await waitFor(() => expect(shell.callsTo("make_key")).toHaveLength(1));
    expect(shell.callsTo("make_key")[0].title).toBe("Save your new key file");
    expect(screen.queryByTestId("made-key"), "a cancelled dialog shows nothing").toBeNull();
    answer = {
      file_name: "custodia-key.txt",
      public_key: "age1lawyerkey",
      fingerprint: "f".repeat(64),
      words: "aardvark absurd",
      numbers: "00001 00002",
    };
    await fireEvent.click(screen.getByTestId("receive-make-key"));
    const made = await screen.findByTestId("made-key");
    expect(within(made).getByTestId("made-key-public").textContent).toBe("age1lawyerkey");
    expect(within(made).getByTestId("made-key-words").textContent).toBe("aardvark absurd");
    expect(within(made).getByTestId("made-key-words-numbers").textContent).toBe("00001 00002");
    expect(made.textContent).toContain("custodia-key.txt");
    expect(screen.getByTestId("receive-key-name").textContent).toBe("custodia-key.txt");
  });

  test("a key file that already exists is refused in words", async () => {
    await startApp(
      {
        receiving_files: () => ({ bundle: null, identity: null }),
        make_key: () => {
          throw new ShellError("key_file_exists");
        },
      },
      false,
    );
    await fireEvent.click(screen.getByTestId("open-bundle-outside"));
    await fireEvent.click(await screen.findByTestId("receive-make-key"));
    const refused = await screen.findByTestId("make-key-message");
    expect(refused.getAttribute("data-tone")).toBe("error");
    expect(refused.textContent).toContain("Custodia never overwrites a key");
    expect(screen.queryByTestId("made-key")).toBeNull();
  });
});
