import { describe, expect, test, vi } from "vitest";
import { fireEvent, screen, waitFor } from "@testing-library/svelte";
import { startApp } from "./app";
import { ShellError, item, shellEvent, tableOf } from "./shell";
import { items } from "../src/lib/stores/items.svelte";

const wrongPassphrase = () => {
  throw new ShellError("wrong_passphrase", "keyslot 1: aead::Error (hmac check failed)");
};

async function unlockWith(value: string) {
  await fireEvent.input(screen.getByTestId("unlock-passphrase"), { target: { value } });
  await fireEvent.click(screen.getByTestId("unlock-submit"));
}

describe("unlocking", () => {
  test("a wrong passphrase says only that it is not right, and what to try", async () => {
    await startApp({ unlock_vault: wrongPassphrase }, false);
    await unlockWith("not it");
    const error = await screen.findByTestId("unlock-error");
    expect(error.textContent?.trim()).toBe(
      "That passphrase is not right. Check the keyboard language and Caps Lock, then type it again; if it is lost, use the recovery key.",
    );
    expect(error.querySelector("details")).toBeNull();
    expect(screen.queryByTestId("app-shell")).toBeNull();
  });

  test("the message is in the language chosen before unlocking", async () => {
    await startApp(
      {
        app_status: () => ({
          vault_exists: true,
          unlocked: false,
          vault_path: "/v",
          settings: { language: "fr", idle_lock_minutes: 15 },
        }),
        unlock_vault: wrongPassphrase,
      },
      false,
    );
    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("Déverrouiller votre coffre");
    await unlockWith("pas ça");
    expect((await screen.findByTestId("unlock-error")).textContent).toContain(
      "Cette phrase secrète n’est pas la bonne.",
    );
  });

  test("other errors keep the shell's detail one click away", async () => {
    await startApp(
      {
        unlock_vault: () => {
          throw new ShellError("vault_busy", "database is locked");
        },
      },
      false,
    );
    await unlockWith("anything");
    const error = await screen.findByTestId("unlock-error");
    expect(error.textContent).toContain("The vault is busy");
    expect(error.querySelector("details")?.textContent).toContain("database is locked");
  });

  test("a recovery key can be used instead of the passphrase", async () => {
    const shell = await startApp({}, false);
    await fireEvent.click(screen.getByTestId("unlock-use-recovery"));
    expect(screen.queryByTestId("unlock-passphrase")).toBeNull();
    await fireEvent.input(screen.getByTestId("unlock-recovery-key"), { target: { value: "ABCDE-FGHIJ" } });
    await fireEvent.click(screen.getByTestId("unlock-submit"));
    await screen.findByTestId("app-shell");
    expect(shell.callsTo("unlock_with_recovery_key")).toEqual([{ recoveryKey: "ABCDE-FGHIJ", acceptRollback: null }]);
    expect(shell.callsTo("unlock_vault")).toHaveLength(0);
  });

  test("a folder older than this computer saw is named before anything else; going on sends the reason", async () => {
    const rollback = {
      seen_size: 42,
      seen_last: { seq: 42, time: "2026-12-04T16:00:00Z", action: "vault.closed" },
      found_size: 17,
      found_last: { seq: 17, time: "2026-11-30T09:00:00Z", action: "item.ingested" },
    };
    const shell = await startApp(
      {
        unlock_vault: (args) => {
          if (args.acceptRollback) return { notices: [] };
          throw new ShellError("vault_rolled_back", "this vault folder holds an older state", undefined, rollback);
        },
      },
      false,
    );
    await unlockWith("the passphrase");
    const warning = await screen.findByTestId("rollback-warning");
    expect(screen.queryByTestId("unlock-error")).toBeNull();
    expect(screen.getByTestId("rollback-seen").textContent).toContain("42 events");
    expect(screen.getByTestId("rollback-seen").textContent).toContain("Vault locked");
    expect(screen.getByTestId("rollback-found").textContent).toContain("17 events");
    expect(
      warning.compareDocumentPosition(screen.getByTestId("unlock-submit")) & Node.DOCUMENT_POSITION_FOLLOWING,
    ).toBeTruthy();
    await fireEvent.input(screen.getByTestId("rollback-reason"), {
      target: { value: "The only copy left after the raid." },
    });
    await fireEvent.click(screen.getByTestId("rollback-go-on"));
    await screen.findByTestId("app-shell");
    expect(shell.callsTo("unlock_vault")).toEqual([
      { passphrase: "the passphrase", acceptRollback: null },
      { passphrase: "the passphrase", acceptRollback: "The only copy left after the raid." },
    ]);
  });
});

describe("after unlocking", () => {
  test("what the open found is said once, in plain words, until closed", async () => {
    await startApp(
      {
        unlock_vault: () => ({
          notices: [
            { notice: "quarantined", files: 2 },
            { notice: "local_copy_unusable", why: "it is damaged" },
          ],
        }),
      },
      false,
    );
    await unlockWith("the passphrase");
    const notices = await screen.findAllByTestId("open-notice");
    expect(notices[0].textContent).toContain("2 files left by an interrupted run were set aside");
    expect(notices[1].textContent).toContain("could not be used");
    expect(notices[1].querySelector("details")?.textContent).toContain("it is damaged");
    await fireEvent.click(screen.getByTestId("open-notices-close"));
    expect(screen.queryByTestId("open-notices")).toBeNull();
  });
});

describe("locking", () => {
  test("the idle lock returns to the unlock screen, says why, and forgets the items", async () => {
    await startApp({ list_items: () => tableOf([item()]) });
    await waitFor(() => expect(screen.getAllByTestId("item-row")).toHaveLength(1));
    await shellEvent("vault-locked", { reason: "idle" });
    await screen.findByTestId("unlock-screen");
    expect(screen.getByTestId("lock-reason").textContent).toBe("Locked after 15 minutes without activity.");
    expect(items.index).toBeNull();
    expect(screen.queryByTestId("item-row")).toBeNull();
  });

  test("a minute before the idle lock the page warns, and a click keeps the vault open", async () => {
    const shell = await startApp({
      app_status: () => ({
        vault_exists: true,
        unlocked: true,
        vault_path: "/v",
        settings: { language: "en", idle_lock_minutes: 5 },
      }),
    });
    vi.useFakeTimers();
    try {
      await fireEvent.keyDown(window, { key: "a" });
      await vi.advanceTimersByTimeAsync(4 * 60_000 - 1_000);
      expect(screen.queryByTestId("idle-warning")).toBeNull();
      await vi.advanceTimersByTimeAsync(2_000);
      expect(screen.getByTestId("idle-warning").textContent).toContain("locks in about a minute");
      const reports = shell.callsTo("touch_activity").length;
      await fireEvent.click(screen.getByTestId("idle-stay"));
      expect(screen.queryByTestId("idle-warning")).toBeNull();
      await vi.advanceTimersByTimeAsync(20_000);
      expect(shell.callsTo("touch_activity").length).toBeGreaterThan(reports);
    } finally {
      vi.useRealTimers();
    }
  });

  test.each([
    ["sleep", "Locked when the computer went to sleep."],
    ["screen_locked", "Locked when the screen was locked."],
  ])("a lock for %s says so on the unlock screen", async (reason, words) => {
    await startApp();
    await shellEvent("vault-locked", { reason });
    await screen.findByTestId("unlock-screen");
    expect(screen.getByTestId("lock-reason").textContent).toBe(words);
  });

  test("a reason the page does not know is shown as no reason", async () => {
    await startApp();
    await shellEvent("vault-locked", { reason: "something new" });
    await screen.findByTestId("unlock-screen");
    expect(screen.queryByTestId("lock-reason")).toBeNull();
  });

  test("Lock now and Ctrl+L lock the vault", async () => {
    const shell = await startApp();
    await fireEvent.click(screen.getByTestId("lock-button"));
    await screen.findByTestId("unlock-screen");
    expect(screen.queryByTestId("lock-reason")).toBeNull();
    await unlockWith("olive lantern mountain seventeen");
    await screen.findByTestId("app-shell");
    await fireEvent.keyDown(window, { key: "l", ctrlKey: true });
    await screen.findByTestId("unlock-screen");
    expect(shell.callsTo("lock_vault")).toHaveLength(2);
  });

  test("if the shell cannot lock, the vault is not shown as locked", async () => {
    await startApp({
      lock_vault: () => {
        throw new ShellError("vault_busy", "a job holds the vault");
      },
    });
    await fireEvent.click(screen.getByTestId("lock-button"));
    expect((await screen.findByTestId("lock-error")).textContent).toContain("The vault is busy");
    expect(screen.getByTestId("app-shell")).toBeTruthy();
  });
});
