// Which screen is shown, and which record on it: the navigation on the left and the links between
// records (a person's interview, an interview's person) move through here. Locking goes back to the
// start, so no record stays open behind the unlock screen.
export const VIEWS = ["evidence", "people", "interviews", "incidents", "custody", "settings"] as const;
export type View = (typeof VIEWS)[number];

class NavStore {
  view = $state<View>("evidence");
  /** The person open on the People screen. */
  person = $state<string | null>(null);
  /** The interview open on the Interviews screen. */
  interview = $state<string | null>(null);
  incident = $state<string | null>(null);
  /** The New interview flow, when it runs; `person` when it starts from a known person. */
  newInterview = $state<{ person: string | null } | null>(null);

  /** Leaving for another screen by the navigation ends a New interview flow: each step saved its own
   * record, so nothing is half-made. */
  go(view: View): void {
    this.newInterview = null;
    this.view = view;
  }

  openPerson(id: string): void {
    this.person = id;
    this.view = "people";
  }

  openInterview(id: string): void {
    this.newInterview = null;
    this.interview = id;
    this.view = "interviews";
  }

  openIncident(id: string): void {
    this.incident = id;
    this.view = "incidents";
  }

  startInterview(person: string | null = null): void {
    this.newInterview = { person };
    this.view = "interviews";
  }

  clear(): void {
    this.view = "evidence";
    this.person = null;
    this.interview = null;
    this.incident = null;
    this.newInterview = null;
  }
}

export const nav = new NavStore();
