import { describe, expect, test } from "vitest";
import { fireEvent, screen, waitFor } from "@testing-library/svelte";
import { startApp } from "./app";
import { item, shellEvent, tableOf } from "./shell";

const progress = (done: number, extra: object = {}) => ({
  job_id: 7,
  kind: "add",
  file_name: "interview-2026-11-20.mp4",
  file_index: 1,
  file_count: 3,
  done,
  total: 400_000_000,
  ...extra,
});

describe("adding files", () => {
  test("Add evidence opens the shell's picker once, titled in the reader's words; the page never sends paths", async () => {
    let close: (jobId: number | null) => void = () => {};
    const shell = await startApp({ add_files: () => new Promise((resolve) => (close = resolve)) });
    const add = screen.getByTestId("add-evidence") as HTMLButtonElement;
    await fireEvent.click(add);
    await fireEvent.click(add);
    await waitFor(() => expect(shell.callsTo("add_files")).toEqual([{ title: "Add evidence" }]));
    expect(add.disabled).toBe(true);
    close(null);
    await waitFor(() => expect(add.disabled).toBe(false));
    expect(screen.getByText("You can also drag files onto this window.")).toBeTruthy();
  });

  test("a running job shows its file, a bar and Cancel; cancelling asks the shell", async () => {
    const shell = await startApp();
    await shellEvent("job-progress", progress(100_000_000));
    const job = await screen.findByTestId("job-progress");
    expect(job.textContent).toContain("Adding “interview-2026-11-20.mp4”, file 2 of 3");
    expect(job.textContent).toContain("25%");
    await shellEvent("job-progress", progress(300_000_000));
    await waitFor(() => expect(screen.getByTestId("job-progress").textContent).toContain("75%"));
    expect(screen.getAllByTestId("job-progress")).toHaveLength(1);

    await fireEvent.click(screen.getByTestId("job-cancel"));
    await waitFor(() => expect(shell.callsTo("cancel_job")).toEqual([{ jobId: 7 }]));
    expect(screen.getByTestId("job-cancel").textContent?.trim()).toBe("Stopping…");
    await shellEvent("job-finished", { job_id: 7, cancelled: true, added: 1, failed: 0 });
    await waitFor(() => expect(screen.queryByTestId("job-progress")).toBeNull());
    expect(screen.getByTestId("notice").textContent).toContain("nothing half-written was kept");
  });

  test("a copy being saved shows its own words, a bar and Cancel", async () => {
    const shell = await startApp();
    await shellEvent("job-progress", progress(200_000_000, { job_id: 9, kind: "save", file_index: 0, file_count: 1 }));
    const job = await screen.findByTestId("job-progress");
    expect(job.textContent).toContain("Saving a copy of “interview-2026-11-20.mp4”");
    expect(job.textContent).not.toContain("Adding");
    expect(job.textContent).toContain("50%");
    await fireEvent.click(screen.getByTestId("job-cancel"));
    await waitFor(() => expect(shell.callsTo("cancel_job")).toEqual([{ jobId: 9 }]));
    await shellEvent("job-finished", { job_id: 9, cancelled: true, added: 0, failed: 0 });
    await waitFor(() => expect(screen.queryByTestId("job-progress")).toBeNull());
    expect(screen.getByTestId("notice").textContent).toContain("no partial copy was left");
  });

  test("two jobs (a pick and a drop) show two bars", async () => {
    await startApp();
    await shellEvent("job-progress", progress(1));
    await shellEvent("job-progress", progress(1, { job_id: 8, file_name: "dropped.jpg" }));
    await waitFor(() => expect(screen.getAllByTestId("job-progress")).toHaveLength(2));
  });

  test("duplicates and failures are announced; the list reloads when files were added", async () => {
    let table = tableOf([]);
    const shell = await startApp({ list_items: () => table });
    await shellEvent("job-progress", progress(5));
    await shellEvent("file-added", {
      job_id: 7,
      file_name: "photo-copy.jpg",
      item: item({ id: "E-00000-00009", duplicate_of: "E-00000-00004" }),
      already_stored: true,
    });
    await shellEvent("file-failed", {
      job_id: 7,
      file_name: "locked.pdf",
      error: { code: "source_unreadable", message: "Permission denied (os error 13)" },
    });
    table = tableOf([item({ id: "E-00000-00009" })]);
    await shellEvent("job-finished", { job_id: 7, cancelled: false, added: 1, failed: 1 });

    const notices = await screen.findByTestId("notice");
    await waitFor(() => expect(notices.textContent).toContain("1 file could not be added."));
    expect(notices.textContent).toContain("“photo-copy.jpg” is already in the vault as E-00000-00004.");
    expect(notices.textContent).toContain("This new copy was recorded in the custody log.");
    expect(notices.textContent).toContain("“locked.pdf” could not be added: The file could not be read.");
    expect(notices.textContent).toContain("1 file added.");
    expect(notices.querySelector("details")?.textContent).toContain("Permission denied");
    await waitFor(() => expect(screen.getAllByTestId("item-row")).toHaveLength(1));
    expect(shell.callsTo("list_items")).toHaveLength(2);
  });
});
