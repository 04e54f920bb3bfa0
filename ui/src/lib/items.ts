// The evidence list as plain functions over the column table the shell sends: one normalised search
// string per row (computed once per load), cached sort orders, and a filter that only scans those
// strings, so filtering 100k rows stays a few milliseconds.
import type { ItemTable } from "./bindings";

export const SORT_KEYS = ["added-desc", "added-asc", "name-asc", "name-desc", "size-desc", "size-asc"] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export interface ItemIndex {
  table: ItemTable;
  /** Per row: id, name and description, normalised, separated by a character no query contains. */
  search: string[];
  /** Sort orders already computed, by sort key and language (names sort by the reader's alphabet). */
  orders: Map<string, Uint32Array>;
}

const MARKS = /\p{M}/gu;
const TATWEEL = /\u0640/g;
const ALEF_MAKSURA = /\u0649/g;

/**
 * Case- and accent-insensitive form of `text`: "Témoignage" and "temoignage" match, and so do Arabic
 * words written with or without short vowels, hamza seats or tatweel.
 */
export function normalise(text: string): string {
  return text
    .toLowerCase()
    .normalize("NFD")
    .replace(MARKS, "")
    .replace(TATWEEL, "")
    .replace(ALEF_MAKSURA, "\u064a");
}

const SEPARATOR = "\u0000";

function searchText(table: ItemTable, row: number): string {
  return normalise(table.ids[row] + SEPARATOR + table.names[row] + SEPARATOR + table.descriptions[row]);
}

export function buildIndex(table: ItemTable): ItemIndex {
  const search = new Array<string>(table.ids.length);
  for (let row = 0; row < search.length; row++) search[row] = searchText(table, row);
  return { table, search, orders: new Map() };
}

/** Records a saved description in the loaded table, so the list and its search see it at once. */
export function updateDescription(index: ItemIndex, id: string, description: string): boolean {
  const row = index.table.ids.indexOf(id);
  if (row < 0) return false;
  index.table.descriptions[row] = description;
  index.search[row] = searchText(index.table, row);
  return true;
}

function ascending(index: ItemIndex, family: "added" | "name" | "size", lang: string): Uint32Array {
  const cacheKey = family === "name" ? `name:${lang}` : family;
  const cached = index.orders.get(cacheKey);
  if (cached) return cached;
  const { table } = index;
  const order = Array.from({ length: table.ids.length }, (_, i) => i);
  if (family === "added") {
    // RFC 3339 UTC times sort as text; the id breaks ties so the order is stable across loads.
    order.sort((a, b) => cmp(table.added_at[a], table.added_at[b]) || cmp(table.ids[a], table.ids[b]));
  } else if (family === "size") {
    order.sort((a, b) => table.sizes[a] - table.sizes[b] || cmp(table.ids[a], table.ids[b]));
  } else {
    const collator = new Intl.Collator(lang, { numeric: true, sensitivity: "base" });
    order.sort((a, b) => collator.compare(table.names[a], table.names[b]) || cmp(table.ids[a], table.ids[b]));
  }
  const result = Uint32Array.from(order);
  index.orders.set(cacheKey, result);
  return result;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Row numbers in the order `key` asks for. */
export function sortedOrder(index: ItemIndex, key: SortKey, lang: string): Uint32Array {
  const [family, direction] = key.split("-") as ["added" | "name" | "size", "asc" | "desc"];
  const up = ascending(index, family, lang);
  if (direction === "asc") return up;
  const cacheKey = `${key}:${lang}`;
  let down = index.orders.get(cacheKey);
  if (!down) {
    down = up.slice().reverse();
    index.orders.set(cacheKey, down);
  }
  return down;
}

/** The rows of `order` whose text contains every word of `query`, in the same order. */
export function filterRows(search: readonly string[], order: Uint32Array, query: string): Uint32Array {
  const words = normalise(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return order;
  const out = new Uint32Array(order.length);
  let count = 0;
  for (let i = 0; i < order.length; i++) {
    const row = order[i];
    const text = search[row];
    let matches = true;
    for (const word of words) {
      if (!text.includes(word)) {
        matches = false;
        break;
      }
    }
    if (matches) out[count++] = row;
  }
  return out.subarray(0, count);
}

export type MediaKind = "image" | "video" | "audio" | "pdf" | "text" | "file";

export function mediaKind(mediaType: string): MediaKind {
  if (mediaType === "application/pdf") return "pdf";
  const top = mediaType.split("/")[0];
  if (top === "image" || top === "video" || top === "audio" || top === "text") return top;
  return "file";
}
