// "Restore from an off-site copy" on the first-run screen (issue 13, point 6).
import { describe, expect, test } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import App from "../src/App.svelte";
import type { RestoredDto } from "../src/lib/bindings";
import { fakeShell, ShellError, type Handler } from "./shell";

const KEY = "ABCDE-FGHIJ-KLMNO-PQRST-UVWXY-Z2345-67ABC-DEFGH-IJKLM-NOPQR-STUVW";
const STRONG = "olive lantern mountain seventeen";

function restored(overrides: Partial<RestoredDto> = {}): RestoredDto {
  return {
    seq: 3,
    objects: 14,
    bytes: 5_000_000,
    verifier_key: "custodia-vault/abc+1234abcd+AAAA",
    key_given: false,
    verify: { ok: true, items: 12, stored_copies: 12, events: 80, bytes_hashed: 5_000_000, problems: [] },
    set_aside: null,
    ...overrides,
  };
}

async function openRestore(overrides: Record<string, Handler> = {}) {
  const shell = fakeShell({
    app_status: () => ({
      vault_exists: false,
      unlocked: false,
      vault_path: "/tmp/vault",
      settings: { language: "en", idle_lock_minutes: 15 },
    }),
    ...overrides,
  });
  render(App);
  await fireEvent.click(await screen.findByTestId("restore-open"));
  await screen.findByTestId("restore-screen");
  return shell;
}

const type = (id: string, value: string) => fireEvent.input(screen.getByTestId(id), { target: { value } });

async function fill(repeat = STRONG) {
  await type("restore-url", " file:///media/usb/custodia ");
  await type("restore-credentials", "");
  await type("restore-recovery-key", KEY);
  await type("restore-passphrase", STRONG);
  await type("restore-repeat", repeat);
}

describe("restore on a first run", () => {
  test("a missing recovery key or a mistyped passphrase is said before anything is asked of the shell", async () => {
    const shell = await openRestore();
    await fireEvent.click(screen.getByTestId("restore-submit"));
    expect((await screen.findByTestId("restore-error")).textContent).toContain("Type your recovery key first.");
    await fill(STRONG + "!");
    await fireEvent.click(screen.getByTestId("restore-submit"));
    await waitFor(() => expect(screen.getByTestId("restore-error").textContent).toContain("not the same"));
    expect(shell.callsTo("restore_vault")).toHaveLength(0);
  });

  test("a restored vault shows its check and the key to compare, then opens", async () => {
    const shell = await openRestore({
      restore_vault: () => restored({ set_aside: "/home/a/.local/share/custodia/vault-set-aside-20261207T221500Z" }),
    });
    await fill();
    await fireEvent.click(screen.getByTestId("restore-submit"));
    const result = await screen.findByTestId("restore-result");
    expect(result.dataset.ok).toBe("true");
    expect(result.textContent).toContain("Copy number 3: 14 files");
    expect(screen.getByTestId("restore-compare-key").textContent).toContain("custodia-vault/abc+1234abcd+AAAA");
    expect(screen.getByTestId("restore-set-aside").textContent).toContain("vault-set-aside-20261207T221500Z");
    expect(shell.callsTo("restore_vault")).toEqual([
      {
        request: {
          url: "file:///media/usb/custodia",
          credentials: "",
          recovery_key: KEY,
          new_passphrase: STRONG,
          repeat: STRONG,
          verifier_key: "",
        },
      },
    ]);
    await fireEvent.click(screen.getByTestId("restore-open-vault"));
    expect(await screen.findByTestId("app-shell")).toBeTruthy();
  });

  test("a copy that does not hold is refused in words; a cancelled restore says the folder was left empty", async () => {
    let answer: () => unknown = () => {
      throw new ShellError("remote_altered");
    };
    await openRestore({ restore_vault: () => answer() });
    await fill();
    await fireEvent.click(screen.getByTestId("restore-submit"));
    await waitFor(() => expect(screen.getByTestId("restore-error").textContent).toContain("does not hold"));
    answer = () => null;
    await fireEvent.click(screen.getByTestId("restore-submit"));
    await waitFor(() => expect(screen.getByTestId("restore-error").textContent).toContain("left empty"));
    expect(screen.queryByTestId("restore-result")).toBeNull();
    await fireEvent.click(screen.getByTestId("restore-back"));
    expect(await screen.findByTestId("create-screen")).toBeTruthy();
  });
});
