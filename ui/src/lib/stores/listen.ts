// While the vault is open, the shell's progress events feed the job and verification stores.
import { events } from "../api";
import { jobs } from "./jobs.svelte";
import { verify } from "./verify.svelte";

export async function listenToWork(): Promise<() => void> {
  const unlisteners = await Promise.all([
    events.jobProgress.listen((e) => jobs.progress(e.payload)),
    events.fileAdded.listen((e) => jobs.fileAdded(e.payload)),
    events.fileFailed.listen((e) => jobs.fileFailed(e.payload)),
    events.jobFinished.listen((e) => jobs.finished(e.payload)),
    events.verifyProgress.listen((e) => verify.progress(e.payload)),
    events.verifyFinished.listen((e) => verify.finished(e.payload)),
  ]);
  return () => unlisteners.forEach((unlisten) => unlisten());
}
