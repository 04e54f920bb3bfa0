/// <reference types="node" />
import { describe, expect, test } from "vitest";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fireEvent, screen, waitFor } from "@testing-library/svelte";
import { startApp } from "./app";
import { item, shellEvent, tableOf } from "./shell";

const MARKUP = "<img src=x onerror=alert(1)>";

describe("text from outside is shown as text", () => {
  test("a description, a file name and event details with markup create no elements", async () => {
    const hostile = item({ id: "E-00000-00666", name: `${MARKUP}.jpg`, description: MARKUP, source: MARKUP });
    await startApp({
      list_items: () => tableOf([hostile]),
      item_detail: () => ({
        item: hostile,
        previewable: false,
        events: [
          {
            seq: 2,
            time: "2026-11-20T10:00:00Z",
            actor: "<b>mallory</b>",
            device: "d",
            action: "item.edited",
            subject: hostile.id,
            details: JSON.stringify({ field: "description", value: MARKUP }),
            hash: "h",
          },
        ],
      }),
    });
    const row = await screen.findByTestId("item-row");
    expect(row.textContent).toContain(`${MARKUP}.jpg`);
    await fireEvent.click(row);
    await screen.findByTestId("detail-timeline");
    expect((screen.getByTestId("detail-description") as HTMLTextAreaElement).value).toBe(MARKUP);
    expect(screen.getByTestId("detail-name").textContent).toBe(`${MARKUP}.jpg`);
    expect(screen.getByTestId("timeline-event").textContent).toContain(MARKUP);
    expect(screen.getByTestId("timeline-event").textContent).toContain("<b>mallory</b>");

    await shellEvent("file-added", { job_id: 1, file_name: MARKUP, item: hostile, already_stored: true });
    await waitFor(() => expect(screen.getByTestId("notice").textContent).toContain(MARKUP));

    expect(document.querySelectorAll("img")).toHaveLength(0);
    expect(document.querySelectorAll("b")).toHaveLength(0);
  });

  test("no component renders raw HTML or writes inline styles the CSP would block", () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (/\.(svelte|ts)$/.test(name)) files.push(path);
      }
    };
    const ui = join(__dirname, "..");
    walk(join(ui, "src"));
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) {
      const source = readFileSync(file, "utf8");
      expect(source.includes("{@html"), `${file} uses {@html}`).toBe(false);
      expect(/\sstyle="/.test(source), `${file} has a style attribute`).toBe(false);
      expect(/<style\b[^>]*>/.test(source) && !file.endsWith(".svelte"), `${file} has a <style> element`).toBe(false);
    }
    const html = readFileSync(join(ui, "index.html"), "utf8");
    expect(/<script(?![^>]*\bsrc=)[^>]*>/.test(html), "index.html has an inline script").toBe(false);
    expect(/<style|style="/.test(html), "index.html has inline style").toBe(false);
  });
});
