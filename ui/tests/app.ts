// Renders the whole app against the fake shell, already past the unlock screen when asked.
import { render, screen } from "@testing-library/svelte";
import App from "../src/App.svelte";
import { fakeShell, type FakeShell, type Handler } from "./shell";

export async function startApp(overrides: Record<string, Handler> = {}, unlocked = true): Promise<FakeShell> {
  const shell = fakeShell({
    app_status: () => ({
      vault_exists: true,
      unlocked,
      vault_path: "/tmp/vault",
      settings: { language: "en", idle_lock_minutes: 15 },
    }),
    ...overrides,
  });
  render(App);
  await screen.findByTestId(unlocked ? "app-shell" : "unlock-screen");
  return shell;
}
