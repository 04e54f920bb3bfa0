//! Command-line syntax of the records and do-no-harm commands: person, interview, interviewer, consent,
//! incident, review, rules.

use clap::{Args, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum PersonCommand {
    Add(Box<PersonAdd>),
    Import {
        #[arg(value_name = "FILE.csv")]
        file: PathBuf,
    },
    Duplicates {
        #[arg(long, value_name = "X", conflicts_with = "team")]
        threshold: Option<f64>,
        #[arg(long)]
        team: bool,
    },
    List,
    Show {
        id: String,
        #[arg(long)]
        reveal: bool,
    },
    Edit(Box<PersonEditArgs>),
}

/// The fields to change; the others stay as they are. An empty value clears a field.
#[derive(Debug, Args)]
pub struct PersonEditArgs {
    pub id: String,
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    #[arg(long, value_name = "NAMES")]
    pub other_names: Option<Vec<String>>,
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
    #[arg(long, value_name = "NAME")]
    pub name: String,
    #[arg(long, value_name = "NAMES")]
    pub other_names: Vec<String>,
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
    #[arg(long = "ref", value_name = "REF")]
    pub reference: Option<String>,
    #[arg(long)]
    pub minor: bool,
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
    #[arg(long, value_name = "TEXT")]
    pub justification: Option<String>,
    #[arg(long)]
    pub check: bool,
}

#[derive(Debug, Subcommand)]
pub enum InterviewCommand {
    Add(Box<InterviewAdd>),
    Show {
        id: String,
        #[arg(long)]
        text: bool,
    },
    Referral {
        id: String,
        #[arg(value_name = "psychosocial|medical|legal")]
        kind: String,
        #[arg(value_name = "made|declined")]
        value: String,
    },
    Complete {
        id: String,
    },
    List {
        #[arg(long, value_name = "ID")]
        person: Option<String>,
    },
    Edit(Box<InterviewEditArgs>),
}

/// The fields to change; the others stay as they are.
#[derive(Debug, Args)]
pub struct InterviewEditArgs {
    pub id: String,
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
    #[arg(long, value_name = "PLACE")]
    pub place: Option<String>,
    #[arg(long, value_name = "LANGUAGE")]
    pub language: Option<String>,
    #[arg(long, value_name = "NAME")]
    pub interpreter: Option<String>,
    #[arg(long, value_name = "FILE")]
    pub transcript_file: Option<PathBuf>,
    #[arg(long, value_name = "TEXT")]
    pub summary: Option<String>,
    #[arg(long, value_name = "TEXT")]
    pub justification: Option<String>,
}

#[derive(Debug, Args)]
pub struct InterviewAdd {
    #[arg(long, value_name = "ID")]
    pub person: String,
    #[arg(long = "interviewer", value_name = "NAME", required = true)]
    pub interviewers: Vec<String>,
    #[arg(long, value_name = "DATE")]
    pub date: String,
    #[arg(long, value_name = "PLACE", default_value = "")]
    pub place: String,
    #[arg(long, value_name = "LANGUAGE", default_value = "")]
    pub language: String,
    #[arg(long, value_name = "NAME", default_value = "")]
    pub interpreter: String,
    #[arg(long, value_name = "FILE")]
    pub transcript_file: Option<PathBuf>,
    #[arg(long, value_name = "TEXT", default_value = "")]
    pub summary: String,
    #[arg(long = "document", value_name = "ITEM")]
    pub documents: Vec<String>,
    #[arg(long = "incident", value_name = "INCIDENT")]
    pub incidents: Vec<String>,
    #[command(flatten)]
    pub decision: Decision,
}

#[derive(Debug, Subcommand)]
pub enum InterviewerCommand {
    Set {
        name: String,
        #[arg(long, value_name = "true|false", action = clap::ArgAction::Set)]
        trained: bool,
    },
    List,
}

#[derive(Debug, Subcommand)]
pub enum ConsentCommand {
    Record {
        #[arg(long, value_name = "ID")]
        person: String,
        #[arg(long, value_name = "given|refused")]
        status: String,
        #[arg(long, value_name = "DATE")]
        date: String,
        #[arg(long, value_name = "oral|written")]
        method: String,
        #[arg(long, value_name = "ITEM")]
        scan: Option<String>,
        #[arg(long = "scope", value_name = "KIND[:identity]")]
        scopes: Vec<String>,
        #[arg(long, value_name = "ID")]
        interview: Option<String>,
    },
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
    Add {
        #[arg(long, value_name = "KIND")]
        kind: String,
        #[arg(long, value_name = "DATE", default_value = "")]
        from: String,
        #[arg(long, value_name = "DATE", default_value = "")]
        to: String,
        #[arg(long, value_name = "PLACE", default_value = "")]
        place: String,
        #[arg(long, value_name = "TEXT", default_value = "")]
        description: String,
        #[arg(long = "link", value_name = "ID")]
        links: Vec<String>,
    },
    List,
    Show {
        id: String,
    },
    Link {
        id: String,
        #[arg(required = true, value_name = "ID")]
        targets: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ReviewCommand {
    Same { a: String, b: String },
    Different { a: String, b: String },
}

/// Show the do-no-harm settings, or change them.
#[derive(Debug, Args)]
pub struct RulesArgs {
    #[arg(long, value_name = "X")]
    pub duplicate_threshold: Option<f64>,
    #[arg(long, value_name = "DAYS")]
    pub cooldown_days: Option<u32>,
    #[arg(long, value_name = "N")]
    pub max_interviews: Option<u32>,
    #[arg(long, value_name = "X")]
    pub testimony_similarity: Option<f64>,
}
