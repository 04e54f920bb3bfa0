import { describe, expect, test, vi } from "vitest";
import { throttled } from "../src/lib/activity";
import { detailLines } from "../src/lib/details";
import { base64ToBytes } from "../src/lib/bytes";

describe("small parts", () => {
  test("activity reaches the shell at most once per interval", () => {
    let now = 0;
    const send = vi.fn();
    const report = throttled(send, 20_000, () => now);
    report();
    now = 5_000;
    report();
    now = 19_999;
    report();
    expect(send).toHaveBeenCalledTimes(1);
    now = 20_000;
    report();
    expect(send).toHaveBeenCalledTimes(2);
  });

  test("event details read as key: value lines, whatever the JSON holds", () => {
    expect(detailLines('{"previous_sha256":"ab","size":5,"kdf":{"m":19456,"t":2},"gone":null}')).toEqual([
      { key: "previous sha256", value: "ab" },
      { key: "size", value: "5" },
      { key: "kdf", value: "m 19456, t 2" },
    ]);
    expect(detailLines("{}")).toEqual([]);
    expect(detailLines("not json")).toEqual([{ key: "", value: "not json" }]);
  });

  test("preview bytes are decoded exactly", () => {
    expect([...base64ToBytes("AP8QgA==")]).toEqual([0, 255, 16, 128]);
  });
});
