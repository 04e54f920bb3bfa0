// The person, interview and incident lists while the vault is open, and the number of suspected
// duplicate pairs waiting for review. They hold pseudonym codes and non-identifying facts only; locking
// clears them.
import { call, commands, type IpcError } from "../api";
import type { IncidentDto, InterviewDto, PersonDto } from "../bindings";

class RecordsStore {
  persons = $state.raw<PersonDto[] | null>(null);
  interviews = $state.raw<InterviewDto[] | null>(null);
  incidents = $state.raw<IncidentDto[] | null>(null);
  /** Suspected duplicate pairs not reviewed yet; null until asked. */
  pairs = $state<number | null>(null);
  error = $state.raw<IpcError | null>(null);

  async loadPersons(): Promise<void> {
    const result = await call(() => commands.listPersons());
    if (result.status === "ok") this.persons = result.data;
    this.error = result.status === "error" ? result.error : null;
  }

  async loadInterviews(): Promise<void> {
    const result = await call(() => commands.listInterviews());
    if (result.status === "ok") this.interviews = result.data;
    this.error = result.status === "error" ? result.error : null;
  }

  async loadIncidents(): Promise<void> {
    const result = await call(() => commands.listIncidents());
    if (result.status === "ok") this.incidents = result.data;
    this.error = result.status === "error" ? result.error : null;
  }

  /** After a person, interview or consent changed: the lists on other screens are stale. */
  changed(): void {
    void this.loadPersons();
    void this.loadInterviews();
  }

  clear(): void {
    this.persons = null;
    this.interviews = null;
    this.incidents = null;
    this.pairs = null;
    this.error = null;
  }
}

export const records = new RecordsStore();
