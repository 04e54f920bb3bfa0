import { describe, expect, onTestFinished, test } from "vitest";
import { fireEvent, screen, waitFor, within } from "@testing-library/svelte";
import { startApp } from "./app";
import { item, streamList, tableOf } from "./shell";
import type { Channel } from "@tauri-apps/api/core";
import type { ItemChunk } from "../src/lib/bindings";
import type { ItemDetail } from "../src/lib/bindings";

// Newest acquisition first, as the shell sends the list.
const three = [
  item({
    id: "E-00000-00003",
    name: "newest.m4a",
    added_at: "2026-11-03T08:00:00Z",
    size: 5000,
    description: "Recorded in Goma",
  }),
  item({
    id: "E-00000-00002",
    name: "Witness statement.pdf",
    media_type: "application/pdf",
    added_at: "2026-11-02T08:00:00Z",
    size: 50,
  }),
  item({
    id: "E-00000-00001",
    name: "oldest.jpg",
    media_type: "image/jpeg",
    added_at: "2026-11-01T08:00:00Z",
    size: 900,
  }),
];

const detailOf = (id: string): ItemDetail => {
  const found = three.find((i) => i.id === id)!;
  return {
    item: found,
    previewable: false,
    events: [
      {
        seq: 4,
        time: "2026-11-03T08:00:00Z",
        actor: "amina",
        device: "dev-1",
        action: "item.ingested",
        subject: id,
        details: JSON.stringify({ name: found.name, size: found.size }),
        hash: "h",
      },
    ],
  };
};

const shownIds = () => screen.getAllByTestId("item-row").map((row) => row.getAttribute("data-id"));

describe("the evidence screen", () => {
  test("lists every item, newest first, and counts them", async () => {
    await startApp({ list_items: () => tableOf(three) });
    await waitFor(() => expect(shownIds()).toEqual(["E-00000-00003", "E-00000-00002", "E-00000-00001"]));
    expect(screen.getByTestId("item-count").textContent?.trim()).toBe("3 items");
  });

  test("the newest rows show as soon as they arrive, and the count waits for the whole list", async () => {
    let channel: Channel<ItemChunk> | null = null;
    await startApp({
      list_items: (a) => {
        channel = a.onChunk as Channel<ItemChunk>;
        streamList(
          tableOf(three.slice(0, 2)),
          { onChunk: { onmessage: (c: ItemChunk) => channel!.onmessage({ ...c, done: false }) } },
          2,
        );
        return 3;
      },
    });
    await waitFor(() => expect(shownIds()).toEqual(["E-00000-00003", "E-00000-00002"]));
    const count = screen.getByTestId("item-count");
    expect(count.textContent?.trim()).toBe("Newest first; the rest of the list is still loading…");
    expect(count.getAttribute("data-complete")).toBe("false");
    streamList(tableOf(three.slice(2)), { onChunk: channel }, 2);
    await waitFor(() => expect(count.textContent?.trim()).toBe("3 items"));
    expect(count.getAttribute("data-complete")).toBe("true");
    expect(shownIds()).toEqual(["E-00000-00003", "E-00000-00002", "E-00000-00001"]);
  });

  test("search narrows the list and the count; order follows the chosen sort", async () => {
    await startApp({ list_items: () => tableOf(three) });
    await waitFor(() => expect(shownIds()).toHaveLength(3));
    await fireEvent.input(screen.getByTestId("item-filter"), { target: { value: "goma" } });
    expect(shownIds()).toEqual(["E-00000-00003"]);
    expect(screen.getByTestId("item-count").textContent?.trim()).toBe("1 of 3 items");
    await fireEvent.input(screen.getByTestId("item-filter"), { target: { value: "" } });
    await fireEvent.change(screen.getByTestId("item-sort"), { target: { value: "size-asc" } });
    expect(shownIds()).toEqual(["E-00000-00002", "E-00000-00001", "E-00000-00003"]);
  });

  test("only the rows in view are in the page, even for a long list", async () => {
    const many = Array.from({ length: 5000 }, (_, i) => item({ id: `E-${String(i).padStart(5, "0")}-LONG0` }));
    await startApp({ list_items: () => tableOf(many) });
    await waitFor(() => expect(screen.getAllByTestId("item-row").length).toBeGreaterThan(5));
    expect(screen.getAllByTestId("item-row").length).toBeLessThan(40);
    expect(screen.getByTestId("item-count").textContent?.trim()).toBe("5,000 items");
  });

  test("choosing an item shows its facts, its history and lets description and source be saved", async () => {
    const shell = await startApp({
      list_items: () => tableOf(three),
      item_detail: (a) => detailOf(String(a.id)),
      update_item: (a) => ({ ...three[1], ...(a.edit as object) }),
    });
    await waitFor(() => expect(shownIds()).toHaveLength(3));
    await fireEvent.click(screen.getAllByTestId("item-row")[1]);
    const detail = await screen.findByTestId("item-detail");
    await within(detail).findByTestId("detail-sha256");
    expect(screen.getByTestId("detail-name").textContent).toBe("Witness statement.pdf");
    expect(screen.getByTestId("detail-sha256").textContent).toBe("a".repeat(64));
    expect(screen.getByTestId("detail-size").textContent).toBe("50 bytes");
    expect(screen.getByTestId("detail-type").textContent).toContain("PDF document");
    expect(screen.getByTestId("detail-added").textContent).toContain("by amina");
    const events = screen.getAllByTestId("timeline-event");
    expect(events.map((e) => e.getAttribute("data-action"))).toEqual(["item.ingested"]);
    expect(events[0].textContent).toContain("Evidence added");
    expect(events[0].textContent).toContain("name:");

    const save = screen.getByTestId("detail-save") as HTMLButtonElement;
    expect(save.disabled).toBe(true);
    await fireEvent.input(screen.getByTestId("detail-description"), { target: { value: "Signed by the witness" } });
    await fireEvent.input(screen.getByTestId("detail-source"), { target: { value: "Handed over in Bukavu" } });
    await fireEvent.click(save);
    expect((await screen.findByTestId("detail-message")).textContent).toContain("Saved.");
    expect(shell.callsTo("update_item")).toEqual([
      { id: "E-00000-00002", edit: { description: "Signed by the witness", source: "Handed over in Bukavu" } },
    ]);
    // The list's search sees the new description without reloading everything.
    await fireEvent.input(screen.getByTestId("item-filter"), { target: { value: "signed" } });
    expect(shownIds()).toEqual(["E-00000-00002"]);
  });

  test("a saved copy is confirmed with where it went; a cancelled dialog says nothing", async () => {
    let answer: unknown = null;
    await startApp({
      list_items: () => tableOf(three),
      item_detail: (a) => detailOf(String(a.id)),
      save_item_copy: () => answer,
    });
    await waitFor(() => expect(shownIds()).toHaveLength(3));
    await fireEvent.click(screen.getAllByTestId("item-row")[0]);
    await fireEvent.click(await screen.findByTestId("save-copy"));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(screen.queryByTestId("detail-message")).toBeNull();
    answer = { path: "/media/usb/newest.m4a", sha256: "a".repeat(64) };
    await fireEvent.click(screen.getByTestId("save-copy"));
    const message = await screen.findByTestId("detail-message");
    expect(message.textContent).toContain("Copy saved to /media/usb/newest.m4a");
    expect(message.querySelector("bdi")?.textContent).toBe("/media/usb/newest.m4a");
  });

  test("an image is previewed from memory through a Blob URL that is revoked when the item is left", async () => {
    const created: Blob[] = [];
    const revoked: string[] = [];
    // jsdom has no Blob URLs: record what the preview makes and revokes.
    const original = { createObjectURL: URL.createObjectURL, revokeObjectURL: URL.revokeObjectURL };
    onTestFinished(() => void Object.assign(URL, original));
    URL.createObjectURL = (blob: Blob) => (created.push(blob), `blob:preview-${created.length}`);
    URL.revokeObjectURL = (url: string) => void revoked.push(url);
    const shell = await startApp({
      list_items: () => tableOf(three),
      item_detail: (a) => ({ ...detailOf(String(a.id)), previewable: a.id === "E-00000-00001" }),
      item_preview: () => ({ media_type: "image/jpeg", data_base64: "/9j/4AAQ" }),
    });
    await waitFor(() => expect(shownIds()).toHaveLength(3));
    await fireEvent.click(screen.getAllByTestId("item-row")[2]);
    const preview = (await screen.findByTestId("detail-preview")) as HTMLImageElement;
    expect(preview.getAttribute("src")).toBe("blob:preview-1");
    expect(created[0].type).toBe("image/jpeg");
    expect(created[0].size).toBe(6);
    // The view is a custody event: the history is asked for again to show it.
    await waitFor(() => expect(shell.callsTo("item_detail")).toHaveLength(2));
    await fireEvent.click(screen.getAllByTestId("item-row")[0]);
    await waitFor(() => expect(revoked).toEqual(["blob:preview-1"]));
    expect(screen.queryByTestId("detail-preview")).toBeNull();
  });

  test("an image row gets a decorative thumbnail made in memory; other rows ask for nothing", async () => {
    // jsdom decodes no pictures and has no Blob URLs: stand in for both.
    const original = { createObjectURL: URL.createObjectURL, revokeObjectURL: URL.revokeObjectURL };
    const canvas = { getContext: HTMLCanvasElement.prototype.getContext, toBlob: HTMLCanvasElement.prototype.toBlob };
    onTestFinished(() => {
      Object.assign(URL, original);
      Object.assign(HTMLCanvasElement.prototype, canvas);
      delete (globalThis as { createImageBitmap?: unknown }).createImageBitmap;
    });
    URL.createObjectURL = () => "blob:thumb-1";
    URL.revokeObjectURL = () => {};
    (globalThis as { createImageBitmap?: unknown }).createImageBitmap = async () => ({
      width: 300,
      height: 200,
      close() {},
    });
    HTMLCanvasElement.prototype.getContext = (() => ({ drawImage() {} })) as never;
    HTMLCanvasElement.prototype.toBlob = function (done: BlobCallback) {
      done(new Blob([new Uint8Array(4)], { type: "image/png" }));
    };
    const shell = await startApp({
      list_items: () => tableOf(three),
      item_preview: () => ({ media_type: "image/jpeg", data_base64: "/9j/4AAQ" }),
    });
    await waitFor(() => expect(shownIds()).toHaveLength(3));
    const imageRow = screen.getAllByTestId("item-row")[2];
    const thumb = await within(imageRow).findByTestId("item-thumb");
    expect(thumb.getAttribute("src")).toBe("blob:thumb-1");
    expect(thumb.getAttribute("alt"), "decorative: the row keeps its name").toBe("");
    expect(screen.getByRole("option", { name: /oldest\.jpg/ })).toBe(imageRow);
    expect(
      shell.callsTo("item_preview").map((a) => a.id),
      "only the image row is asked for",
    ).toEqual(["E-00000-00001"]);
  });
});
