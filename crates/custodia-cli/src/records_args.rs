//! Command-line syntax of the records and do-no-harm commands: person, interview, interviewer, consent,
//! incident, review, rules.

use clap::{Args, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum PersonCommand {
    /// Check a new interviewee against the vault, print the findings, and save unless a warning stands
    Add(Box<PersonAdd>),
    /// Import persons from CSV (ref,full_name,other_names,sex,birth_date,birth_place,residence,phone,id_number); all rows or none
    Import {
        #[arg(value_name = "FILE.csv")]
        file: PathBuf,
    },
    /// Print each suspected pair of persons who are probably one person
    Duplicates {
        /// Match score from which a pair is printed (0.5 to 1) [default: the vault's setting]
        #[arg(long, value_name = "X")]
        threshold: Option<f64>,
    },
    /// List persons by pseudonym code (no names)
    List,
    /// Show a person, their interviews and consent; --reveal also shows the identity (logged)
    Show {
        id: String,
        /// Show names, birth date, places, phone and id number (a custody event)
        #[arg(long)]
        reveal: bool,
    },
    /// Correct a person's fields; each previous value is kept in the history (the findings the new values
    /// raise are printed; they do not stop a correction)
    Edit(Box<PersonEditArgs>),
}

/// The fields to change; the others stay as they are. An empty value clears a field.
#[derive(Debug, Args)]
pub struct PersonEditArgs {
    /// Pseudonym code or external reference
    pub id: String,
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// The complete new list of other names or spellings, separated by `;` (or the option repeated)
    #[arg(long, value_name = "NAMES")]
    pub other_names: Option<Vec<String>>,
    /// M, F, or empty to clear
    #[arg(long, value_name = "M|F")]
    pub sex: Option<String>,
    #[arg(long, value_name = "DATE")]
    pub birth_date: Option<String>,
    #[arg(long, value_name = "PLACE")]
    pub birth_place: Option<String>,
    #[arg(long, value_name = "PLACE")]
    pub residence: Option<String>,
    #[arg(long, value_name = "PHONE")]
    pub phone: Option<String>,
    #[arg(long, value_name = "NUMBER")]
    pub id_number: Option<String>,
    #[arg(long, value_name = "true|false", action = clap::ArgAction::Set)]
    pub minor: Option<bool>,
    #[arg(long, value_name = "true|false", action = clap::ArgAction::Set)]
    pub sgbv: Option<bool>,
    #[arg(long, value_name = "TEXT")]
    pub notes: Option<String>,
}

#[derive(Debug, Args)]
pub struct PersonAdd {
    /// Full name as the person gives it
    #[arg(long, value_name = "NAME")]
    pub name: String,
    /// Other names or spellings, separated by `;` (or give the option several times)
    #[arg(long, value_name = "NAMES")]
    pub other_names: Vec<String>,
    /// M or F
    #[arg(long, value_name = "M|F")]
    pub sex: Option<String>,
    /// YYYY-MM-DD, YYYY-MM, YYYY or DD/MM/YYYY
    #[arg(long, value_name = "DATE")]
    pub birth_date: Option<String>,
    #[arg(long, value_name = "PLACE")]
    pub birth_place: Option<String>,
    #[arg(long, value_name = "PLACE")]
    pub residence: Option<String>,
    #[arg(long, value_name = "PHONE")]
    pub phone: Option<String>,
    /// Identity or registration number
    #[arg(long, value_name = "NUMBER")]
    pub id_number: Option<String>,
    /// External reference (another register's id)
    #[arg(long = "ref", value_name = "REF")]
    pub reference: Option<String>,
    /// A minor at the time of interview
    #[arg(long)]
    pub minor: bool,
    /// A survivor of sexual or gender-based violence
    #[arg(long)]
    pub sgbv: bool,
    #[arg(long, value_name = "TEXT")]
    pub notes: Option<String>,
    #[command(flatten)]
    pub decision: Decision,
}

/// How to proceed past the findings.
#[derive(Debug, Args)]
pub struct Decision {
    /// Why it is right to go ahead despite the warnings (your own words; kept in the custody log)
    #[arg(long, value_name = "TEXT")]
    pub justification: Option<String>,
    /// Only print the findings; save nothing
    #[arg(long)]
    pub check: bool,
}

#[derive(Debug, Subcommand)]
pub enum InterviewCommand {
    /// Check a new interview, print the findings, and save it as a draft unless a warning stands
    Add(Box<InterviewAdd>),
    /// Show an interview; --text also prints the transcript and summary (logged)
    Show {
        id: String,
        #[arg(long)]
        text: bool,
    },
    /// Record whether a referral was made or declined
    Referral {
        id: String,
        #[arg(value_name = "psychosocial|medical|legal")]
        kind: String,
        #[arg(value_name = "made|declined")]
        value: String,
    },
    /// Mark an interview complete (needs consent recorded; for minors and survivors, every referral recorded)
    Complete { id: String },
    /// List interviews, newest first (no transcripts)
    List {
        /// Only this person's interviews (pseudonym code or external reference)
        #[arg(long, value_name = "ID")]
        person: Option<String>,
    },
    /// Change an interview's fields; previous values are kept in the history, and a new date or
    /// transcript is checked again by the rules
    Edit(Box<InterviewEditArgs>),
}

/// The fields to change; the others stay as they are.
#[derive(Debug, Args)]
pub struct InterviewEditArgs {
    pub id: String,
    /// YYYY-MM-DD
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
    #[arg(long, value_name = "PLACE")]
    pub place: Option<String>,
    #[arg(long, value_name = "LANGUAGE")]
    pub language: Option<String>,
    #[arg(long, value_name = "NAME")]
    pub interpreter: Option<String>,
    /// A UTF-8 text file holding the new transcript
    #[arg(long, value_name = "FILE")]
    pub transcript_file: Option<PathBuf>,
    #[arg(long, value_name = "TEXT")]
    pub summary: Option<String>,
    /// Why it is right to go ahead despite the warnings (your own words; kept in the custody log)
    #[arg(long, value_name = "TEXT")]
    pub justification: Option<String>,
}

#[derive(Debug, Args)]
pub struct InterviewAdd {
    /// The interviewee: pseudonym code or external reference
    #[arg(long, value_name = "ID")]
    pub person: String,
    /// Who interviews (give the option once per interviewer)
    #[arg(long = "interviewer", value_name = "NAME", required = true)]
    pub interviewers: Vec<String>,
    /// YYYY-MM-DD
    #[arg(long, value_name = "DATE")]
    pub date: String,
    #[arg(long, value_name = "PLACE", default_value = "")]
    pub place: String,
    #[arg(long, value_name = "LANGUAGE", default_value = "")]
    pub language: String,
    #[arg(long, value_name = "NAME", default_value = "")]
    pub interpreter: String,
    /// A UTF-8 text file holding the transcript
    #[arg(long, value_name = "FILE")]
    pub transcript_file: Option<PathBuf>,
    #[arg(long, value_name = "TEXT", default_value = "")]
    pub summary: String,
    /// A linked evidence item (recording, scan, photo); repeatable
    #[arg(long = "document", value_name = "ITEM")]
    pub documents: Vec<String>,
    /// A linked incident; repeatable
    #[arg(long = "incident", value_name = "INCIDENT")]
    pub incidents: Vec<String>,
    #[command(flatten)]
    pub decision: Decision,
}

#[derive(Debug, Subcommand)]
pub enum InterviewerCommand {
    /// Record whether an interviewer is trained to interview minors and survivors of sexual violence
    Set {
        name: String,
        #[arg(long, value_name = "true|false", action = clap::ArgAction::Set)]
        trained: bool,
    },
    /// List interviewers
    List,
}

#[derive(Debug, Subcommand)]
pub enum ConsentCommand {
    /// Record consent given or refused (it supersedes earlier records, which are kept)
    Record {
        #[arg(long, value_name = "ID")]
        person: String,
        #[arg(long, value_name = "given|refused")]
        status: String,
        /// YYYY-MM-DD
        #[arg(long, value_name = "DATE")]
        date: String,
        #[arg(long, value_name = "oral|written")]
        method: String,
        /// The scan of the signed form (an item id); required for written consent
        #[arg(long, value_name = "ITEM")]
        scan: Option<String>,
        /// A recipient kind the consent covers, with `:identity` when names may be disclosed to it
        /// (icc, un_mechanism, national_prosecutor, partner_ngo, media, public_report); repeatable
        #[arg(long = "scope", value_name = "KIND[:identity]")]
        scopes: Vec<String>,
        /// The interview during which consent was asked
        #[arg(long, value_name = "ID")]
        interview: Option<String>,
    },
    /// Withdraw consent (a new record; the history is kept)
    Withdraw {
        #[arg(long, value_name = "ID")]
        person: String,
        #[arg(long, value_name = "DATE")]
        date: String,
        #[arg(long, value_name = "oral|written", default_value = "oral")]
        method: String,
        #[arg(long, value_name = "ITEM")]
        scan: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum IncidentCommand {
    /// Record an incident
    Add {
        /// killing, torture, sexual_violence, enforced_disappearance, forced_displacement,
        /// destruction_of_property, other
        #[arg(long, value_name = "KIND")]
        kind: String,
        /// YYYY-MM-DD (the day, or the start of a range)
        #[arg(long, value_name = "DATE", default_value = "")]
        from: String,
        /// YYYY-MM-DD, the end of a range
        #[arg(long, value_name = "DATE", default_value = "")]
        to: String,
        #[arg(long, value_name = "PLACE", default_value = "")]
        place: String,
        #[arg(long, value_name = "TEXT", default_value = "")]
        description: String,
        /// An interview or evidence item that speaks of it; repeatable
        #[arg(long = "link", value_name = "ID")]
        links: Vec<String>,
    },
    /// List incidents, oldest first
    List,
    /// Show an incident with its linked interviews and documents
    Show { id: String },
    /// Link interviews or evidence items to an incident
    Link {
        id: String,
        /// Interview (T-…) or item (E-…) ids
        #[arg(required = true, value_name = "ID")]
        targets: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ReviewCommand {
    /// A and B are one person: B is merged into A (both records and histories are kept)
    Same { a: String, b: String },
    /// A and B are different people: never flag them again
    Different { a: String, b: String },
}

/// Show the do-no-harm settings, or change them.
#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Person-match score from which two persons are probably one (0.5 to 1)
    #[arg(long, value_name = "X")]
    pub duplicate_threshold: Option<f64>,
    /// Days after an interview during which another one is a warning
    #[arg(long, value_name = "DAYS")]
    pub cooldown_days: Option<u32>,
    /// Interviews after which another one is a warning
    #[arg(long, value_name = "N")]
    pub max_interviews: Option<u32>,
    /// Transcript similarity from which two testimonies are near-duplicates (0.45 to 1)
    #[arg(long, value_name = "X")]
    pub testimony_similarity: Option<f64>,
}
