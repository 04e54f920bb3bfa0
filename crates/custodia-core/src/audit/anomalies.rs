//! Anomalies worth a reviewer's look, found in one pass over the custody log: the clock going backwards,
//! long silences, a rollback accepted, bursts of identity reveals, do-no-harm warnings overridden, and
//! exports. None of them is an error by itself; each is a place where a lawyer or an auditor should read
//! the log around it. The scan keeps, per actor, only the reveals of the last hour, so it is linear in the
//! log's length.

use crate::custody::Action;
use crate::vocabulary::vocabulary;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use std::collections::{HashMap, VecDeque};

/// No event for more than this many days between two events is a long gap.
pub const LONG_GAP_DAYS: i64 = 30;
/// More than this many identity reveals by one actor within `BULK_REVEAL_WINDOW_SECONDS` is a bulk reveal.
pub const BULK_REVEALS: usize = 10;
pub const BULK_REVEAL_WINDOW_SECONDS: i64 = 3600;
/// The review lists at most this many anomalies, oldest first, and counts the rest.
pub const MAX_ANOMALIES: usize = 1000;

vocabulary! {
    /// What kind of place in the log is worth a look.
    pub enum AnomalyKind {
        /// The computer's clock read earlier than at the event before.
        ClockBackwards = "clock_backwards",
        /// No event for more than `LONG_GAP_DAYS` days.
        LongGap = "long_gap",
        /// The vault was opened from an older copy than this computer had seen, by the user's choice.
        RollbackAccepted = "rollback_accepted",
        /// More than `BULK_REVEALS` identities revealed by one actor within an hour.
        BulkReveal = "bulk_reveal",
        /// A do-no-harm warning was overridden with a justification.
        HarmOverridden = "harm_overridden",
        /// A bundle left the vault.
        Export = "export",
    }
}

/// One place in the log worth a look: its kind, the events concerned, and the numbers its sentence needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Anomaly {
    pub kind: AnomalyKind,
    /// The first event concerned.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub seq: u64,
    /// The last event concerned (`seq` when there is one).
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub last_seq: u64,
    /// The time of event `seq`, as the log records it.
    pub time: String,
    pub actor: String,
    /// What the event is about: a bundle id (export), a record (override).
    pub subject: Option<String>,
    /// The time before: the clock's earlier reading (clock going backwards), the last event before a gap.
    pub previous_time: Option<String>,
    /// Days of silence (long gap), identities revealed (bulk reveal), items in the bundle (export), events
    /// this computer had seen that the older copy lacks (rollback accepted); 0 otherwise.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub count: u64,
}

/// One event as the scan reads it. `details` only for the actions whose sentence needs them.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub seq: u64,
    pub time: String,
    pub actor: String,
    pub action: String,
    pub subject: Option<String>,
    pub details: Option<Value>,
}

/// The actions whose details the scan reads (SQL list).
pub(crate) const DETAILED_ACTIONS: &str = "'clock.anomaly', 'vault.rollback_accepted', 'bundle.exported'";

/// The last hour of one actor's reveals, and the burst under way.
#[derive(Default)]
struct Reveals {
    window: VecDeque<(u64, i64, String)>,
    burst: Option<Anomaly>,
}

/// The scan's state between events.
#[derive(Default)]
pub(crate) struct Scan {
    found: Vec<Anomaly>,
    previous: Option<(String, Option<i64>)>,
    /// The latest time seen so far: a gap is measured from it, so a clock put right is not a gap.
    latest: Option<(String, i64)>,
    reveals: HashMap<String, Reveals>,
}

fn seconds(time: &str) -> Option<i64> {
    DateTime::parse_from_rfc3339(time).ok().map(|t| t.with_timezone(&Utc).timestamp())
}

fn one(kind: AnomalyKind, row: &Row, count: u64) -> Anomaly {
    Anomaly {
        kind,
        seq: row.seq,
        last_seq: row.seq,
        time: row.time.clone(),
        actor: row.actor.clone(),
        subject: row.subject.clone(),
        previous_time: None,
        count,
    }
}

fn number(details: &Option<Value>, path: &[&str]) -> Option<u64> {
    path.iter().try_fold(details.as_ref()?, |v, key| v.get(key))?.as_u64()
}

impl Scan {
    pub fn push(&mut self, row: Row) {
        let at = seconds(&row.time);
        self.clock(&row, at);
        self.gap(&row, at);
        match Action::from_name(&row.action) {
            Some(Action::RollbackAccepted) => {
                let seen = number(&row.details, &["seen", "size"]).unwrap_or(0);
                let found = number(&row.details, &["found", "size"]).unwrap_or(0);
                self.found.push(one(AnomalyKind::RollbackAccepted, &row, seen.saturating_sub(found)));
            }
            Some(Action::HarmOverridden) => self.found.push(one(AnomalyKind::HarmOverridden, &row, 0)),
            Some(Action::BundleExported) => {
                let items = row.details.as_ref().and_then(|d| d.get("items")).and_then(Value::as_array);
                self.found.push(one(AnomalyKind::Export, &row, items.map_or(0, |i| i.len() as u64)));
            }
            Some(Action::PersonRevealed) => self.reveal(&row, at),
            _ => {}
        }
        self.previous = Some((row.time, at));
    }

    /// A `clock.anomaly` event, or an event whose time is earlier than the one before it.
    fn clock(&mut self, row: &Row, at: Option<i64>) {
        let Some((previous, previous_at)) = &self.previous else { return };
        let recorded = row.action == Action::ClockAnomaly.as_str();
        let earlier = match (at, previous_at) {
            (Some(at), Some(before)) => at < *before,
            _ => row.time < *previous,
        };
        if recorded || earlier {
            let said = row.details.as_ref().and_then(|d| d.get("previous_event_time")).and_then(Value::as_str);
            let mut anomaly = one(AnomalyKind::ClockBackwards, row, 0);
            anomaly.previous_time = Some(said.unwrap_or(previous).to_string());
            self.found.push(anomaly);
        }
    }

    fn gap(&mut self, row: &Row, at: Option<i64>) {
        let Some(at) = at else { return };
        if let Some((latest, latest_at)) = &self.latest {
            let silence = at - latest_at;
            if silence > LONG_GAP_DAYS * 86_400 {
                let mut anomaly = one(AnomalyKind::LongGap, row, (silence / 86_400) as u64);
                anomaly.previous_time = Some(latest.clone());
                self.found.push(anomaly);
            }
            if at <= *latest_at {
                return;
            }
        }
        self.latest = Some((row.time.clone(), at));
    }

    fn reveal(&mut self, row: &Row, at: Option<i64>) {
        let Some(at) = at else { return };
        let reveals = self.reveals.entry(row.actor.clone()).or_default();
        while reveals.window.front().is_some_and(|(_, t, _)| *t <= at - BULK_REVEAL_WINDOW_SECONDS) {
            reveals.window.pop_front();
        }
        reveals.window.push_back((row.seq, at, row.time.clone()));
        if reveals.window.len() <= BULK_REVEALS {
            if let Some(burst) = reveals.burst.take() {
                self.found.push(burst);
            }
            return;
        }
        match &mut reveals.burst {
            Some(burst) => {
                burst.last_seq = row.seq;
                burst.count += 1;
            }
            None => {
                let (seq, _, time) = reveals.window.front().cloned().unwrap_or((row.seq, at, row.time.clone()));
                let mut burst = one(AnomalyKind::BulkReveal, row, reveals.window.len() as u64);
                burst.subject = None;
                burst.seq = seq;
                burst.time = time;
                reveals.burst = Some(burst);
            }
        }
    }

    /// Every anomaly found, by first event, at most `MAX_ANOMALIES`, and how many more there were.
    pub fn finish(mut self) -> (Vec<Anomaly>, u64) {
        let bursts = self.reveals.into_values().filter_map(|r| r.burst);
        self.found.extend(bursts);
        // Stable: at one event, the clock and the gap come before what the event did.
        self.found.sort_by_key(|a| a.seq);
        let more = self.found.len().saturating_sub(MAX_ANOMALIES) as u64;
        self.found.truncate(MAX_ANOMALIES);
        (self.found, more)
    }
}

#[cfg(test)]
mod tests;
