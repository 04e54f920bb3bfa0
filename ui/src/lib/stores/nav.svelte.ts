// Which screen is shown, and which record on it: the navigation on the left and the links between
// records (a person's interview, an interview's person) move through here. Locking goes back to the
// start, so no record stays open behind the unlock screen.
export const VIEWS = [
  "evidence",
  "people",
  "interviews",
  "incidents",
  "custody",
  "custodyReview",
  "export",
  "receive",
  "settings",
] as const;
export type View = (typeof VIEWS)[number];

/** What an export starts with when it is opened from an item, an interview or an incident. */
export interface ExportStart {
  items: string[];
  interviews: string[];
  incident: string | null;
}

/** What the custody log opens narrowed to, when it is opened from the custody review. */
export interface LogStart {
  item: string;
  from: string;
  to: string;
}

class NavStore {
  view = $state<View>("evidence");
  /** The person open on the People screen. */
  person = $state<string | null>(null);
  /** The interview open on the Interviews screen. */
  interview = $state<string | null>(null);
  incident = $state<string | null>(null);
  /** The New interview flow, when it runs; `person` when it starts from a known person. */
  newInterview = $state<{ person: string | null } | null>(null);
  /** The export wizard's first choice; a new start restarts the wizard (`exportRun` changes). */
  exportStart = $state<ExportStart>({ items: [], interviews: [], incident: null });
  exportRun = $state(0);
  /** The custody log's filters when it is opened from an anomaly of the review; taken once. */
  custodyStart = $state<LogStart | null>(null);
  /** The Open bundle screen reached from the unlock or first-run screen, by someone with no vault open. */
  receiveOutside = $state(false);
  /** The first-run screen's "Restore from an off-site copy" is open. */
  restoreFirstRun = $state(false);

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

  openCustody(start: LogStart): void {
    this.custodyStart = start;
    this.view = "custody";
  }

  startInterview(person: string | null = null): void {
    this.newInterview = { person };
    this.view = "interviews";
  }

  startExport(start: Partial<ExportStart>): void {
    this.exportStart = { items: [], interviews: [], incident: null, ...start };
    this.exportRun += 1;
    this.newInterview = null;
    this.view = "export";
  }

  clear(): void {
    this.view = "evidence";
    this.person = null;
    this.interview = null;
    this.incident = null;
    this.newInterview = null;
    this.exportStart = { items: [], interviews: [], incident: null };
    this.receiveOutside = false;
    this.restoreFirstRun = false;
    this.custodyStart = null;
  }
}

export const nav = new NavStore();
