// The evidence list's thumbnails for the open vault: images decrypted by the shell into memory
// (`item_preview`), drawn small onto a canvas in the page and kept as object URLs, never written to
// disk. Cleared, and every URL revoked, when the vault locks.
import { call, commands } from "../api";
import { base64ToBytes } from "../bytes";
import { ThumbnailQueue } from "../thumbnails";

/** Thumbnails are drawn at twice their 40 px box, for high-density screens. */
const PIXELS = 80;

/** Decodes the preview bytes and draws them, cropped to a square, onto a small canvas. Without
 * `createImageBitmap` (which decodes off the main thread) nothing is asked of the shell at all. */
async function makeThumbnail(id: string): Promise<string | null> {
  if (typeof createImageBitmap !== "function") return null;
  const result = await call(() => commands.itemPreview(id));
  if (result.status === "error") return null;
  const blob = new Blob([base64ToBytes(result.data.data_base64)], { type: result.data.media_type });
  const picture = await createImageBitmap(blob);
  try {
    const { width, height } = picture;
    const side = Math.min(width, height);
    const canvas = document.createElement("canvas");
    canvas.width = PIXELS;
    canvas.height = PIXELS;
    const context = canvas.getContext("2d");
    if (!context || side === 0) return null;
    context.drawImage(picture, (width - side) / 2, (height - side) / 2, side, side, 0, 0, PIXELS, PIXELS);
    const small = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, "image/png"));
    return small ? URL.createObjectURL(small) : null;
  } finally {
    picture.close();
  }
}

class ThumbnailsStore {
  /** Bumped when a thumbnail arrives, so the list's rows look again. */
  version = $state(0);

  private readonly queue = new ThumbnailQueue({
    make: makeThumbnail,
    revoke: (url) => URL.revokeObjectURL(url),
    changed: () => (this.version += 1),
  });

  url(id: string): string | undefined {
    void this.version;
    return this.queue.url(id);
  }

  show(ids: readonly string[]): void {
    this.queue.show(ids);
  }

  clear(): void {
    this.queue.clear();
    this.version += 1;
  }
}

export const thumbnails = new ThumbnailsStore();
