//! Off-site copies as the page sees them: the remotes (never their credentials' values), what a push
//! sent, what a check of a copy found, and the status bar's line.

use super::Secret;
use custodia_core::remote::{OffsiteStatus, PushReport, RemoteInfo, RemoteKind, RemoteProblem, RemoteReport};
use serde::{Deserialize, Serialize};
use specta::Type;

#[derive(Debug, Clone, Serialize, Type)]
pub struct RemoteDto {
    pub name: String,
    pub url: String,
    pub kind: Option<RemoteKind>,
    /// The names of the credentials kept for it (`user`, `password`…); their values never leave the core.
    pub credential_keys: Vec<String>,
    pub keep_snapshots: u32,
    /// The newest completed push: its manifest number and when it ended.
    pub last_push: Option<LastPushDto>,
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct LastPushDto {
    pub seq: f64,
    pub time: String,
}

impl From<RemoteInfo> for RemoteDto {
    fn from(r: RemoteInfo) -> Self {
        RemoteDto {
            name: r.name,
            url: r.url,
            kind: r.kind,
            credential_keys: r.credential_keys,
            keep_snapshots: r.keep_snapshots,
            last_push: r.last_push.map(|(seq, time)| LastPushDto { seq: seq as f64, time }),
        }
    }
}

/// A remote as the form sends it: the credentials as the `KEY=VALUE` lines of a credentials file,
/// wiped from memory when dropped.
#[derive(Debug, Clone, Deserialize, Type)]
pub struct RemoteInputDto {
    pub name: String,
    pub url: String,
    pub credentials: Secret,
    pub keep_snapshots: u32,
}

/// What a connection test found: the storage answered, and whether a complete copy is there.
#[derive(Debug, Clone, Serialize, Type)]
pub struct ProbeDto {
    pub holds_copy: bool,
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct PushedDto {
    pub remote: String,
    pub seq: f64,
    pub objects: f64,
    pub sent: f64,
    pub bytes_sent: f64,
    pub checkpoint_size: f64,
}

impl From<PushReport> for PushedDto {
    fn from(r: PushReport) -> Self {
        PushedDto {
            remote: r.remote,
            seq: r.seq as f64,
            objects: r.objects as f64,
            sent: r.sent as f64,
            bytes_sent: r.bytes_sent as f64,
            checkpoint_size: r.checkpoint_size as f64,
        }
    }
}

/// One thing wrong with a copy: the core's named problem (the page words it), and its English sentence.
#[derive(Debug, Clone, Serialize, Type)]
pub struct RemoteProblemDto {
    pub found: RemoteProblem,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct RemoteReportDto {
    pub ok: bool,
    pub seq: f64,
    pub created: String,
    pub checkpoint_size: f64,
    pub objects: f64,
    pub bytes_hashed: f64,
    pub problems: Vec<RemoteProblemDto>,
}

impl From<RemoteReport> for RemoteReportDto {
    fn from(r: RemoteReport) -> Self {
        RemoteReportDto {
            ok: r.ok,
            seq: r.seq as f64,
            created: r.created,
            checkpoint_size: r.checkpoint_size as f64,
            objects: r.objects as f64,
            bytes_hashed: r.bytes_hashed as f64,
            problems: r
                .problems
                .into_iter()
                .map(|found| RemoteProblemDto { message: found.to_string(), found })
                .collect(),
        }
    }
}

/// The status bar's off-site line.
#[derive(Debug, Clone, Serialize, Type)]
pub struct OffsiteStatusDto {
    pub remotes: u32,
    pub last_push: Option<String>,
    pub items_not_copied: f64,
}

impl From<OffsiteStatus> for OffsiteStatusDto {
    fn from(s: OffsiteStatus) -> Self {
        OffsiteStatusDto { remotes: s.remotes, last_push: s.last_push, items_not_copied: s.items_not_copied as f64 }
    }
}

/// The first-run restore as the form sends it: the secrets wiped from memory when dropped.
#[derive(Debug, Clone, Deserialize, Type)]
pub struct RestoreRequestDto {
    pub url: String,
    pub credentials: Secret,
    pub recovery_key: Secret,
    pub new_passphrase: Secret,
    pub repeat: Secret,
    /// The vault's verifier key as the user has it; blank when they have none.
    pub verifier_key: String,
}

/// What the first-run restore did: the copy's number and size, the verifier key to compare with the one
/// kept on paper (unless the user gave it), the restored vault's own check, and where what was in the
/// folder before was set aside.
#[derive(Debug, Clone, Serialize, Type)]
pub struct RestoredDto {
    pub seq: f64,
    pub objects: f64,
    pub bytes: f64,
    pub verifier_key: String,
    pub key_given: bool,
    pub verify: super::VerifyReportDto,
    pub set_aside: Option<String>,
}
