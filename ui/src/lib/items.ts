// The evidence list as plain functions over the columns the shell streams: one normalised search
// string per row (computed as each chunk arrives), cached sort orders, and a filter that only scans
// those strings, so filtering 100k rows stays a few milliseconds.
import type { ItemChunk } from "./bindings";

/** The evidence list as the page keeps it, in columns; row 0 is the newest acquisition. */
export interface ItemTable {
  ids: string[];
  names: string[];
  sizes: number[];
  media_types: string[];
  added_at: string[];
  descriptions: string[];
}

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
const ASCII = /^\p{ASCII}*$/u;

/**
 * Case- and accent-insensitive form of `text`: "Témoignage" and "temoignage" match, and so do Arabic
 * words written with or without short vowels, hamza seats or tatweel.
 */
export function normalise(text: string): string {
  // Plain ASCII (most file names and ids) has no marks to strip: lower case is the whole work.
  if (ASCII.test(text)) return text.toLowerCase();
  return text.toLowerCase().normalize("NFD").replace(MARKS, "").replace(TATWEEL, "").replace(ALEF_MAKSURA, "\u064a");
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

export function emptyIndex(): ItemIndex {
  return buildIndex({ ids: [], names: [], sizes: [], media_types: [], added_at: [], descriptions: [] });
}

/** Adds a chunk's rows after those already in `index`, with their search text. */
export function appendChunk(index: ItemIndex, chunk: ItemChunk): void {
  const { table, search } = index;
  for (let k = 0; k < chunk.ids.length; k++) {
    table.ids.push(chunk.ids[k]);
    table.names.push(chunk.names[k]);
    table.sizes.push(chunk.sizes[k]);
    table.media_types.push(chunk.media_type_names[chunk.media_types[k]] ?? "");
    table.added_at.push(chunk.added_at[k]);
    table.descriptions.push(chunk.descriptions[k]);
    search.push(searchText(table, table.ids.length - 1));
  }
  index.orders.clear();
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
  const count = table.ids.length;
  if (family === "added") {
    // The shell sends the newest acquisition first (the custody order, which a clock set back cannot
    // change): the oldest first is that order reversed, with no sorting at all.
    const order = new Uint32Array(count);
    for (let i = 0; i < count; i++) order[i] = count - 1 - i;
    index.orders.set(cacheKey, order);
    return order;
  }
  const order = Array.from({ length: count }, (_, i) => i);
  if (family === "size") {
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
