// The off-site line under the navigation: the newest copy and the items on no copy yet. Loaded when the
// vault opens, when items change, and after a copy is made or a remote added or removed.
import { call, commands } from "../api";
import type { OffsiteStatusDto } from "../bindings";

class OffsiteStore {
  status = $state.raw<OffsiteStatusDto | null>(null);

  async load(): Promise<void> {
    const result = await call(() => commands.offsiteStatus());
    this.status = result.status === "ok" ? result.data : null;
  }
}

export const offsite = new OffsiteStore();
