// The emergency wipe (issue 13, point 5): Ctrl+Shift+Delete or the header's button, one confirmation,
// a last copy offered when the vault is open and has an off-site copy, then the first-run screen as on a
// new computer.
import { describe, expect, test } from "vitest";
import { fireEvent, screen, waitFor } from "@testing-library/svelte";
import type { RemoteDto } from "../src/lib/bindings";
import { startApp } from "./app";
import { ShellError } from "./shell";

const usb: RemoteDto = {
  name: "usb",
  url: "file:///media/usb/custodia",
  kind: "folder",
  credential_keys: [],
  keep_snapshots: 3,
  last_push: null,
};

const shortcut = () => fireEvent.keyDown(window, { key: "Delete", ctrlKey: true, shiftKey: true });

describe("emergency wipe", () => {
  test("the shortcut asks once, offers a last copy, and the wipe ends on the first-run screen", async () => {
    const shell = await startApp({
      list_remotes: () => [usb],
      panic_wipe: () => null,
    });
    await shortcut();
    await screen.findByTestId("panic-dialog");
    await waitFor(() => expect((screen.getByTestId("panic-copy-to") as HTMLSelectElement).value).toBe("usb"));
    expect(document.activeElement).toBe(screen.getByTestId("panic-wipe"));
    expect(shell.callsTo("panic_wipe")).toHaveLength(0);
    await fireEvent.click(screen.getByTestId("panic-wipe"));
    // The first-run screen as on a new computer: nothing tells the next person that a vault or a copy existed.
    const first = await screen.findByTestId("create-screen");
    expect(first.textContent).not.toMatch(/wipe|destroyed|last copy/i);
    expect(shell.callsTo("panic_wipe")).toEqual([{ lastCopyTo: "usb", removeFiles: false }]);
  });

  test("Escape gives up without wiping; no last copy and removing the files are sent as chosen", async () => {
    const shell = await startApp({
      list_remotes: () => [usb],
      panic_wipe: () => null,
    });
    await fireEvent.click(screen.getByTestId("panic-button"));
    await screen.findByTestId("panic-dialog");
    await fireEvent.keyDown(window, { key: "Escape" });
    await waitFor(() => expect(screen.queryByTestId("panic-dialog")).toBeNull());
    expect(shell.callsTo("panic_wipe")).toHaveLength(0);

    await shortcut();
    const select = (await screen.findByTestId("panic-copy-to")) as HTMLSelectElement;
    await waitFor(() => expect(select.value).toBe("usb"));
    await fireEvent.change(select, { target: { value: "" } });
    await fireEvent.click(screen.getByTestId("panic-remove-files"));
    await fireEvent.click(screen.getByTestId("panic-wipe"));
    expect(await screen.findByTestId("create-screen")).toBeTruthy();
    expect(shell.callsTo("panic_wipe")).toEqual([{ lastCopyTo: null, removeFiles: true }]);
  });

  test("from the unlock screen no copy is offered; a failed wipe is said and the dialog stays", async () => {
    const shell = await startApp(
      {
        panic_wipe: () => {
          throw new ShellError("not_a_vault");
        },
      },
      false,
    );
    await fireEvent.click(screen.getByTestId("panic-button"));
    await screen.findByTestId("panic-dialog");
    expect(screen.queryByTestId("panic-copy-to")).toBeNull();
    expect(shell.callsTo("list_remotes")).toHaveLength(0);
    await fireEvent.click(screen.getByTestId("panic-wipe"));
    expect(await screen.findByTestId("panic-message")).toBeTruthy();
    expect(screen.getByTestId("panic-dialog")).toBeTruthy();
    expect(shell.callsTo("panic_wipe")).toEqual([{ lastCopyTo: null, removeFiles: false }]);
  });
});
