//! Token files: what a vault publishes to its team, and how it takes in the others'. A token file is one
//! line of JSON (the team's public id and secret number, the documenter code, and per person the
//! pseudonym code, the number of interviews, the date of the last and the two filters of `clk`) and one
//! line with its HMAC-SHA256 under a key derived from the team secret. The MAC is checked, in constant
//! time, before the JSON is parsed: a file from outside the team, or changed on the way, is refused whole.
//!
//! What a token file tells a reader without the team secret: how many persons a documenter holds, their
//! codes, how often and when they were last interviewed. The filters cannot be computed without the secret.

use super::clk::{self, Filters, TeamKeys, NAME_BYTES, OTHER_BYTES};
use super::{io_error, is_code, stored_team, stored_team_by_id, TeamError};
use crate::custody::{self, Action};
use crate::error::Result;
use crate::keys::secret_text::read_bounded;
use crate::vault::Vault;
use base64::Engine;
use custodia_matching::linkage_features;
use hmac::{Hmac, Mac};
use rusqlite::params;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::Sha256;
use std::path::Path;

const FORMAT: &str = "custodia-team-tokens";
/// Tokens of one documenter in one file: more persons than any documentation project records.
pub const MAX_TOKENS: usize = 1_000_000;
/// About 230 bytes a token: a million tokens and the MAC line.
const MAX_FILE_BYTES: usize = 256 * 1024 * 1024;
/// More interviews of one person than this is not a number a vault can hold.
const MAX_INTERVIEWS: u32 = 100_000;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Body {
    format: String,
    version: u32,
    team: String,
    epoch: u32,
    documenter: String,
    made_at: String,
    tokens: Vec<Token>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Token {
    person: String,
    interviews: u32,
    last: Option<String>,
    name: String,
    other: String,
}

/// A token file written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokensExported {
    pub team: String,
    pub documenter: String,
    pub tokens: usize,
}

/// A token file taken in: it replaced whatever this vault held from that documenter in that team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokensAdded {
    pub team: String,
    pub documenter: String,
    pub tokens: usize,
}

fn mac(keys: &TeamKeys, body: &[u8]) -> Hmac<Sha256> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(keys.file_mac.as_ref()).expect("HMAC takes any key length");
    mac.update(FORMAT.as_bytes());
    mac.update(b"\n");
    mac.update(body);
    mac
}

/// The persons a vault publishes: every person not merged into another, with their interviews.
fn persons_with_interviews(conn: &rusqlite::Connection) -> Result<Vec<(String, u32, Option<String>)>> {
    let mut stmt = conn.prepare(
        "SELECT p.id, count(i.id), max(i.date) FROM persons p LEFT JOIN interviews i ON i.person_id = p.id
         WHERE p.merged_into IS NULL GROUP BY p.id ORDER BY p.id",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::STANDARD
}

fn is_day(text: &str) -> bool {
    text.len() == 10 && chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok()
}

impl Vault {
    /// Writes this vault's tokens for `team` to `output`: one per person, keyed by the team's secret.
    pub fn export_team_tokens(&mut self, team: &str, output: &Path) -> Result<TokensExported> {
        let team = stored_team(&self.conn, team)?;
        if output.exists() {
            return Err(crate::vault::VaultError::OutputExists(output.to_path_buf()).into());
        }
        let keys = TeamKeys::derive(&team.secret);
        let documenter = self.documenter_code()?;
        let counts: std::collections::HashMap<String, (u32, Option<String>)> =
            persons_with_interviews(&self.conn)?.into_iter().map(|(id, n, last)| (id, (n, last))).collect();
        let mut tokens = Vec::with_capacity(counts.len());
        for record in crate::records::harm_facts::person_records(&self.conn)? {
            let Some((interviews, last)) = counts.get(&record.id) else { continue };
            let filters = clk::encode(&keys, &linkage_features(&record));
            tokens.push(Token {
                person: record.id.clone(),
                interviews: *interviews,
                last: last.clone(),
                name: b64().encode(filters.name),
                other: b64().encode(filters.other),
            });
        }
        tokens.sort_by(|a, b| a.person.cmp(&b.person));
        let count = tokens.len();
        let body = serde_json::to_vec(&Body {
            format: FORMAT.into(),
            version: 1,
            team: team.id.clone(),
            epoch: team.epoch,
            documenter: documenter.clone(),
            made_at: crate::clock::now_rfc3339(),
            tokens,
        })
        // Strings and numbers only: serialising cannot fail.
        .expect("a token file body serialises");
        let tag = hex::encode(mac(&keys, &body).finalize().into_bytes());
        let mut bytes = body;
        bytes.push(b'\n');
        bytes.extend_from_slice(tag.as_bytes());
        bytes.push(b'\n');
        crate::fsutil::write_atomic(output, &bytes).map_err(io_error("write", output))?;
        let tx = self.conn.transaction()?;
        custody::append(
            &tx,
            &self.session,
            Action::TeamTokensExported,
            Some(&team.id),
            json!({ "team": team.id, "epoch": team.epoch, "documenter": documenter, "tokens": count }),
        )?;
        tx.commit()?;
        Ok(TokensExported { team: team.name, documenter, tokens: count })
    }

    /// Takes in a team member's token file, after checking that it was made with the secret of a team this
    /// vault belongs to and not changed since. It replaces the tokens held from that member in that team.
    pub fn add_team_tokens(&mut self, file: &Path) -> Result<TokensAdded> {
        let refuse = |reason: &str| TeamError::NotATokenFile { path: file.into(), reason: reason.into() };
        let handle = std::fs::File::open(file).map_err(io_error("open", file))?;
        let bytes = read_bounded(handle, MAX_FILE_BYTES).map_err(io_error("read", file))?;
        if bytes.len() > MAX_FILE_BYTES {
            return Err(refuse("it is larger than any token file").into());
        }
        let text = bytes.strip_suffix(b"\n").unwrap_or(&bytes);
        let Some(split) = text.iter().rposition(|&b| b == b'\n') else {
            return Err(refuse("it has no authentication line").into());
        };
        let (body, tag) = (&text[..split], &text[split + 1..]);
        let tag = hex::decode(tag).map_err(|_| refuse("its authentication line is malformed"))?;
        // Only the team id is read before the MAC is checked, to find which secret to check it with: a
        // short, bounded prefix scan, not a parse of the whole file.
        let team_id = peek_team(body).ok_or_else(|| refuse("it names no team"))?;
        let Some(team) = stored_team_by_id(&self.conn, &team_id)? else {
            return Err(refuse("this vault does not belong to the team it was made for").into());
        };
        let keys = TeamKeys::derive(&team.secret);
        if mac(&keys, body).verify_slice(&tag).is_err() {
            return Err(refuse("its authentication failed: it was changed, or made with another secret").into());
        }
        let parsed: Body = serde_json::from_slice(body).map_err(|_| refuse("its contents are malformed"))?;
        if parsed.format != FORMAT || parsed.version != 1 || parsed.team != team.id {
            return Err(refuse("it is another kind or version of file").into());
        }
        if parsed.epoch != team.epoch {
            let newer = parsed.epoch > team.epoch;
            return Err(TeamError::OtherSecret { path: file.into(), team: team.name, newer }.into());
        }
        if !is_code(&parsed.documenter, 'D', 5) {
            return Err(refuse("its documenter code is malformed").into());
        }
        if parsed.documenter == self.documenter_code()? {
            return Err(TeamError::OwnTokens { path: file.into() }.into());
        }
        if parsed.tokens.len() > MAX_TOKENS || chrono::DateTime::parse_from_rfc3339(&parsed.made_at).is_err() {
            return Err(refuse("it is malformed").into());
        }
        let mut rows = Vec::with_capacity(parsed.tokens.len());
        let mut seen = std::collections::HashSet::new();
        for t in &parsed.tokens {
            let decode = |text: &str, len: usize| b64().decode(text).ok().filter(|b| b.len() == len);
            let (Some(name), Some(other)) = (decode(&t.name, NAME_BYTES), decode(&t.other, OTHER_BYTES)) else {
                return Err(refuse("a token's filters have the wrong length").into());
            };
            if !is_code(&t.person, 'P', 4) || !seen.insert(t.person.as_str()) {
                return Err(refuse("a person code is malformed or repeated").into());
            }
            if t.interviews > MAX_INTERVIEWS || t.last.as_deref().is_some_and(|d| !is_day(d)) {
                return Err(refuse("a token's interview count or date is malformed").into());
            }
            rows.push((t, name, other));
        }
        let tx = self.conn.transaction()?;
        let event = custody::append(
            &tx,
            &self.session,
            Action::TeamTokensAdded,
            Some(&team.id),
            json!({ "team": team.id, "epoch": team.epoch, "documenter": parsed.documenter,
                    "tokens": rows.len(), "made_at": parsed.made_at }),
        )?;
        tx.execute(
            "DELETE FROM team_tokens WHERE team_id = ?1 AND documenter = ?2",
            params![team.id, parsed.documenter],
        )?;
        super::changed(&tx)?;
        {
            let mut insert = tx.prepare(
                "INSERT INTO team_tokens (team_id, documenter, person, interviews, last_interview, name_filter,
                                          other_filter, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?;
            for (t, name, other) in &rows {
                insert.execute(params![
                    team.id,
                    parsed.documenter,
                    t.person,
                    t.interviews,
                    t.last,
                    name,
                    other,
                    event.time
                ])?;
            }
        }
        tx.commit()?;
        Ok(TokensAdded { team: team.name, documenter: parsed.documenter, tokens: rows.len() })
    }
}

/// The `"team"` value of a token file's body, read from the start of the body only (the writer puts it
/// third, after the format and version).
fn peek_team(body: &[u8]) -> Option<String> {
    let head = std::str::from_utf8(&body[..body.len().min(200)]).ok()?;
    let start = head.find("\"team\":\"")? + 8;
    let id = &head[start..start + 7.min(head.len() - start)];
    is_code(id, 'G', 5).then(|| id.to_string())
}

/// Filters read back from the database.
pub(crate) fn filters_of(name: &[u8], other: &[u8]) -> Option<Filters> {
    Some(Filters { name: name.try_into().ok()?, other: other.try_into().ok()? })
}
