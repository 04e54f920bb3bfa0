// The loaded evidence list, kept while the vault is open so switching screens does not fetch 100k rows
// again. The index is raw state (not deeply reactive): it is replaced or mutated in place, and
// `version` tells the views that it changed.
import { call, commands, type IpcError } from "../api";
import { buildIndex, updateDescription, type ItemIndex, type SortKey } from "../items";

class ItemsStore {
  index = $state.raw<ItemIndex | null>(null);
  version = $state(0);
  error = $state<IpcError | null>(null);
  selectedId = $state<string | null>(null);
  query = $state("");
  sort = $state<SortKey>("added-desc");

  async load(): Promise<void> {
    const result = await call(() => commands.listItems());
    if (result.status === "ok") {
      this.index = buildIndex(result.data);
      this.error = null;
      this.version += 1;
    } else {
      this.error = result.error;
    }
  }

  describe(id: string, description: string): void {
    if (this.index && updateDescription(this.index, id, description)) this.version += 1;
  }

  /** Forgets every item: called when the vault locks. */
  clear(): void {
    this.index = null;
    this.error = null;
    this.selectedId = null;
    this.query = "";
    this.version += 1;
  }
}

export const items = new ItemsStore();
