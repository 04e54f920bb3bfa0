// Every test starts in English with empty stores and no Tauri mock left over from the one before.
import { afterEach, beforeEach } from "vitest";
import { clearMocks } from "@tauri-apps/api/mocks";
import { cleanup } from "@testing-library/svelte";
import { setLang } from "../src/lib/i18n/index.svelte";
import { items } from "../src/lib/stores/items.svelte";
import { jobs } from "../src/lib/stores/jobs.svelte";
import { verify } from "../src/lib/stores/verify.svelte";
import { session } from "../src/lib/stores/session.svelte";
import { nav } from "../src/lib/stores/nav.svelte";
import { records } from "../src/lib/stores/records.svelte";
import { thumbnails } from "../src/lib/stores/thumbnails.svelte";

beforeEach(() => {
  setLang("en");
  items.clear();
  items.sort = "added-desc";
  jobs.clear();
  verify.clear();
  nav.clear();
  records.clear();
  thumbnails.clear();
  session.stop();
  session.phase = "loading";
  session.lockReason = null;
  session.settings = { language: "en", idle_lock_minutes: 15 };
});

afterEach(() => {
  // Unmount first: components stop listening to shell events, which needs the mock still in place.
  cleanup();
  clearMocks();
});

// jsdom lays nothing out and has no ResizeObserver, which Svelte's size bindings use; the list then
// falls back to its assumed height.
if (!("ResizeObserver" in globalThis)) {
  globalThis.ResizeObserver = class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
}
