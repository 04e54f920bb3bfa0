import { describe, expect, test } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import App from "../src/App.svelte";
import { fakeShell, ShellError, type Handler } from "./shell";

const STRONG = "olive lantern mountain seventeen";

async function firstRun(overrides: Record<string, Handler> = {}) {
  const shell = fakeShell({
    app_status: () => ({
      vault_exists: false,
      unlocked: false,
      vault_path: "/tmp/new",
      settings: { language: "en", idle_lock_minutes: 15 },
    }),
    create_vault: () => "ABCDE-FGHIJ-KLMNO",
    ...overrides,
  });
  render(App);
  await screen.findByTestId("create-screen");
  return shell;
}

async function fill(passphrase: string, repeat = passphrase) {
  await fireEvent.input(screen.getByTestId("create-passphrase"), { target: { value: passphrase } });
  await fireEvent.input(screen.getByTestId("create-repeat"), { target: { value: repeat } });
}

describe("first run", () => {
  test("without a vault the app asks to create one, with the lost-passphrase warning and recovery key offered", async () => {
    await firstRun();
    expect(screen.getByText("If you lose the passphrase, the evidence is lost")).toBeTruthy();
    expect((screen.getByTestId("create-recovery-checkbox") as HTMLInputElement).checked).toBe(true);
  });

  test("the strength meter follows typing, asking the shell once after a pause", async () => {
    const shell = await firstRun();
    const meter = screen.getByTestId("create-strength");
    expect(meter.getAttribute("data-score")).toBe("0");
    const input = screen.getByTestId("create-passphrase");
    for (const value of ["o", "ol", "oli", STRONG]) await fireEvent.input(input, { target: { value } });
    await waitFor(() => expect(meter.getAttribute("data-score")).toBe("4"));
    expect(shell.callsTo("passphrase_strength")).toEqual([{ passphrase: STRONG }]);
    expect(meter.textContent).toContain("Very strong");
    expect(meter.textContent).toContain("Strong enough.");
  });

  test("passphrases that differ are refused before the shell is asked to create anything", async () => {
    const shell = await firstRun();
    await fill(STRONG, STRONG + "x");
    await fireEvent.click(screen.getByTestId("create-submit"));
    const error = await screen.findByTestId("create-error");
    expect(error.textContent).toContain("The two passphrases are not the same.");
    expect(shell.callsTo("create_vault")).toHaveLength(0);
  });

  test("a short or guessable passphrase is refused with a reason", async () => {
    const shell = await firstRun();
    await fill("abc");
    await fireEvent.click(screen.getByTestId("create-submit"));
    expect((await screen.findByTestId("create-error")).textContent).toContain("too short");
    await fill("password1");
    await fireEvent.click(screen.getByTestId("create-submit"));
    await waitFor(() => expect(screen.getByTestId("create-error").textContent).toContain("too easy to guess"));
    expect(shell.callsTo("create_vault")).toHaveLength(0);
  });

  test("creating with a recovery key shows the key once, then opens the vault", async () => {
    const shell = await firstRun();
    await fill(STRONG);
    await fireEvent.click(screen.getByTestId("create-submit"));
    const key = await screen.findByTestId("recovery-key-text");
    expect(key.textContent).toBe("ABCDE-FGHIJ-KLMNO");
    expect(screen.getByText(/shown only now/)).toBeTruthy();
    expect(shell.callsTo("create_vault")).toEqual([{ passphrase: STRONG, repeat: STRONG, withRecoveryKey: true }]);
    await fireEvent.click(screen.getByTestId("recovery-key-done"));
    await screen.findByTestId("evidence-view");
    expect(screen.queryByTestId("recovery-key-text")).toBeNull();
  });

  test("without a recovery key the vault opens straight away", async () => {
    const shell = await firstRun({ create_vault: () => null });
    await fill(STRONG);
    await fireEvent.click(screen.getByTestId("create-recovery-checkbox"));
    await fireEvent.click(screen.getByTestId("create-submit"));
    await screen.findByTestId("app-shell");
    expect(shell.callsTo("create_vault")[0].withRecoveryKey).toBe(false);
  });

  test("an error from the shell is translated, with the English detail behind Details", async () => {
    await firstRun({
      create_vault: () => {
        throw new ShellError("storage_error", "No space left on device (os error 28)");
      },
    });
    await fill(STRONG);
    await fireEvent.click(screen.getByTestId("create-submit"));
    const error = await screen.findByTestId("create-error");
    expect(error.textContent).toContain("Check that the disk is not full.");
    expect(error.querySelector("details")?.textContent).toContain("No space left on device");
  });
});
