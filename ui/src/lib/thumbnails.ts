// The queue and cache behind the evidence list's thumbnails, free of Svelte and of the shell so it can
// be tested alone. The list says which rows are on screen; the queue asks for their pictures in that
// order, at most `concurrency` at a time, and forgets rows that left the screen before their turn. Made
// thumbnails are object URLs kept in a least-recently-used cache of bounded size; an evicted URL is
// revoked, so the decoded pixels do not outlive their place in the cache.

/** What the shell previews (`PREVIEWABLE` in src-tauri/src/commands/items.rs). */
const PREVIEWABLE = new Set(["image/jpeg", "image/png", "image/gif", "image/webp", "image/tiff"]);
/** The shell's `PREVIEW_MAX_BYTES`: larger images are never decrypted for display. */
export const PREVIEW_MAX_BYTES = 25 * 1024 * 1024;

/** True when a row of this type and size may get a thumbnail. */
export function hasThumbnail(mediaType: string, size: number): boolean {
  return PREVIEWABLE.has(mediaType) && size <= PREVIEW_MAX_BYTES;
}

export interface ThumbnailOptions {
  /** Makes the thumbnail of an item: an object or data URL, or null when the item cannot have one. */
  make: (id: string) => Promise<string | null>;
  /** Releases a URL that `make` returned. */
  revoke: (url: string) => void;
  /** Called whenever a thumbnail was added, so views can look again. */
  changed: () => void;
  capacity?: number;
  concurrency?: number;
}

export class ThumbnailQueue {
  private readonly cache = new Map<string, string>();
  /** Items whose thumbnail could not be made (not decodable, gone): not asked for again until cleared. */
  private readonly failed = new Set<string>();
  private readonly inFlight = new Set<string>();
  private waiting: string[] = [];
  /** Counts clears, so an answer to a request made before a clear (a lock) is dropped and revoked. */
  private generation = 0;
  private readonly capacity: number;
  private readonly concurrency: number;

  constructor(private readonly options: ThumbnailOptions) {
    this.capacity = options.capacity ?? 300;
    this.concurrency = options.concurrency ?? 2;
  }

  /** The thumbnail of `id` if it is made; marks it recently used. */
  url(id: string): string | undefined {
    const url = this.cache.get(id);
    if (url !== undefined) {
      this.cache.delete(id);
      this.cache.set(id, url);
    }
    return url;
  }

  /**
   * The items now on screen that may have thumbnails, top first. Those not made yet are queued in that
   * order; queued items no longer on screen are dropped before they are asked for.
   */
  show(ids: readonly string[]): void {
    this.waiting = ids.filter((id) => !this.cache.has(id) && !this.inFlight.has(id) && !this.failed.has(id));
    this.pump();
  }

  /** Forgets every thumbnail and revokes its URL: called when the vault locks. */
  clear(): void {
    this.generation += 1;
    for (const url of this.cache.values()) this.options.revoke(url);
    this.cache.clear();
    this.failed.clear();
    this.inFlight.clear();
    this.waiting = [];
  }

  get size(): number {
    return this.cache.size;
  }

  private pump(): void {
    while (this.inFlight.size < this.concurrency && this.waiting.length > 0) {
      const id = this.waiting.shift()!;
      this.inFlight.add(id);
      void this.fetch(id, this.generation);
    }
  }

  private async fetch(id: string, generation: number): Promise<void> {
    let url: string | null = null;
    try {
      url = await this.options.make(id);
    } catch {
      url = null;
    }
    if (generation !== this.generation) {
      if (url !== null) this.options.revoke(url);
      return;
    }
    this.inFlight.delete(id);
    if (url === null) {
      this.failed.add(id);
    } else {
      this.store(id, url);
      this.options.changed();
    }
    this.pump();
  }

  private store(id: string, url: string): void {
    this.cache.set(id, url);
    while (this.cache.size > this.capacity) {
      const [oldest, oldUrl] = this.cache.entries().next().value!;
      this.cache.delete(oldest);
      this.options.revoke(oldUrl);
    }
  }
}
