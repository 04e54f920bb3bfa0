import { describe, expect, test } from "vitest";
import { fireEvent, screen, waitFor } from "@testing-library/svelte";
import { startApp } from "./app";

describe("languages and direction", () => {
  test("choosing Arabic turns the app and the document right to left, and is remembered", async () => {
    const shell = await startApp();
    const root = screen.getByTestId("app-root");
    expect(root.getAttribute("dir")).toBe("ltr");
    await fireEvent.change(screen.getByTestId("language-select"), { target: { value: "ar" } });
    await waitFor(() => expect(root.getAttribute("dir")).toBe("rtl"));
    expect(root.getAttribute("lang")).toBe("ar");
    expect(document.documentElement.dir).toBe("rtl");
    expect(document.documentElement.lang).toBe("ar");
    expect(screen.getByTestId("nav-evidence").textContent?.trim()).toBe("الأدلة");
    expect(screen.getByTestId("lock-button").textContent).toContain("أقفل الآن");
    await waitFor(() =>
      expect(shell.callsTo("save_settings")).toEqual([{ settings: { language: "ar", idle_lock_minutes: 15 } }]),
    );

    await fireEvent.change(screen.getByTestId("language-select"), { target: { value: "es" } });
    await waitFor(() => expect(root.getAttribute("dir")).toBe("ltr"));
    expect(screen.getByTestId("nav-settings").textContent?.trim()).toBe("Ajustes");
  });

  test("an Arabic setting applies from the first screen, before unlocking", async () => {
    await startApp(
      {
        app_status: () => ({
          vault_exists: true,
          unlocked: false,
          vault_path: "/v",
          settings: { language: "ar", idle_lock_minutes: 5 },
        }),
      },
      false,
    );
    expect(screen.getByTestId("app-root").getAttribute("dir")).toBe("rtl");
    expect(screen.getByTestId("unlock-submit").textContent?.trim()).toBe("افتح");
  });
});
