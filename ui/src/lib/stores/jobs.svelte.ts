// Files being added (from the picker or dropped on the window: the shell starts both, so a job may be
// first heard of through its events), copies being saved, and the messages they leave behind.
import { call, callPlain, commands } from "../api";
import type { FileAdded, FileFailed, JobFinished, JobProgress } from "../bindings";
import { isolate, t, tn } from "../i18n/index.svelte";
import { errorText } from "../errors";
import { fromError, type Feedback } from "../feedback";

export interface Job {
  id: number;
  /** "add" (files coming in) or "save" (a copy going out). */
  kind: string;
  fileName: string;
  fileIndex: number;
  fileCount: number;
  done: number;
  total: number;
  cancelling: boolean;
}

export type NoticeKind = "info" | "duplicate" | "error";

export interface Notice {
  id: number;
  kind: NoticeKind;
  feedback: Feedback;
}

/** Older messages are dropped past this many: a long import must not grow the page without end. */
const MAX_NOTICES = 20;

class JobsStore {
  jobs = $state<Job[]>([]);
  notices = $state<Notice[]>([]);
  private nextNotice = 1;
  private elsewhere = new Set<number>();
  /** Called after a job added files, to reload the list. */
  onItemsChanged: () => void = () => {};

  /** True while the shell's file picker is open, so a second click does not open another. */
  picking = $state(false);

  async addFiles(): Promise<void> {
    if (this.picking) return;
    this.picking = true;
    const result = await call(() => commands.addFiles(t("dialog.addFiles")));
    this.picking = false;
    if (result.status === "error") this.notify("error", fromError(result.error));
  }

  async cancel(jobId: number): Promise<void> {
    const job = this.jobs.find((j) => j.id === jobId);
    if (job) job.cancelling = true;
    await callPlain(() => commands.cancelJob(jobId));
  }

  progress(event: JobProgress): void {
    // Exports and bundle checks are shown by their own screens (`TrackedJob`), not in this list.
    if (event.kind !== "add" && event.kind !== "save") {
      this.elsewhere.add(event.job_id);
      return;
    }
    const job = this.jobs.find((j) => j.id === event.job_id);
    const fields = {
      kind: event.kind,
      fileName: event.file_name,
      fileIndex: event.file_index,
      fileCount: event.file_count,
      done: event.done,
      total: event.total,
    };
    if (job) Object.assign(job, fields);
    else this.jobs.push({ id: event.job_id, cancelling: false, ...fields });
  }

  fileAdded(event: FileAdded): void {
    const earlier = event.item.duplicate_of ?? (event.already_stored ? event.item.id : null);
    if (earlier !== null) {
      const params = { name: isolate(event.file_name), id: isolate(earlier) };
      this.notify("duplicate", { tone: "warn", text: () => t("notice.duplicate", params) });
    }
  }

  fileFailed(event: FileFailed): void {
    const { file_name: name, error } = event;
    this.notify("error", {
      ...fromError(error),
      text: () => t("notice.fileFailed", { name: isolate(name), reason: errorText(error) }),
    });
  }

  finished(event: JobFinished): void {
    if (this.elsewhere.delete(event.job_id)) return;
    const saving = this.jobs.find((j) => j.id === event.job_id)?.kind === "save";
    this.jobs = this.jobs.filter((j) => j.id !== event.job_id);
    const { added, failed } = event;
    const stopped = saving ? "notice.saveCancelled" : "notice.cancelled";
    if (event.cancelled) this.notify("info", { tone: "info", text: () => t(stopped) });
    else if (added > 0) this.notify("info", { tone: "ok", text: () => tn("notice.added", added) });
    if (failed > 0) this.notify("error", { tone: "error", text: () => tn("notice.notAdded", failed) });
    if (added > 0) this.onItemsChanged();
  }

  notify(kind: NoticeKind, feedback: Feedback): void {
    this.notices = [...this.notices, { id: this.nextNotice++, kind, feedback }].slice(-MAX_NOTICES);
  }

  dismiss(id: number): void {
    this.notices = this.notices.filter((n) => n.id !== id);
  }

  clear(): void {
    this.jobs = [];
    this.notices = [];
  }
}

export const jobs = new JobsStore();
