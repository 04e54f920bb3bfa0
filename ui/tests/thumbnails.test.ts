import { describe, expect, test } from "vitest";
import { hasThumbnail, PREVIEW_MAX_BYTES, ThumbnailQueue } from "../src/lib/thumbnails";

/** A queue whose `make` answers only when the test says so, recording what was asked and revoked. */
function harness(capacity = 300) {
  const asked: string[] = [];
  const revoked: string[] = [];
  const pending = new Map<string, (url: string | null) => void>();
  const queue = new ThumbnailQueue({
    make: (id) => {
      asked.push(id);
      return new Promise((resolve) => pending.set(id, resolve));
    },
    revoke: (url) => revoked.push(url),
    changed: () => {},
    capacity,
  });
  async function answer(id: string, url: string | null = `blob:${id}`) {
    const resolve = pending.get(id);
    expect(resolve, `${id} was asked for`).toBeDefined();
    pending.delete(id);
    resolve!(url);
    await Promise.resolve();
    await Promise.resolve();
  }
  return { queue, asked, revoked, answer };
}

describe("list thumbnails", () => {
  test("only images the shell previews, up to its size limit, get a thumbnail", () => {
    expect(hasThumbnail("image/png", 1000)).toBe(true);
    expect(hasThumbnail("image/jpeg", PREVIEW_MAX_BYTES)).toBe(true);
    expect(hasThumbnail("image/jpeg", PREVIEW_MAX_BYTES + 1)).toBe(false);
    expect(hasThumbnail("image/svg+xml", 1000)).toBe(false);
    expect(hasThumbnail("application/pdf", 1000)).toBe(false);
    expect(hasThumbnail("audio/mp4", 1000)).toBe(false);
  });

  test("no more than two thumbnails are asked for at once, in screen order", async () => {
    const { queue, asked, answer } = harness();
    queue.show(["a", "b", "c", "d"]);
    expect(asked, "two in flight, the top rows first").toEqual(["a", "b"]);
    await answer("a");
    expect(asked, "one finished, the next starts").toEqual(["a", "b", "c"]);
    expect(queue.url("a")).toBe("blob:a");
    await answer("b", null);
    await answer("c");
    await answer("d");
    expect(asked).toEqual(["a", "b", "c", "d"]);
    queue.show(["a", "b", "c", "d"]);
    expect(asked, "made and failed thumbnails are not asked for again").toHaveLength(4);
  });

  test("rows that leave the screen before their turn are never asked for", async () => {
    const { queue, asked, answer } = harness();
    queue.show(["a", "b", "c", "d"]);
    queue.show(["x", "y"]);
    await answer("a");
    await answer("b");
    expect(asked, "c and d scrolled away while waiting").toEqual(["a", "b", "x", "y"]);
  });

  test("the cache keeps the most recently used and revokes what it evicts", async () => {
    const { queue, revoked, answer } = harness(2);
    queue.show(["a", "b"]);
    await answer("a");
    await answer("b");
    expect(queue.url("a"), "a is used again, so b is now the oldest").toBe("blob:a");
    queue.show(["c"]);
    await answer("c");
    expect(revoked).toEqual(["blob:b"]);
    expect(queue.url("b")).toBeUndefined();
    expect(queue.size).toBe(2);
  });

  test("clearing (a lock) revokes every URL, and an answer that arrives later is revoked too", async () => {
    const { queue, revoked, answer } = harness();
    queue.show(["a", "b"]);
    await answer("a");
    queue.clear();
    expect(revoked).toEqual(["blob:a"]);
    await answer("b");
    expect(revoked, "the late answer is not kept").toEqual(["blob:a", "blob:b"]);
    expect(queue.size).toBe(0);
  });
});
