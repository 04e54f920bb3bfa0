// Plain functions over persons, interviews and consent: form drafts to what the shell takes, and the
// short facts lists show. Nothing here asks the shell.
import type {
  ConsentDto,
  IdentityDto,
  InterviewDto,
  PersonDto,
  PersonEditDto,
  PersonInputDto,
  ReferralsDto,
} from "./bindings";

/** A person form as typed: other names one per line. */
export interface PersonDraft {
  reference: string;
  full_name: string;
  other_names: string;
  sex: string;
  birth_date: string;
  birth_place: string;
  residence: string;
  phone: string;
  id_number: string;
  minor: boolean;
  sgbv_survivor: boolean;
  notes: string;
}

export function emptyPerson(): PersonDraft {
  return {
    reference: "",
    full_name: "",
    other_names: "",
    sex: "",
    birth_date: "",
    birth_place: "",
    residence: "",
    phone: "",
    id_number: "",
    minor: false,
    sgbv_survivor: false,
    notes: "",
  };
}

export function lines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "");
}

export function personInput(d: PersonDraft): PersonInputDto {
  return {
    reference: d.reference.trim(),
    full_name: d.full_name,
    other_names: lines(d.other_names),
    sex: d.sex,
    birth_date: d.birth_date.trim(),
    birth_place: d.birth_place,
    residence: d.residence,
    phone: d.phone.trim(),
    id_number: d.id_number,
    minor: d.minor,
    sgbv_survivor: d.sgbv_survivor,
    notes: d.notes,
  };
}

export function personEdit(d: PersonDraft): PersonEditDto {
  const { reference: _reference, ...input } = personInput(d);
  return input;
}

export function draftOf(person: PersonDto, identity: IdentityDto): PersonDraft {
  return {
    reference: person.reference ?? "",
    full_name: identity.full_name,
    other_names: identity.other_names.join("\n"),
    sex: person.sex ?? "",
    birth_date: identity.birth_date,
    birth_place: identity.birth_place,
    residence: identity.residence,
    phone: identity.phone,
    id_number: identity.id_number,
    minor: person.minor,
    sgbv_survivor: person.sgbv_survivor,
    notes: identity.notes,
  };
}

/** A person needs extra care: a minor, or a survivor of sexual or gender-based violence. */
export function needsCare(person: PersonDto): boolean {
  return person.minor || person.sgbv_survivor;
}

/** The consent in force: the latest record. */
export function consentInForce(consents: readonly ConsentDto[]): ConsentDto | null {
  return consents.length === 0 ? null : consents.reduce((a, b) => (b.seq > a.seq ? b : a));
}

export const REFERRAL_KINDS = ["psychosocial", "medical", "legal"] as const;
export type ReferralKind = (typeof REFERRAL_KINDS)[number];

/** The referral kinds not recorded yet. */
export function missingReferrals(referrals: ReferralsDto): ReferralKind[] {
  return REFERRAL_KINDS.filter((kind) => referrals[kind] === null);
}

/** Lists filter by code, reference, date or interviewer: never by anything a reveal protects. */
export function matches(text: string, ...fields: Array<string | null | undefined>): boolean {
  const query = text.trim().toLowerCase();
  return query === "" || fields.some((f) => f?.toLowerCase().includes(query));
}

export function interviewMatches(interview: InterviewDto, query: string): boolean {
  return matches(query, interview.id, interview.person, interview.date, interview.place, ...interview.interviewers);
}

/** How many rows a record list shows at once: narrowing by code finds the rest. */
export const LIST_LIMIT = 200;
