import { describe, expect, test } from "vitest";
import { fireEvent, screen, waitFor } from "@testing-library/svelte";
import { startApp } from "./app";
import { ShellError } from "./shell";

const STRONG = "olive lantern mountain seventeen";

async function openSettings(overrides = {}) {
  const shell = await startApp(overrides);
  await fireEvent.click(screen.getByTestId("nav-settings"));
  await screen.findByTestId("settings-view");
  return shell;
}

describe("settings", () => {
  test("idle minutes must be 1 to 240; valid settings are saved and applied", async () => {
    const shell = await openSettings();
    const minutes = screen.getByTestId("settings-idle-minutes");
    await fireEvent.input(minutes, { target: { value: "0" } });
    await fireEvent.click(screen.getByTestId("settings-save"));
    expect((await screen.findByTestId("settings-message")).textContent).toContain("from 1 to 240");
    expect(shell.callsTo("save_settings")).toHaveLength(0);

    await fireEvent.input(minutes, { target: { value: "30" } });
    await fireEvent.change(screen.getByTestId("settings-language"), { target: { value: "fr" } });
    await fireEvent.click(screen.getByTestId("settings-save"));
    await waitFor(() => expect(screen.getByTestId("settings-message").textContent).toContain("Réglages enregistrés."));
    expect(shell.callsTo("save_settings")).toEqual([{ settings: { language: "fr", idle_lock_minutes: 30 } }]);
  });

  test("changing the passphrase checks the new one, then reports the shell's answer", async () => {
    let answer: () => unknown = () => {
      throw new ShellError("wrong_passphrase");
    };
    const shell = await openSettings({ change_passphrase: () => answer() });
    const type = (id: string, value: string) => fireEvent.input(screen.getByTestId(id), { target: { value } });
    await type("change-current", "old one");
    await type("change-new", STRONG);
    await type("change-repeat", STRONG + "!");
    await fireEvent.click(screen.getByTestId("change-submit"));
    expect((await screen.findByTestId("settings-message")).textContent).toContain("not the same");
    expect(shell.callsTo("change_passphrase")).toHaveLength(0);

    await type("change-repeat", STRONG);
    await fireEvent.click(screen.getByTestId("change-submit"));
    await waitFor(() =>
      expect(screen.getByTestId("settings-message").textContent).toContain("That passphrase is not right."),
    );
    answer = () => null;
    await fireEvent.click(screen.getByTestId("change-submit"));
    await waitFor(() => expect(screen.getByTestId("settings-message").textContent).toContain("Passphrase changed."));
    expect(shell.callsTo("change_passphrase").at(-1)).toEqual({ current: "old one", newPassphrase: STRONG, repeat: STRONG });
    expect((screen.getByTestId("change-new") as HTMLInputElement).value).toBe("");
  });

  test("a new recovery key is shown once, until it is written down", async () => {
    await openSettings({ create_recovery_key: () => "QRSTU-VWXYZ" });
    await fireEvent.click(screen.getByTestId("create-recovery"));
    expect((await screen.findByTestId("recovery-key-text")).textContent).toBe("QRSTU-VWXYZ");
    expect(screen.getByText(/shown only now/)).toBeTruthy();
    await fireEvent.click(screen.getByTestId("recovery-key-done"));
    expect(screen.queryByTestId("recovery-key-text")).toBeNull();
    expect(screen.getByTestId("settings-message").textContent).toContain("Recovery key created.");
  });
});
