//! Witnesses (issue 11, point 4): a partner organisation or a lawyer cosigns a vault's checkpoint after
//! checking that it extends the last checkpoint they cosigned for that log, so that a vault cannot show
//! one history to them and another to a court. The format is C2SP tlog-cosignature/v1 (Ed25519):
//!
//! - the signature line `— <witness name> base64(key id ‖ u64 big-endian time ‖ Ed25519 signature)`, added
//!   to the checkpoint's signed note beside the log's own signature;
//! - the key id SHA-256(name ‖ "\n" ‖ 0x04 ‖ public key)[..4] and the verifier key `name+id+base64(0x04 ‖ key)`;
//! - the signed message `cosignature/v1\ntime <seconds>\n` followed by the checkpoint's whole body.
//!
//! The witness's memory is one `LastSeen` per log: the newest checkpoint it cosigned and the log key it
//! accepted the first time (trust on first use, confirmed by the witness through a channel they trust).
//! A vault that witnesses keeps it in its database; a lawyer's key file keeps it in a file beside the key.

use super::note::{split_note, typed_key_id, typed_verifier_key, Checkpoint};
use super::{parse_typed_key, ConsistencyProof, OutsideError};
use crate::merkle::{self, Hash};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};

/// Signature type byte of Ed25519 cosignatures (tlog-cosignature/v1).
pub(crate) const COSIGNATURE_V1: u8 = 0x04;
/// The prefix of a private witness key file, as Go's signed-note tools write signer keys.
const PRIVATE_KEY_PREFIX: &str = "PRIVATE+KEY+";
/// A witness key file is one line of about 150 bytes.
pub const MAX_WITNESS_KEY_BYTES: usize = 1024;
/// Cosignatures dated further ahead of this computer's clock are refused (tlog-cosignature allows it).
const FUTURE_SLACK_SECONDS: u64 = 24 * 60 * 60;

/// Why a witness does not cosign, or why a cosignature is not accepted. Worded for the person deciding.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WitnessError {
    #[error(transparent)]
    Outside(#[from] OutsideError),
    #[error("this is the first checkpoint of {origin} you cosign: give the log's verifier key (--log-key), as its documenter reads it from `custodia signer`, confirmed through a channel you trust")]
    LogKeyNeeded { origin: String },
    #[error("the checkpoint of {origin} is not signed by the key you accepted for this log before: do not cosign; ask the documenter why the key changed")]
    LogKeyChanged { origin: String },
    #[error("the checkpoint covers {size} events, fewer than the {last} of the checkpoint you last cosigned for this log: a log never shrinks. Do not cosign; keep both checkpoints and ask the documenter why")]
    Older { size: u64, last: u64 },
    #[error("the checkpoint does not extend the one you last cosigned for this log ({last} events): the log was rewritten. Do not cosign; keep both checkpoints and ask the documenter why")]
    Fork { last: u64 },
    #[error("you last cosigned this log at {last} events: to cosign a larger checkpoint you need the consistency proof from it, which the documenter makes with `custodia checkpoint prove`")]
    ProofNeeded { last: u64 },
    #[error("the witness name must be one word of letters, digits and punctuation, without spaces or '+' (for example lawfirm.example/witness)")]
    BadName,
    #[error("the witness key file is not a Custodia witness key (PRIVATE+KEY+name+id+key)")]
    BadKeyFile,
    #[error("the witness key is not a cosigner's verifier key (name+key id+key, signature type 4)")]
    BadWitnessKey,
    #[error("the file carries no cosignature by {0}")]
    NoCosignature(String),
    #[error("the cosignature by {0} does not verify: it was altered, or made over another checkpoint")]
    BadCosignature(String),
    #[error("the cosignature by {witness} is dated {time}, more than a day ahead of this computer's clock")]
    FromTheFuture { witness: String, time: u64 },
    #[error(
        "this is this vault's own log: a vault cannot witness itself; give the checkpoint to a partner or a lawyer"
    )]
    OwnLog,
    #[error("the witness's memory {0}; nothing was cosigned")]
    StateFile(String),
    #[error(
        "the cosigned checkpoint is not one this vault signed (it has no checkpoint of {size} events with that root)"
    )]
    NotOurCheckpoint { size: u64 },
}

/// The newest checkpoint seen of one log (by a witness: the newest it cosigned), and the log key accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastSeen {
    pub origin: String,
    /// The log's verifier key, as given the first time.
    pub log_key: String,
    pub size: u64,
    /// Hex root hash.
    pub root: String,
    /// The signed note cosigned.
    pub note: String,
}

/// A witness's own key under its name.
pub struct WitnessKey {
    pub name: String,
    pub key: SigningKey,
}

/// The name only: the key is secret.
impl std::fmt::Debug for WitnessKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WitnessKey").field("name", &self.name).finish_non_exhaustive()
    }
}

impl WitnessKey {
    /// A new key under `name`.
    pub fn generate(name: &str) -> Result<WitnessKey, WitnessError> {
        check_name(name)?;
        let mut seed = zeroize::Zeroizing::new([0u8; 32]);
        getrandom::getrandom(seed.as_mut()).expect("the operating system's random source");
        Ok(WitnessKey { name: name.into(), key: SigningKey::from_bytes(&seed) })
    }

    /// The key file's line: `PRIVATE+KEY+name+hex id+base64(0x04 ‖ seed)`, as Go's signed-note tools write.
    pub fn to_file_text(&self) -> zeroize::Zeroizing<String> {
        let mut typed = zeroize::Zeroizing::new(vec![COSIGNATURE_V1]);
        typed.extend_from_slice(self.key.as_bytes());
        let id = hex::encode(cosigner_key_id(&self.name, &self.key.verifying_key()));
        zeroize::Zeroizing::new(format!("{PRIVATE_KEY_PREFIX}{}+{id}+{}\n", self.name, B64.encode(&*typed)))
    }

    /// Reads a key file's text (`to_file_text`), checking its key id.
    pub fn from_file_text(text: &str) -> Result<WitnessKey, WitnessError> {
        let rest = text.trim().strip_prefix(PRIVATE_KEY_PREFIX).ok_or(WitnessError::BadKeyFile)?;
        let mut parts = rest.splitn(3, '+');
        let (Some(name), Some(id), Some(typed)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(WitnessError::BadKeyFile);
        };
        check_name(name).map_err(|_| WitnessError::BadKeyFile)?;
        let typed = zeroize::Zeroizing::new(B64.decode(typed).map_err(|_| WitnessError::BadKeyFile)?);
        let seed: [u8; 32] = match typed.split_first() {
            Some((&COSIGNATURE_V1, seed)) => seed.try_into().map_err(|_| WitnessError::BadKeyFile)?,
            _ => return Err(WitnessError::BadKeyFile),
        };
        let key = SigningKey::from_bytes(&seed);
        if hex::encode(cosigner_key_id(name, &key.verifying_key())) != id {
            return Err(WitnessError::BadKeyFile);
        }
        Ok(WitnessKey { name: name.into(), key })
    }

    /// The verifier key others use to check this witness's cosignatures.
    pub fn verifier_key(&self) -> String {
        cosigner_verifier_key(&self.name, &self.key.verifying_key())
    }
}

/// A key name as signed notes allow it: non-empty, no spaces, no '+', and here printable ASCII only so
/// that it reads the same in every listing.
fn check_name(name: &str) -> Result<(), WitnessError> {
    let ok = !name.is_empty() && name.len() <= 128 && name.bytes().all(|b| b.is_ascii_graphic() && b != b'+');
    ok.then_some(()).ok_or(WitnessError::BadName)
}

/// The 4-byte key id of an Ed25519 cosigner.
pub fn cosigner_key_id(name: &str, key: &VerifyingKey) -> [u8; 4] {
    typed_key_id(name, COSIGNATURE_V1, key)
}

/// The verifier key of an Ed25519 cosigner: `name+hex id+base64(0x04 ‖ key)`.
pub fn cosigner_verifier_key(name: &str, key: &VerifyingKey) -> String {
    typed_verifier_key(name, COSIGNATURE_V1, key)
}

/// Reads a cosigner's verifier key, checking its type and key id.
pub fn parse_witness_key(text: &str) -> Result<(String, VerifyingKey), WitnessError> {
    parse_typed_key(text, COSIGNATURE_V1).map_err(|_| WitnessError::BadWitnessKey)
}

/// What a cosignature signs: the header, the time, then the checkpoint's body.
fn signed_message(body: &str, time: u64) -> String {
    format!("cosignature/v1\ntime {time}\n{body}")
}

/// The witness's check and signature. `note` is the log's signed checkpoint, `proof` the consistency proof
/// from the last checkpoint this witness cosigned for that log (`last`), `log_key` the log's verifier key
/// (needed the first time; when given later it must be the one accepted then). Returns the note with the
/// cosignature line added, and the witness's new memory for that log.
pub fn cosign(
    note: &str,
    proof: Option<&ConsistencyProof>,
    log_key: Option<&str>,
    last: Option<&LastSeen>,
    witness: &WitnessKey,
    now: u64,
) -> Result<(String, LastSeen), WitnessError> {
    let (body, _) = split_note(note).map_err(OutsideError::from)?;
    let origin = body.lines().next().unwrap_or("").to_string();
    let key_text = match (last, log_key) {
        (Some(last), Some(given)) if given.trim() != last.log_key => {
            return Err(WitnessError::LogKeyChanged { origin })
        }
        (Some(last), _) => last.log_key.clone(),
        (None, Some(given)) => given.trim().to_string(),
        (None, None) => return Err(WitnessError::LogKeyNeeded { origin }),
    };
    // The log's key is named after its origin: a checkpoint of another log is refused as such.
    let (log_name, key) = parse_typed_key(&key_text, super::note::ED25519)?;
    let checkpoint = super::outside::read_for(note, &key, &log_name).map_err(|e| match (e, last) {
        (OutsideError::Note(_), Some(_)) => WitnessError::LogKeyChanged { origin: origin.clone() },
        (e, _) => e.into(),
    })?;
    if let Some(last) = last {
        extends(last, &checkpoint, note, proof)?;
    }
    let cosigned = format!("{note}{}", cosignature_line(body, witness, now));
    let memory = LastSeen {
        origin,
        log_key: key_text,
        size: checkpoint.size,
        root: hex::encode(checkpoint.root),
        note: note.to_string(),
    };
    Ok((cosigned, memory))
}

/// Whether `checkpoint` extends the last one cosigned, by equality or by the consistency proof given.
fn extends(
    last: &LastSeen,
    checkpoint: &Checkpoint,
    note: &str,
    proof: Option<&ConsistencyProof>,
) -> Result<(), WitnessError> {
    let mut last_root: Hash = [0; 32];
    hex::decode_to_slice(&last.root, &mut last_root).map_err(|_| WitnessError::Fork { last: last.size })?;
    if checkpoint.size < last.size {
        return Err(WitnessError::Older { size: checkpoint.size, last: last.size });
    }
    if checkpoint.size == last.size {
        return (checkpoint.root == last_root).then_some(()).ok_or(WitnessError::Fork { last: last.size });
    }
    if last.size == 0 {
        return Ok(());
    }
    let proof = proof.ok_or(WitnessError::ProofNeeded { last: last.size })?;
    if proof.note != note {
        return Err(OutsideError::ProofForOtherCheckpoint.into());
    }
    if proof.old_size != last.size {
        return Err(OutsideError::ProofFromOtherSize { found: proof.old_size, expected: last.size }.into());
    }
    merkle::verify_consistency(last.size, checkpoint.size, &last_root, &checkpoint.root, &proof.hashes)
        .map_err(|_| WitnessError::Fork { last: last.size })
}

/// The cosignature line over `body` by `witness` at `time`.
fn cosignature_line(body: &str, witness: &WitnessKey, time: u64) -> String {
    let signature = witness.key.sign(signed_message(body, time).as_bytes());
    let mut blob = cosigner_key_id(&witness.name, &witness.key.verifying_key()).to_vec();
    blob.extend_from_slice(&time.to_be_bytes());
    blob.extend_from_slice(&signature.to_bytes());
    format!("\u{2014} {} {}\n", witness.name, B64.encode(blob))
}

/// A cosignature found in a note and verified: the line as written and its time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundCosignature {
    pub line: String,
    pub time: u64,
}

/// Finds and checks the cosignature by the witness `name`/`key` in `note`. Lines by other keys are
/// ignored; a line by this key that does not verify, or dated over a day ahead of `now`, is refused.
pub fn find_cosignature(
    note: &str,
    name: &str,
    key: &VerifyingKey,
    now: u64,
) -> Result<FoundCosignature, WitnessError> {
    let (body, signatures) = split_note(note).map_err(OutsideError::from)?;
    let wanted = cosigner_key_id(name, key);
    let mut found = false;
    for line in signatures.lines() {
        let Some((line_name, blob)) = line.strip_prefix("\u{2014} ").and_then(|rest| rest.split_once(' ')) else {
            continue;
        };
        let Ok(blob) = B64.decode(blob) else { continue };
        if line_name != name || blob.len() != 4 + 8 + 64 || blob[..4] != wanted {
            continue;
        }
        found = true;
        let time = u64::from_be_bytes(blob[4..12].try_into().expect("8 bytes"));
        let Ok(signature) = Signature::from_slice(&blob[12..]) else { continue };
        if time <= i64::MAX as u64 && key.verify(signed_message(body, time).as_bytes(), &signature).is_ok() {
            if time > now.saturating_add(FUTURE_SLACK_SECONDS) {
                return Err(WitnessError::FromTheFuture { witness: name.into(), time });
            }
            return Ok(FoundCosignature { line: format!("{line}\n"), time });
        }
    }
    Err(if found { WitnessError::BadCosignature(name.into()) } else { WitnessError::NoCosignature(name.into()) })
}

#[cfg(test)]
mod tests;
