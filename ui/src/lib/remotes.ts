// Words for off-site copies: the kind of storage, and each problem a check of a copy names.
import type { RemoteKind, RemoteProblemDto } from "./bindings";
import { isolate, t, type Params } from "./i18n/index.svelte";

export function kindLabel(kind: RemoteKind | null): string {
  return kind ? t(`remoteKind.${kind}`) : t("remoteKind.unknown");
}

/** A problem of a copy in the reader's language: numbers as they are, paths isolated. The core's
 * explanation of a log that does not continue the copy (English) stays in the message's detail. */
export function remoteProblemText({ found }: RemoteProblemDto): string {
  const params: Params = {};
  for (const [name, value] of Object.entries(found)) {
    if (typeof value === "number") params[name] = value;
    else if (name === "path") params[name] = isolate(value);
  }
  return t(`remoteProblem.${found.problem}`, params);
}
