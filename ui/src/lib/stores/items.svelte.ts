// The loaded evidence list, kept while the vault is open so switching screens does not fetch 100k rows
// again. The index is raw state (not deeply reactive): it is replaced or mutated in place, and
// `version` tells the views that it changed. The shell streams the list newest first in chunks: on the
// first load the newest rows are shown as soon as they arrive, while the rest is still coming.
import { Channel } from "@tauri-apps/api/core";
import { call, commands, type IpcError } from "../api";
import type { ItemChunk } from "../bindings";
import { appendChunk, emptyIndex, updateDescription, type ItemIndex, type SortKey } from "../items";

class ItemsStore {
  index = $state.raw<ItemIndex | null>(null);
  version = $state(0);
  error = $state<IpcError | null>(null);
  selectedId = $state<string | null>(null);
  query = $state("");
  sort = $state<SortKey>("added-desc");
  /** True while the first load is still arriving: the index holds only the newest rows so far. */
  loading = $state(false);

  /** Counts loads, so chunks of a load that a newer one (or a lock) replaced are dropped. */
  private generation = 0;

  /** Loads the whole list. A reload (after an add or an import) keeps showing the current list until
   * the new one is complete. */
  async load(): Promise<void> {
    const generation = ++this.generation;
    const first = this.index === null;
    const next = emptyIndex();
    if (first) this.loading = true;
    const channel = new Channel<ItemChunk>((chunk) => {
      if (generation !== this.generation) return;
      appendChunk(next, chunk);
      if (chunk.done) {
        // A new object even when the newest rows were already shown from `next`: views that read only
        // `index` (counts, pickers) see the change.
        this.index = { ...next };
        this.loading = false;
        this.error = null;
        this.version += 1;
      } else if (first && this.index !== next) {
        this.index = next;
        this.version += 1;
      }
    });
    const result = await call(() => commands.listItems(channel));
    if (result.status === "error" && generation === this.generation) {
      this.error = result.error;
      this.loading = false;
    }
  }

  describe(id: string, description: string): void {
    if (this.index && updateDescription(this.index, id, description)) this.version += 1;
  }

  /** Forgets every item: called when the vault locks. */
  clear(): void {
    this.generation += 1;
    this.loading = false;
    this.index = null;
    this.error = null;
    this.selectedId = null;
    this.query = "";
    this.version += 1;
  }
}

export const items = new ItemsStore();
