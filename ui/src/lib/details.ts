// A custody event's details arrive as JSON text written by the vault. They are shown as plain
// "key: value" lines (never as HTML), and text that is not JSON is shown as it is.
export interface DetailLine {
  /** The key as the vault wrote it ("" for details that are not an object). */
  key: string;
  /** The value as written, for formatting by key (sizes, times). */
  raw: unknown;
  /** The value as plain text. */
  text: string;
}

export function detailLines(json: string): DetailLine[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return json.trim() ? [{ key: "", raw: json, text: json }] : [];
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    return [{ key: "", raw: parsed, text: show(parsed) }];
  }
  return Object.entries(parsed as Record<string, unknown>)
    .filter(([, value]) => value !== null && value !== "")
    .map(([key, value]) => ({ key, raw: value, text: show(value) }));
}

function show(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "object" && value !== null) {
    const entries = Array.isArray(value) ? value.map(show) : Object.entries(value).map(([k, v]) => `${k} ${show(v)}`);
    return entries.join(", ");
  }
  return String(value);
}
