import { describe, expect, test } from "vitest";
import { fireEvent, screen } from "@testing-library/svelte";
import { startApp } from "./app";
import type { IncidentDto } from "../src/lib/bindings";

const incident: IncidentDto = {
  id: "N-AAAA1",
  date_from: "2026-03-02",
  date_to: "",
  place: "",
  kind: "torture",
  description: "",
  interviews: [],
  documents: [],
  created_at: "2026-03-03T10:00:00Z",
  created_by: "A. Haroun",
};

describe("a new incident", () => {
  test("has no kind until the documenter chooses one, and its day is typed as YYYY-MM-DD", async () => {
    const shell = await startApp({ list_incidents: () => [], add_incident: () => incident });
    await fireEvent.click(screen.getByTestId("nav-incidents"));
    await fireEvent.click(await screen.findByTestId("incident-add"));
    const save = screen.getByTestId("incident-save") as HTMLButtonElement;
    expect((screen.getByTestId("incident-kind") as HTMLSelectElement).value).toBe("");
    expect(save.disabled, "no kind chosen for the documenter").toBe(true);

    await fireEvent.change(screen.getByTestId("incident-kind"), { target: { value: "torture" } });
    await fireEvent.input(screen.getByTestId("incident-from"), { target: { value: "2026-03-02" } });
    expect(screen.getByTestId("incident-from-long").textContent).toContain("2026");
    expect(save.disabled).toBe(false);
    await fireEvent.click(save);
    expect(shell.callsTo("add_incident")[0].input).toMatchObject({ kind: "torture", date_from: "2026-03-02" });
  });
});
