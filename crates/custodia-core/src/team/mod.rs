//! Teams: vaults that share a secret so that the do-no-harm check sees who the others interviewed, without
//! anyone's name, birth date or place leaving a vault. A team is created in one vault (`create_team`), its
//! secret reaches other members as an age-encrypted team file for each member's key (`invite_team`,
//! `join_team`), and can be replaced (`rotate_team`: the tokens made with the old secret are dropped) or
//! left (`leave_team`). Members exchange linkage tokens (`exchange`), the keyed Bloom filters of `clk`;
//! the check compares a person with the tokens held (`held`).
//!
//! Architecture invariant: a team file and a token file are hostile input. Their size is bounded before
//! they are read, a token file's MAC (under a key derived from the team secret) is checked before any of
//! it is parsed, and every field is validated before anything is stored.

pub mod clk;
pub mod exchange;
pub(crate) mod held;

use crate::custody::{self, Action};
use crate::error::Result;
use crate::keys::secret_text::read_bounded;
use crate::vault::{check_text, Vault};
use crate::{bundle, fsutil};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

pub use exchange::{TokensAdded, TokensExported};
pub use held::TeamPair;

/// A team name is a label people read: at most this many characters.
pub const MAX_TEAM_NAME_CHARS: usize = 80;
/// A team file holds a name and a key; anything larger is not one.
const MAX_TEAM_FILE_BYTES: usize = 16 * 1024;

/// Why a team action was refused. Nothing was changed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TeamError {
    #[error("a team name must be 1 to {MAX_TEAM_NAME_CHARS} characters, without control characters")]
    BadName,
    #[error("this vault already belongs to a team named {0:?}; choose another name")]
    NameTaken(String),
    #[error("this vault belongs to no team named {0:?}; `custodia team list` shows its teams")]
    NotFound(String),
    #[error("{} is not a Custodia team file: {reason}", path.display())]
    NotATeamFile { path: PathBuf, reason: String },
    #[error("the team file {} was not made for this key; ask for a team file made for your public key", path.display())]
    WrongKey { path: PathBuf },
    #[error("this vault already holds team {team:?} with this secret or a newer one")]
    AlreadyJoined { team: String },
    #[error("{} is not a token file of a team this vault belongs to: {reason}", path.display())]
    NotATokenFile { path: PathBuf, reason: String },
    #[error("the tokens in {} were made with {} secret of team {team:?} than this vault holds; ask for {}", path.display(), if *newer { "a newer" } else { "an older" }, if *newer { "the new team file" } else { "new tokens" })]
    OtherSecret { path: PathBuf, team: String, newer: bool },
    #[error("the tokens in {} were made by this vault; they are already in it", path.display())]
    OwnTokens { path: PathBuf },
    #[error("could not {op} {}: {source}", path.display())]
    Io {
        op: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

pub(crate) fn io_error<'a>(op: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> TeamError + 'a {
    move |source| TeamError::Io { op, path: path.to_path_buf(), source }
}

/// A team this vault belongs to, as listed: never its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Team {
    /// The team's random public id (`G-…`), the same in every member's vault.
    pub id: String,
    pub name: String,
    /// How many times the secret was replaced: members holding another epoch cannot link.
    pub epoch: u32,
    pub joined_at: String,
    /// The other members' documenter codes whose tokens this vault holds.
    pub members: Vec<String>,
    /// Tokens held, all members together.
    pub tokens: u64,
    /// When the newest token file was added, if any.
    pub tokens_added_at: Option<String>,
}

/// The inside of a team file, once decrypted.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct TeamFile {
    format: String,
    version: u32,
    id: String,
    name: String,
    epoch: u32,
    secret: String,
}

const TEAM_FILE_FORMAT: &str = "custodia-team";

/// A team as stored, with its secret (wiped when dropped).
pub(crate) struct StoredTeam {
    pub id: String,
    pub name: String,
    pub epoch: u32,
    pub secret: Zeroizing<[u8; 32]>,
}

fn check_name(name: &str) -> Result<String, TeamError> {
    let name = name.trim();
    if name.is_empty() || check_text("team name", name, MAX_TEAM_NAME_CHARS).is_err() || name.contains('\n') {
        return Err(TeamError::BadName);
    }
    Ok(name.to_string())
}

/// Whether `text` is a code of `prefix` and `len` Crockford base32 characters ("G-7F3KQ").
pub(crate) fn is_code(text: &str, prefix: char, len: usize) -> bool {
    const ALPHABET: &str = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let mut chars = text.chars();
    chars.next() == Some(prefix)
        && chars.next() == Some('-')
        && text.len() == len + 2
        && chars.all(|c| ALPHABET.contains(c))
}

/// Counts a change to the teams or their tokens (see `held::stamp`), inside the caller's transaction.
pub(crate) fn changed(tx: &Connection) -> Result<()> {
    tx.execute("UPDATE team_changes SET changes = changes + 1 WHERE only = 1", [])?;
    Ok(())
}

pub(crate) fn stored_team(conn: &Connection, name: &str) -> Result<StoredTeam> {
    let row = conn
        .query_row("SELECT id, name, epoch, secret FROM teams WHERE name = ?1", [name], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, u32>(2)?, r.get::<_, Vec<u8>>(3)?))
        })
        .optional()?;
    let Some((id, name, epoch, secret)) = row else {
        return Err(TeamError::NotFound(name.to_string()).into());
    };
    Ok(StoredTeam { secret: secret_of(&id, secret)?, id, name, epoch })
}

pub(crate) fn secret_of(id: &str, bytes: Vec<u8>) -> Result<Zeroizing<[u8; 32]>> {
    let bytes = Zeroizing::new(bytes);
    let mut secret = Zeroizing::new([0u8; 32]);
    if bytes.len() != 32 {
        return Err(crate::records::RecordError::Damaged {
            record: id.to_string(),
            field: "team secret",
            source: None,
        }
        .into());
    }
    secret.copy_from_slice(&bytes);
    Ok(secret)
}

pub(crate) fn stored_team_by_id(conn: &Connection, id: &str) -> Result<Option<StoredTeam>> {
    let name: Option<String> = conn.query_row("SELECT name FROM teams WHERE id = ?1", [id], |r| r.get(0)).optional()?;
    name.map(|n| stored_team(conn, &n)).transpose()
}

impl Vault {
    /// This vault's public documenter code (`D-…`), which team members see next to the tokens it
    /// publishes; made at the first use and never changed.
    pub fn documenter_code(&self) -> Result<String> {
        let found: Option<String> =
            self.conn.query_row("SELECT code FROM documenter WHERE only = 1", [], |r| r.get(0)).optional()?;
        if let Some(code) = found {
            return Ok(code);
        }
        let code = crate::ids::new_id("D", &[5])?;
        self.conn.execute("INSERT INTO documenter (only, code) VALUES (1, ?1)", [&code])?;
        Ok(code)
    }

    /// Creates a team with a new random 256-bit secret.
    pub fn create_team(&mut self, name: &str) -> Result<Team> {
        let name = check_name(name)?;
        let mut secret = Zeroizing::new([0u8; 32]);
        crate::keys::random_fill(secret.as_mut())?;
        let id = crate::ids::new_id("G", &[5])?;
        self.store_team(&id, &name, 1, &secret, Action::TeamCreated)?;
        self.team(&name)
    }

    fn store_team(&mut self, id: &str, name: &str, epoch: u32, secret: &[u8; 32], action: Action) -> Result<()> {
        let code = self.documenter_code()?;
        let taken: bool = self.conn.query_row(
            "SELECT EXISTS(SELECT 1 FROM teams WHERE name = ?1 AND id <> ?2)",
            [name, id],
            |r| r.get(0),
        )?;
        if taken {
            return Err(TeamError::NameTaken(name.to_string()).into());
        }
        let tx = self.conn.transaction()?;
        let event = custody::append(
            &tx,
            &self.session,
            action,
            Some(id),
            json!({ "team": id, "name": name, "epoch": epoch, "documenter": code }),
        )?;
        // A newer secret of a held team replaces the old one; the tokens made with the old one can no
        // longer link and go.
        tx.execute("DELETE FROM team_tokens WHERE team_id = ?1", [id])?;
        changed(&tx)?;
        tx.execute(
            "INSERT INTO teams (id, name, epoch, secret, joined_at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (id) DO UPDATE SET epoch = excluded.epoch, secret = excluded.secret",
            params![id, name, epoch, &secret[..], event.time],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// One team by name.
    pub fn team(&self, name: &str) -> Result<Team> {
        self.teams()?.into_iter().find(|t| t.name == name).ok_or_else(|| TeamError::NotFound(name.into()).into())
    }

    /// The teams this vault belongs to, by name.
    pub fn teams(&self) -> Result<Vec<Team>> {
        let mut stmt = self.conn.prepare("SELECT id, name, epoch, joined_at FROM teams ORDER BY name")?;
        let rows = stmt.query_map([], |r| {
            Ok(Team {
                id: r.get(0)?,
                name: r.get(1)?,
                epoch: r.get(2)?,
                joined_at: r.get(3)?,
                members: Vec::new(),
                tokens: 0,
                tokens_added_at: None,
            })
        })?;
        let mut teams: Vec<Team> = rows.collect::<rusqlite::Result<_>>()?;
        let mut members = self.conn.prepare(
            "SELECT documenter, count(*), max(received_at) FROM team_tokens WHERE team_id = ?1
             GROUP BY documenter ORDER BY documenter",
        )?;
        for team in &mut teams {
            let rows = members
                .query_map([&team.id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u64>(1)?, r.get::<_, String>(2)?)))?;
            for row in rows {
                let (code, count, at) = row?;
                team.members.push(code);
                team.tokens += count;
                if team.tokens_added_at.as_ref().is_none_or(|newest| &at > newest) {
                    team.tokens_added_at = Some(at);
                }
            }
        }
        Ok(teams)
    }

    /// Writes an age-encrypted team file for a member's age public key (`age1…`). The file holds the
    /// team's secret: whoever holds it and the key's identity can join.
    pub fn invite_team(&mut self, name: &str, recipient: &str, output: &Path) -> Result<()> {
        let team = stored_team(&self.conn, name)?;
        let recipient = bundle::keys::parse_recipient(recipient)?;
        if output.exists() {
            return Err(crate::vault::VaultError::OutputExists(output.to_path_buf()).into());
        }
        let inside = Zeroizing::new(
            serde_json::to_vec(&TeamFile {
                format: TEAM_FILE_FORMAT.into(),
                version: 1,
                id: team.id.clone(),
                name: team.name.clone(),
                epoch: team.epoch,
                secret: hex::encode(team.secret.as_ref()),
            })
            // Strings and numbers only: serialising cannot fail.
            .expect("a team file serialises"),
        );
        let encrypted = age::encrypt(&recipient, &inside).map_err(|e| bundle::BundleError::Encrypt(e.to_string()))?;
        fsutil::write_atomic(output, &encrypted).map_err(io_error("write", output))?;
        let tx = self.conn.transaction()?;
        let fingerprint = bundle::keys::recipient_fingerprint(&recipient);
        custody::append(
            &tx,
            &self.session,
            Action::TeamInvited,
            Some(&team.id),
            json!({ "team": team.id, "epoch": team.epoch, "recipient": recipient.to_string(), "fingerprint": fingerprint.hex }),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Joins the team in an age-encrypted team file, opened with the identity file at `identity`. A team
    /// file of a team already held with an older secret replaces the secret (a rotation reaching this
    /// member), and the tokens made with the old one go.
    pub fn join_team(&mut self, file: &Path, identity: &Path) -> Result<Team> {
        let bundle::Unlocker::Identities { identities, .. } = bundle::keys::read_identity_file(identity)? else {
            return Err(TeamError::WrongKey { path: file.into() }.into());
        };
        let not_team = |reason: &str| TeamError::NotATeamFile { path: file.into(), reason: reason.into() };
        let handle = std::fs::File::open(file).map_err(io_error("open", file))?;
        let bytes = read_bounded(handle, MAX_TEAM_FILE_BYTES).map_err(io_error("read", file))?;
        if bytes.len() > MAX_TEAM_FILE_BYTES {
            return Err(not_team("it is far larger than a team file").into());
        }
        let decryptor = age::Decryptor::new(&bytes[..]).map_err(|_| not_team("it is not an age-encrypted file"))?;
        if decryptor.is_scrypt() {
            return Err(not_team("it is sealed with a passphrase, not with a key").into());
        }
        let mut reader =
            decryptor.decrypt(identities.iter().map(|i| i as &dyn age::Identity)).map_err(|e| match e {
                age::DecryptError::NoMatchingKeys => TeamError::WrongKey { path: file.into() },
                _ => not_team("it is damaged"),
            })?;
        let inside = read_bounded(&mut reader, MAX_TEAM_FILE_BYTES).map_err(|_| not_team("it is damaged"))?;
        let mut parsed: TeamFile =
            serde_json::from_slice(&inside).map_err(|_| not_team("its contents are not a team"))?;
        if parsed.format != TEAM_FILE_FORMAT || parsed.version != 1 {
            return Err(not_team("it is another kind or version of file").into());
        }
        if !is_code(&parsed.id, 'G', 5) || parsed.epoch == 0 || parsed.epoch > 1_000_000 {
            return Err(not_team("its team id or secret number is malformed").into());
        }
        let name = check_name(&parsed.name).map_err(|_| not_team("its team name is malformed"))?;
        let mut secret = Zeroizing::new([0u8; 32]);
        if parsed.secret.len() != 64 {
            return Err(not_team("its secret is not 256 bits").into());
        }
        hex::decode_to_slice(&parsed.secret, secret.as_mut()).map_err(|_| not_team("its secret is not 256 bits"))?;
        let held: Option<u32> =
            self.conn.query_row("SELECT epoch FROM teams WHERE id = ?1", [&parsed.id], |r| r.get(0)).optional()?;
        if held.is_some_and(|epoch| epoch >= parsed.epoch) {
            return Err(TeamError::AlreadyJoined { team: name }.into());
        }
        // A rotated secret keeps the name this vault knows the team by.
        let local_name: String = self
            .conn
            .query_row("SELECT name FROM teams WHERE id = ?1", [&parsed.id], |r| r.get(0))
            .optional()?
            .unwrap_or(name);
        zeroize::Zeroize::zeroize(&mut parsed.secret);
        self.store_team(&parsed.id, &local_name, parsed.epoch, &secret, Action::TeamJoined)?;
        self.team(&local_name)
    }

    /// Leaves a team: its secret and the tokens held from its members go.
    pub fn leave_team(&mut self, name: &str) -> Result<()> {
        let team = stored_team(&self.conn, name)?;
        let tx = self.conn.transaction()?;
        custody::append(
            &tx,
            &self.session,
            Action::TeamLeft,
            Some(&team.id),
            json!({ "team": team.id, "name": team.name }),
        )?;
        tx.execute("DELETE FROM team_tokens WHERE team_id = ?1", [&team.id])?;
        tx.execute("DELETE FROM teams WHERE id = ?1", [&team.id])?;
        changed(&tx)?;
        tx.commit()?;
        Ok(())
    }

    /// Replaces a team's secret with a new random one (after a member left, or a file went astray). The
    /// tokens held from the old secret are dropped; members need a new team file (`invite_team`).
    pub fn rotate_team(&mut self, name: &str) -> Result<Team> {
        let team = stored_team(&self.conn, name)?;
        let mut secret = Zeroizing::new([0u8; 32]);
        crate::keys::random_fill(secret.as_mut())?;
        self.store_team(&team.id, &team.name, team.epoch + 1, &secret, Action::TeamRotated)?;
        self.team(&team.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_checked_for_shape() {
        assert!(is_code("G-7F3KQ", 'G', 5));
        assert!(!is_code("G-7F3K", 'G', 5));
        assert!(!is_code("G-7F3KU", 'G', 5), "U is not in the alphabet");
        assert!(!is_code("D-7F3KQ", 'G', 5));
        assert!(!is_code("G-7F3KQé", 'G', 5));
    }
}
