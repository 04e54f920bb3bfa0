// A stand-in for the Rust shell: answers every command with something plausible, lets a test override
// any answer, records calls, and can send the shell's events.
import { mockIPC } from "@tauri-apps/api/mocks";
import { emit } from "@tauri-apps/api/event";
import type { ItemDto, ItemTable } from "../src/lib/bindings";

export type Handler = (args: Record<string, unknown>) => unknown;

export class ShellError {
  constructor(
    public code: string,
    public message = `english detail for ${code}`,
  ) {}
}

export interface FakeShell {
  calls: Array<{ cmd: string; args: Record<string, unknown> }>;
  callsTo(cmd: string): Array<Record<string, unknown>>;
}

export function item(overrides: Partial<ItemDto> = {}): ItemDto {
  return {
    id: "E-AAAAA-00001",
    name: "testimony.m4a",
    sha256: "a".repeat(64),
    size: 1_500_000,
    media_type: "audio/mp4",
    description: "",
    source: "",
    added_at: "2026-11-20T10:00:00.000Z",
    added_by: "amina",
    duplicate_of: null,
    ...overrides,
  };
}

export function tableOf(list: ItemDto[]): ItemTable {
  return {
    ids: list.map((i) => i.id),
    names: list.map((i) => i.name),
    sizes: list.map((i) => i.size),
    media_types: list.map((i) => i.media_type),
    added_at: list.map((i) => i.added_at),
    added_by: list.map((i) => i.added_by),
    descriptions: list.map((i) => i.description),
  };
}

const defaults: Record<string, Handler> = {
  app_status: () => ({
    vault_exists: true,
    unlocked: false,
    vault_path: "/tmp/vault",
    settings: { language: "en", idle_lock_minutes: 15 },
  }),
  passphrase_strength: (a) => {
    const p = String(a.passphrase);
    const score = Math.min(4, Math.floor(p.length / 5));
    return { score, acceptable: score >= 3 && p.length >= 8 };
  },
  create_vault: () => null,
  unlock_vault: () => null,
  unlock_with_recovery_key: () => null,
  lock_vault: () => null,
  touch_activity: () => null,
  save_settings: (a) => a.settings,
  list_items: () => tableOf([]),
  custody_events: () => ({ events: [], more: false }),
  custody_facets: () => ({ actors: [], actions: [] }),
  cancel_job: () => true,
  add_files: () => 1,
};

/** Installs the fake shell; a handler that throws a ShellError answers with that error. */
export function fakeShell(overrides: Record<string, Handler> = {}): FakeShell {
  const handlers = { ...defaults, ...overrides };
  const calls: FakeShell["calls"] = [];
  mockIPC(
    (cmd, payload) => {
      const args = (payload ?? {}) as Record<string, unknown>;
      calls.push({ cmd, args });
      const handler = handlers[cmd];
      if (!handler) throw new Error(`the fake shell has no answer for ${cmd}`);
      try {
        return handler(args);
      } catch (e) {
        if (e instanceof ShellError) throw { code: e.code, message: e.message };
        throw e;
      }
    },
    { shouldMockEvents: true },
  );
  return { calls, callsTo: (cmd) => calls.filter((c) => c.cmd === cmd).map((c) => c.args) };
}

/** Sends an event as the shell would (event names as in bindings.ts). */
export async function shellEvent(name: string, payload: unknown): Promise<void> {
  await emit(name, payload);
}
