// Settings → Off-site copies and the off-site line under the navigation (issue 13, point 6).
import { describe, expect, test } from "vitest";
import { fireEvent, screen, waitFor, within } from "@testing-library/svelte";
import type { RemoteDto, RemoteReportDto } from "../src/lib/bindings";
import { startApp } from "./app";
import { ShellError, shellEvent } from "./shell";

const usb: RemoteDto = {
  name: "usb",
  url: "file:///media/usb/custodia",
  kind: "folder",
  credential_keys: [],
  keep_snapshots: 3,
  last_push: null,
};

const pushed: RemoteDto = { ...usb, last_push: { seq: 4, time: "2026-12-07T10:00:00Z" } };

function report(overrides: Partial<RemoteReportDto> = {}): RemoteReportDto {
  return {
    ok: true,
    seq: 4,
    created: "2026-12-07T10:00:00Z",
    checkpoint_size: 120,
    objects: 12,
    bytes_hashed: 0,
    problems: [],
    ...overrides,
  };
}

async function openOffsite(overrides = {}) {
  const shell = await startApp(overrides);
  await fireEvent.click(screen.getByTestId("nav-settings"));
  return { shell, section: await screen.findByTestId("offsite-settings") };
}

const type = (id: string, value: string) => fireEvent.input(screen.getByTestId(id), { target: { value } });

describe("off-site copies", () => {
  test("the line under the navigation says when nothing is copied and leads to the settings", async () => {
    await startApp();
    const line = await screen.findByTestId("offsite-status");
    expect(line.textContent).toContain("No off-site copy");
    await fireEvent.click(within(line).getByTestId("offsite-set-up"));
    expect(await screen.findByTestId("offsite-settings")).toBeTruthy();
  });

  test("the line gives the newest copy and how many items are on none yet, in plural forms", async () => {
    await startApp({
      offsite_status: () => ({ remotes: 1, last_push: "2026-12-07T10:00:00Z", items_not_copied: 2 }),
    });
    expect((await screen.findByTestId("offsite-behind")).textContent).toContain("2 items not yet copied");
    expect(screen.getByTestId("offsite-last").textContent).toMatch(/Last off-site copy: .*2026/);
    await fireEvent.change(screen.getByTestId("language-select"), { target: { value: "ar" } });
    await waitFor(() => expect(screen.getByTestId("offsite-behind").textContent).toContain("عنصران لم يُنسخا بعد"));
  });

  test("testing a connection sends the address and credentials and says what it found; nothing is added", async () => {
    const { shell } = await openOffsite({ test_remote: () => ({ holds_copy: true }) });
    await type("remote-url", " davs://cloud.example.org/dav/custodia ");
    await type("remote-credentials", "user=amina\npassword=secret");
    await fireEvent.click(screen.getByTestId("remote-test"));
    await waitFor(() => expect(screen.getByTestId("offsite-message").textContent).toContain("It already holds a copy"));
    expect(shell.callsTo("test_remote")).toEqual([
      { url: "davs://cloud.example.org/dav/custodia", credentials: "user=amina\npassword=secret" },
    ]);
    expect(shell.callsTo("add_remote")).toHaveLength(0);
  });

  test("a refused address keeps the form as typed; an accepted one is listed and the credentials leave the form", async () => {
    let answer: () => unknown = () => {
      throw new ShellError("bad_remote_url");
    };
    const { shell } = await openOffsite({ add_remote: () => answer() });
    expect(screen.getByTestId("offsite-none")).toBeTruthy();
    await type("remote-name", "usb");
    await type("remote-url", "ftp://example.org");
    await type("remote-credentials", "");
    await fireEvent.click(screen.getByTestId("remote-add"));
    await waitFor(() => expect(screen.getByTestId("offsite-message").textContent).toContain("address is not accepted"));
    expect((screen.getByTestId("remote-url") as HTMLInputElement).value).toBe("ftp://example.org");

    answer = () => [usb];
    await type("remote-url", "file:///media/usb/custodia");
    await type("remote-credentials", "");
    await fireEvent.click(screen.getByTestId("remote-add"));
    const row = await screen.findByTestId("remote-row");
    expect(row.textContent).toContain("Folder or USB drive");
    expect(row.textContent).toContain("Nothing has been copied there yet.");
    expect(shell.callsTo("add_remote").at(-1)).toEqual({
      input: { name: "usb", url: "file:///media/usb/custodia", credentials: "", keep_snapshots: 3 },
    });
    expect((screen.getByTestId("remote-url") as HTMLInputElement).value).toBe("");
    expect(shell.callsTo("offsite_status").length).toBeGreaterThan(1);
  });

  test("a copy shows its progress, can be cancelled, and when done the list and the line are reloaded", async () => {
    let finish: (value: unknown) => void = () => {};
    let remotes = [usb];
    const { shell } = await openOffsite({
      list_remotes: () => remotes,
      push_remote: () => new Promise((resolve) => (finish = resolve)),
    });
    await fireEvent.click(await screen.findByTestId("remote-push"));
    await shellEvent("job-progress", {
      job_id: 9,
      kind: "push",
      file_name: "usb",
      file_index: 0,
      file_count: 1,
      done: 3,
      total: 10,
    });
    const bar = await screen.findByTestId("push-progress");
    await waitFor(() => expect(bar.getAttribute("data-job")).toBe("9"));
    expect((screen.getByTestId("remote-check") as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.click(within(bar).getByTestId("job-cancel"));
    expect(shell.callsTo("cancel_job")).toEqual([{ jobId: 9 }]);
    finish(null);
    await waitFor(() => expect(screen.getByTestId("offsite-message").textContent).toContain("Copying was stopped"));

    remotes = [pushed];
    await fireEvent.click(screen.getByTestId("remote-push"));
    await waitFor(() => expect(shell.callsTo("push_remote")).toHaveLength(2));
    finish({ remote: "usb", seq: 4, objects: 12, sent: 3, bytes_sent: 2048, checkpoint_size: 120 });
    await waitFor(() =>
      expect(screen.getByTestId("offsite-message").textContent).toContain("The copy on usb is complete"),
    );
    expect(screen.getByTestId("remote-last").textContent).toContain("copy number 4");
    expect(shell.callsTo("push_remote").at(-1)).toEqual({ name: "usb" });
  });

  test("a check names each problem in the reader's language, with the English detail behind Details", async () => {
    const { shell } = await openOffsite({
      list_remotes: () => [pushed],
      verify_remote: () =>
        report({
          ok: false,
          bytes_hashed: 4096,
          problems: [
            {
              found: { problem: "missing", path: "blobs/ab/abcdef" },
              message: "blobs/ab/abcdef is missing on the remote",
            },
            { found: { problem: "rolled_back", found_seq: 2, pushed_seq: 4 }, message: "rolled back" },
          ],
        }),
    });
    await fireEvent.click(await screen.findByTestId("remote-check-full"));
    await fireEvent.click(screen.getByTestId("remote-check"));
    const result = await screen.findByTestId("remote-check-result");
    expect(result.dataset.ok).toBe("false");
    expect(result.textContent).toContain("The copy does not hold");
    expect(result.textContent).toContain("compared by SHA-256");
    const problems = within(result).getAllByTestId("remote-problem");
    expect(problems.map((p) => p.dataset.problem)).toEqual(["missing", "rolled_back"]);
    expect(problems[1].textContent).toContain("copy number 2, but this vault made copy number 4");
    expect(result.textContent).toContain("leave it as it is for examination");
    expect(shell.callsTo("verify_remote")).toEqual([{ name: "usb", full: true }]);

    await fireEvent.change(screen.getByTestId("language-select"), { target: { value: "fr" } });
    await waitFor(() => expect(problems[0].textContent).toContain("manque dans la copie"));
  });

  test("a copy that holds says so with its number and file count", async () => {
    await openOffsite({ list_remotes: () => [pushed], verify_remote: () => report() });
    await fireEvent.click(await screen.findByTestId("remote-check"));
    const result = await screen.findByTestId("remote-check-result");
    expect(result.dataset.ok).toBe("true");
    expect(result.textContent).toMatch(/Copy number 4, made .*: its 12 files are there with the right sizes\./);
    expect(within(result).queryAllByTestId("remote-problem")).toHaveLength(0);
  });

  test("removing asks first; Keep it changes nothing, Remove it removes only the vault's settings", async () => {
    const { shell } = await openOffsite({ list_remotes: () => [usb], remove_remote: () => [] });
    await fireEvent.click(await screen.findByTestId("remote-remove"));
    expect(screen.getByTestId("remote-row").textContent).toContain("the copy on the storage stays as it is");
    await fireEvent.click(screen.getByTestId("remote-remove-no"));
    expect(shell.callsTo("remove_remote")).toHaveLength(0);
    await fireEvent.click(screen.getByTestId("remote-remove"));
    await fireEvent.click(screen.getByTestId("remote-remove-yes"));
    await waitFor(() => expect(screen.getByTestId("offsite-none")).toBeTruthy());
    expect(shell.callsTo("remove_remote")).toEqual([{ name: "usb" }]);
    expect(screen.getByTestId("offsite-message").textContent).toContain("was not touched");
  });
});
