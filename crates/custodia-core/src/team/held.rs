//! The tokens this vault holds from its teams' members, loaded once and kept by a `PersonChecker` between
//! live checks (reloaded when tokens or teams change), and the search of a person among them.

use super::clk::{self, Packed, TeamKeys};
use super::exchange::filters_of;
use super::secret_of;
use crate::error::Result;
use custodia_matching::{linkage_features, PersonRecord};
use rusqlite::Connection;

/// A token held from another member's vault.
#[derive(Debug, Clone)]
pub(crate) struct HeldToken {
    pub documenter: String,
    pub person: String,
    pub interviews: u32,
    pub last: Option<String>,
    pub filters: Packed,
}

/// One team's keys and the tokens held from its other members.
#[derive(Debug)]
pub(crate) struct TeamTokens {
    pub name: String,
    pub keys: TeamKeys,
    pub tokens: Vec<HeldToken>,
}

/// What changes when tokens or teams change: the count of changes kept in `team_changes`.
pub(crate) type Stamp = i64;

/// All the tokens held, by team.
#[derive(Debug)]
pub(crate) struct Held {
    pub stamp: Stamp,
    pub teams: Vec<TeamTokens>,
}

/// A member's person probably the same as the one checked.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TeamCandidate {
    pub team: String,
    pub documenter: String,
    pub person: String,
    pub interviews: u32,
    pub last: Option<String>,
    pub score: f64,
}

pub(crate) fn stamp(conn: &Connection) -> Result<Stamp> {
    Ok(conn.query_row("SELECT changes FROM team_changes WHERE only = 1", [], |r| r.get(0))?)
}

/// Reads every held token.
pub(crate) fn load(conn: &Connection) -> Result<Held> {
    let stamp = stamp(conn)?;
    let mut teams = Vec::new();
    let mut stmt = conn.prepare("SELECT id, name, secret FROM teams ORDER BY name")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, Vec<u8>>(2)?)))?;
    let mut tokens = conn.prepare(
        "SELECT documenter, person, interviews, last_interview, name_filter, other_filter FROM team_tokens
         WHERE team_id = ?1",
    )?;
    for row in rows {
        let (id, name, secret) = row?;
        let keys = TeamKeys::derive(&*secret_of(&id, secret)?);
        let mut held = Vec::new();
        let mut rows = tokens.query([&id])?;
        while let Some(r) = rows.next()? {
            let person: String = r.get(1)?;
            let filters = filters_of(&r.get::<_, Vec<u8>>(4)?, &r.get::<_, Vec<u8>>(5)?).ok_or_else(|| {
                crate::records::RecordError::Damaged { record: person.clone(), field: "team token", source: None }
            })?;
            let filters = Packed::from(&filters);
            held.push(HeldToken { documenter: r.get(0)?, person, interviews: r.get(2)?, last: r.get(3)?, filters });
        }
        teams.push(TeamTokens { name, keys, tokens: held });
    }
    Ok(Held { stamp, teams })
}

impl Held {
    /// Whether any token is held (no team, or no member's tokens yet, make the search free).
    pub(crate) fn is_empty(&self) -> bool {
        self.teams.iter().all(|t| t.tokens.is_empty())
    }

    /// The held tokens probably of `record`, strongest first, at most `max`.
    pub(crate) fn candidates(&self, record: &PersonRecord, max: usize) -> Vec<TeamCandidate> {
        if self.is_empty() {
            return Vec::new();
        }
        let features = linkage_features(record);
        let mut out = Vec::new();
        for team in &self.teams {
            let probe = Packed::from(&clk::encode(&team.keys, &features));
            for token in &team.tokens {
                if let Some(score) = clk::similarity(&probe, &token.filters) {
                    out.push(TeamCandidate {
                        team: team.name.clone(),
                        documenter: token.documenter.clone(),
                        person: token.person.clone(),
                        interviews: token.interviews,
                        last: token.last.clone(),
                        score,
                    });
                }
            }
        }
        out.sort_by(|a, b| {
            b.score.total_cmp(&a.score).then_with(|| (&a.documenter, &a.person).cmp(&(&b.documenter, &b.person)))
        });
        // One person of one member is reported once, whichever teams both vaults share.
        let mut seen = std::collections::HashSet::new();
        out.retain(|c| seen.insert((c.documenter.clone(), c.person.clone())));
        out.truncate(max);
        out
    }
}

/// A person of this vault probably the same as one a team member recorded.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TeamPair {
    /// This vault's person (pseudonym code).
    pub person: String,
    /// The member's person, as `D-…:P-…` (documenter code, pseudonym code).
    pub other: String,
    pub team: String,
    pub score: f64,
    /// The member's interviews of that person, and the date of the last.
    pub interviews: u32,
    pub last: Option<String>,
}

impl crate::vault::Vault {
    /// Every person of this vault probably recorded by a team member too, strongest first. Logged as a
    /// `harm.checked` listing (how many pairs, never which).
    pub fn team_duplicates(&self) -> Result<Vec<TeamPair>> {
        let held = load(&self.conn)?;
        let mut out = Vec::new();
        if !held.is_empty() {
            for record in crate::records::harm_facts::person_records(&self.conn)? {
                for c in held.candidates(&record, usize::MAX) {
                    out.push(TeamPair {
                        person: record.id.clone(),
                        other: format!("{}:{}", c.documenter, c.person),
                        team: c.team,
                        score: c.score,
                        interviews: c.interviews,
                        last: c.last,
                    });
                }
            }
        }
        out.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| (&a.person, &a.other).cmp(&(&b.person, &b.other))));
        crate::harm::probe::log_team_listing(&self.conn, &self.session, out.len())?;
        Ok(out)
    }
}
