import { describe, expect, test, vi } from "vitest";
import { throttled } from "../src/lib/activity";
import { detailLines } from "../src/lib/details";
import { detailLabel, detailValue } from "../src/lib/custody";
import { base64ToBytes } from "../src/lib/bytes";

describe("small parts", () => {
  test("activity reaches the shell at most once per interval, and the last of it at the interval's end", () => {
    let now = 0;
    const send = vi.fn();
    const later: Array<[() => void, number]> = [];
    const report = throttled(
      send,
      20_000,
      () => now,
      (run, delay) => later.push([run, delay]),
    );
    report();
    expect(send).toHaveBeenCalledTimes(1);
    now = 5_000;
    report();
    now = 19_000;
    report();
    // Activity after a report is not dropped: one report is due when the interval ends.
    expect(send).toHaveBeenCalledTimes(1);
    expect(later.map(([, delay]) => delay)).toEqual([15_000]);
    now = 20_000;
    later[0][0]();
    expect(send).toHaveBeenCalledTimes(2);
    // Quiet since: nothing more is sent or scheduled.
    expect(later).toHaveLength(1);
    now = 45_000;
    report();
    expect(send).toHaveBeenCalledTimes(3);
  });

  test("event details read as key: value lines, whatever the JSON holds", () => {
    const lines = detailLines('{"previous_sha256":"ab","size":1500,"kdf":{"m":19456,"t":2},"gone":null,"new_key":1}');
    expect(lines.map((l) => [detailLabel(l.key), detailValue(l)])).toEqual([
      ["SHA-256 of the old value", "ab"],
      ["Size", "1.5 kB"],
      ["Key settings", "m 19456, t 2"],
      ["new key", "1"],
    ]);
    const edit = detailLines('{"field":"source","value":"Handed over","kind":"recovery","items":1200}');
    expect(edit.map((l) => [detailLabel(l.key), detailValue(l)])).toEqual([
      ["Changed", "Source"],
      ["New value", "Handed over"],
      ["Kind", "Recovery key"],
      ["Items", "1,200"],
    ]);
    // No raw values: booleans, media types and consent methods in words.
    const raw = detailLines('{"ok":true,"trained":false,"media_type":"text/plain","method":"written"}');
    expect(raw.map((l) => detailValue(l))).toEqual([
      "Yes",
      "No",
      "Text (\u2068text/plain\u2069)",
      "Written, on a signed form",
    ]);
    expect(detailLines("{}")).toEqual([]);
    expect(detailLines("not json")).toEqual([{ key: "", raw: "not json", text: "not json" }]);
  });

  test("preview bytes are decoded exactly", () => {
    expect([...base64ToBytes("AP8QgA==")]).toEqual([0, 255, 16, 128]);
  });
});
