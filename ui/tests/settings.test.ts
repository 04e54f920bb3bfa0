import { describe, expect, test } from "vitest";
import { fireEvent, screen, waitFor, within } from "@testing-library/svelte";
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
    expect(shell.callsTo("change_passphrase").at(-1)).toEqual({
      current: "old one",
      newPassphrase: STRONG,
      repeat: STRONG,
    });
    expect((screen.getByTestId("change-new") as HTMLInputElement).value).toBe("");
  });

  test("a new recovery key asks for the passphrase first: a wrong one is said, Escape gives up", async () => {
    let confirmed = false;
    const shell = await openSettings({
      confirm_passphrase: (a: Record<string, unknown>) => {
        if (a.passphrase !== STRONG) throw new ShellError("wrong_passphrase");
        confirmed = true;
        return null;
      },
      create_recovery_key: () => {
        if (!confirmed) throw new ShellError("reauth_required");
        return "QRSTU-VWXYZ";
      },
    });
    const button = screen.getByTestId("create-recovery");
    button.focus();
    await fireEvent.click(button);
    const dialog = await screen.findByTestId("reauth-dialog");
    const field = within(dialog).getByTestId("reauth-passphrase");
    expect(document.activeElement, "the passphrase field has the focus").toBe(field);
    await fireEvent.input(field, { target: { value: "not it" } });
    await fireEvent.click(within(dialog).getByTestId("reauth-confirm"));
    await waitFor(() =>
      expect(within(dialog).getByTestId("reauth-message").textContent).toContain("That passphrase is not right."),
    );
    await fireEvent.keyDown(window, { key: "Escape" });
    await waitFor(() => expect(screen.queryByTestId("reauth-dialog")).toBeNull());
    await waitFor(() => expect(document.activeElement, "the focus goes back to the button").toBe(button));
    expect(screen.getByTestId("settings-message").getAttribute("data-code")).toBe("reauth_required");
    expect(screen.queryByTestId("recovery-key-text"), "no key without the passphrase").toBeNull();

    await fireEvent.click(screen.getByTestId("create-recovery"));
    const again = await screen.findByTestId("reauth-dialog");
    await fireEvent.input(within(again).getByTestId("reauth-passphrase"), { target: { value: STRONG } });
    await fireEvent.click(within(again).getByTestId("reauth-confirm"));
    expect((await screen.findByTestId("recovery-key-text")).textContent).toBe("QRSTU-VWXYZ");
    expect(shell.callsTo("create_recovery_key"), "tried, then tried again once confirmed").toHaveLength(3);
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
