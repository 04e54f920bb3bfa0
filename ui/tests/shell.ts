// A stand-in for the Rust shell: answers every command with something plausible, lets a test override
// any answer, records calls, and can send the shell's events.
import { mockIPC } from "@tauri-apps/api/mocks";
import { emit } from "@tauri-apps/api/event";
import type { Channel } from "@tauri-apps/api/core";
import type { CustodyReview, FindingDto, ItemChunk, ItemDto, PersonDto, RollbackDto } from "../src/lib/bindings";
import type { ItemTable } from "../src/lib/items";

export type Handler = (args: Record<string, unknown>) => unknown;

export class ShellError {
  constructor(
    public code: string,
    public message = `english detail for ${code}`,
    public findings?: FindingDto[],
    public rollback?: RollbackDto,
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

/** The list as the page keeps it; `list` is in the shell's order, newest acquisition first. */
export function tableOf(list: ItemDto[]): ItemTable {
  return {
    ids: list.map((i) => i.id),
    names: list.map((i) => i.name),
    sizes: list.map((i) => i.size),
    media_types: list.map((i) => i.media_type),
    added_at: list.map((i) => i.added_at),
    descriptions: list.map((i) => i.description),
  };
}

/** A `list_items` answer as the shell gives it: the rows in chunks through the channel, then the count. */
export function streamList(table: ItemTable, args: Record<string, unknown>, chunkRows = 2): number {
  const channel = args.onChunk as Channel<ItemChunk>;
  const count = table.ids.length;
  for (let start = 0; start === 0 || start < count; start += chunkRows) {
    const end = Math.min(count, start + chunkRows);
    const types = [...new Set(table.media_types.slice(start, end))];
    channel.onmessage({
      ids: table.ids.slice(start, end),
      names: table.names.slice(start, end),
      sizes: table.sizes.slice(start, end),
      media_type_names: types,
      media_types: table.media_types.slice(start, end).map((m) => types.indexOf(m)),
      added_at: table.added_at.slice(start, end),
      descriptions: table.descriptions.slice(start, end),
      done: end >= count,
    });
  }
  return count;
}

export function person(overrides: Partial<PersonDto> = {}): PersonDto {
  return {
    id: "P-7F3K",
    reference: null,
    sex: "F",
    minor: false,
    sgbv_survivor: false,
    created_at: "2026-03-01T09:00:00.000Z",
    created_by: "amina",
    merged_into: null,
    interviews: 0,
    ...overrides,
  };
}

/** A finding as the shell sends it; `duplicate_person` by default. */
export function finding(overrides: Partial<FindingDto> = {}, params: Partial<FindingDto["params"]> = {}): FindingDto {
  return {
    rule: "possible-duplicate-person",
    severity: "warning",
    code: "duplicate_person",
    message: "Probably the same person as P-7F3K (English).",
    evidence: { records: ["P-7F3K"], score: 0.87, reasons: [] },
    ...overrides,
    params: {
      person: "P-7F3K",
      interview: null,
      count: null,
      max: null,
      days: null,
      cooldown_days: null,
      percent: null,
      score: null,
      recipient: null,
      why: null,
      vulnerability: [],
      interviewers: [],
      missing: [],
      reasons: [],
      interviews: [],
      prior: null,
      team: null,
      documenter: null,
      last_date: null,
      ...params,
    },
  };
}

/** A custody review as the shell gives it for a vault locked once and never exported. */
export function review(overrides: Partial<CustodyReview> = {}): CustodyReview {
  return {
    events: 3,
    checkpoints: [
      {
        id: 1,
        size: 2,
        made_at: "2026-11-20T10:00:00.000Z",
        reason: "close",
        holds: true,
        cosignatures: [],
        timestamps: [],
      },
    ],
    this_computer: { state: "holds", size: 2, last_time: "2026-11-20T10:00:00.000Z" },
    exports: [],
    witnesses: [],
    anomalies: [],
    anomalies_left_off: 0,
    ...overrides,
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
  unlock_vault: () => ({ notices: [] }),
  unlock_with_recovery_key: () => ({ notices: [] }),
  lock_vault: () => null,
  touch_activity: () => null,
  save_settings: (a) => a.settings,
  list_items: () => tableOf([]),
  custody_events: () => ({ events: [], more: false }),
  custody_facets: () => ({ actors: [], actions: [] }),
  custody_review: () => review(),
  cancel_job: () => true,
  add_files: () => 1,
  list_persons: () => [],
  list_interviews: () => [],
  list_incidents: () => [],
  list_interviewers: () => [],
  list_remotes: () => [],
  offsite_status: () => ({ remotes: 0, last_push: null, items_not_copied: 0 }),
  person_duplicates: () => [],
  check_person: () => [],
  check_interview: () => [],
  harm_settings: () => ({
    duplicate_threshold: 0.5,
    cooldown_days: 90,
    max_interviews: 2,
    testimony_similarity: 0.5,
    min_testimony_similarity: 0.45,
  }),
};

/** Installs the fake shell (a `list_items` handler answers with a table, streamed in chunks of two); a
 * handler that throws a ShellError answers with that error. */
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
        const answer = handler(args);
        // A list handler answers with the table; the shell streams it through the page's channel.
        if (cmd === "list_items" && answer !== null && typeof answer === "object" && "ids" in answer) {
          return streamList(answer as ItemTable, args);
        }
        return answer;
      } catch (e) {
        if (e instanceof ShellError) {
          const { code, message, findings, rollback } = e;
          throw { code, message, ...(findings && { findings }), ...(rollback && { rollback }) };
        }
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
