//! Trusted time when a network exists (issue 11, point 5): RFC 3161 timestamp tokens over the vault's
//! newest checkpoint. A token from a time-stamping authority (TSA) proves that the log of the
//! checkpoint's size existed, with that root, no later than the token's time.
//!
//! A request is first stored as a queued row of `timestamps` (schema v8), then sent; if the authority is
//! not reached the row stays queued and a later call sends it. The reply is hostile bytes: bounded in size
//! and time, parsed with RustCrypto's ASN.1 types, and kept only if it grants a token for exactly the
//! requested hash and nonce whose signature holds (`verify.rs`); anything else removes the queued row and
//! changes nothing. Each token kept is a `checkpoint.timestamped` custody event.

mod der_lengths;
mod ess;
mod http;
pub(crate) mod request;
mod signature;
mod store;
mod tst_info;
mod verify;

pub use http::{check_url, MAX_REPLY_BYTES, TIMEOUT};
pub use store::{Outcome, StoredTimestamp};

use der::Encode;
use sha2::{Digest, Sha256};
use std::time::Duration;
use x509_cert::Certificate;

/// Why a timestamp was not obtained or does not hold. None of these changes the vault.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TimestampError {
    #[error("the time-stamping authority's address must be an http:// or https:// URL, without spaces")]
    BadUrl,
    #[error("the time-stamping authority answered with HTTP status {0} instead of a token")]
    HttpStatus(u16),
    #[error("the time-stamping authority's reply is larger than {max} bytes; it was not read")]
    TooLarge { max: u64 },
    #[error("the reply is not a valid RFC 3161 timestamp: {0}")]
    Malformed(String),
    #[error("the time-stamping authority refused the request (status {0})")]
    Rejected(String),
    #[error("the token is for another hash than this vault's checkpoint")]
    WrongImprint,
    #[error("the token answers another request (its nonce is not the one sent)")]
    WrongNonce,
    #[error("the token's signature does not verify")]
    BadSignature,
    #[error("the token was not signed with the given certificate's key, nor by a certificate it issued")]
    UntrustedSigner,
    #[error(
        "the token's signed attributes name another signing certificate than the one it carries or was checked with"
    )]
    OtherCertificateNamed,
    #[error("the token's signing certificate is not for time-stamping (critical extended key usage timeStamping)")]
    NotForTimestamping,
    #[error("the token's time {gen_time} lies outside its certificate's validity ({not_before} to {not_after}): the certificate had expired or was not yet valid")]
    CertificateNotValid { gen_time: String, not_before: String, not_after: String },
    #[error("the token uses an algorithm Custodia does not check: {0}")]
    UnsupportedAlgorithm(String),
    #[error("the certificate file does not hold one X.509 certificate (PEM or DER)")]
    BadCertificate,
    #[error("the vault has no signed checkpoint yet; close it once, then ask for a timestamp")]
    NoCheckpoint,
    #[error("the stored token's time ({stored}) is not the time the token says ({token})")]
    TimeMismatch { stored: String, token: String },
}

/// The certificate a token is checked against: the authority's own, or the CA that issued it.
#[derive(Debug, Clone)]
pub struct TsaCertificate {
    cert: Certificate,
    der: Vec<u8>,
}

impl TsaCertificate {
    /// One certificate, in PEM (`-----BEGIN CERTIFICATE-----`) or DER.
    pub fn parse(bytes: &[u8]) -> Result<TsaCertificate, TimestampError> {
        let pem;
        let der = if bytes.trim_ascii_start().starts_with(b"-----BEGIN") {
            let blocks = bytes.windows(b"-----BEGIN".len()).filter(|w| w == b"-----BEGIN").count();
            match der::pem::decode_vec(bytes) {
                Ok(("CERTIFICATE", decoded)) if blocks == 1 => pem = decoded,
                _ => return Err(TimestampError::BadCertificate),
            }
            &pem[..]
        } else {
            bytes
        };
        let cert: Certificate = der_lengths::from_der(der).map_err(|_| TimestampError::BadCertificate)?;
        let der = cert.to_der().map_err(|_| TimestampError::BadCertificate)?;
        Ok(TsaCertificate { cert, der })
    }

    /// Hex SHA-256 of the certificate's DER, the usual fingerprint.
    pub fn fingerprint(&self) -> String {
        hex::encode(Sha256::digest(&self.der))
    }

    pub fn der(&self) -> &[u8] {
        &self.der
    }
}

/// A time in seconds since 1970 as RFC 3339 UTC (`2026-12-07T12:00:00Z`).
pub(crate) fn rfc3339(since_epoch: Duration) -> String {
    i64::try_from(since_epoch.as_secs())
        .ok()
        .and_then(|s| chrono::DateTime::from_timestamp(s, 0))
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests;
