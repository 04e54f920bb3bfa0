//! The RFC 3161 exchange: a TimeStampReq over the SHA-256 of a checkpoint's signed note, and the reply
//! read as hostile bytes: status granted, a token for exactly that hash and nonce, its signature checked.

use super::der_lengths;
use super::verify::{check_token, Checked};
use super::TimestampError;
use cmpv2::status::PkiStatus;
use der::asn1::{Any, Int, OctetString};
use der::oid::db::rfc5912::ID_SHA_256;
use der::Encode;
use sha2::{Digest, Sha256};
use x509_cert::spki::AlgorithmIdentifier;
use x509_cert::Certificate;
use x509_tsp::{MessageImprint, TimeStampReq, TimeStampResp, TimeStampToken, TspVersion};

/// A request ready to send, and what its reply must match.
#[derive(Debug)]
pub(crate) struct Request {
    pub der: Vec<u8>,
    imprint: [u8; 32],
    nonce: Int,
}

impl Request {
    /// A request for a token over SHA-256 of `note` (the exact text of the signed note), with a fresh
    /// random 64-bit nonce, asking for the authority's certificate in the token.
    pub(crate) fn for_note(note: &str) -> Result<Request, TimestampError> {
        let imprint: [u8; 32] = Sha256::digest(note.as_bytes()).into();
        let mut nonce = [0u8; 8];
        getrandom::getrandom(&mut nonce).map_err(|e| TimestampError::Malformed(e.to_string()))?;
        // Positive, and its first byte never zero: the DER of an INTEGER has no leading zero byte.
        nonce[0] = (nonce[0] & 0x7f) | 0x40;
        let nonce = Int::new(&nonce).map_err(der_error)?;
        let request = TimeStampReq {
            version: TspVersion::V1,
            message_imprint: sha256_imprint(&imprint)?,
            req_policy: None,
            nonce: Some(nonce.clone()),
            cert_req: true,
            extensions: None,
        };
        Ok(Request { der: request.to_der().map_err(der_error)?, imprint, nonce })
    }

    /// Reads a reply to this request: the status must grant a token, and the token must be for this
    /// request's hash and nonce and hold (`check_reply`). Returns the token's DER and what it says.
    pub(crate) fn accept(
        &self,
        reply: &[u8],
        anchor: Option<&Certificate>,
    ) -> Result<(Vec<u8>, Checked), TimestampError> {
        let response = der_lengths::from_der::<TimeStampResp>(reply).map_err(der_error)?;
        match response.status.status {
            PkiStatus::Accepted | PkiStatus::GrantedWithMods => {}
            other => return Err(TimestampError::Rejected(format!("{other:?}"))),
        }
        let token = response.time_stamp_token.ok_or_else(|| TimestampError::Malformed("no token".into()))?;
        let checked = check_imprint(&token, &self.imprint, anchor)?;
        if checked.tst.nonce.as_ref() != Some(&self.nonce) {
            return Err(TimestampError::WrongNonce);
        }
        Ok((token.to_der().map_err(der_error)?, checked))
    }
}

/// A stored token, checked again: its signature (against `anchor` when given) and that it is a token over
/// SHA-256 of `note`.
pub(crate) fn recheck(token_der: &[u8], note: &str, anchor: Option<&Certificate>) -> Result<Checked, TimestampError> {
    let token = der_lengths::from_der::<TimeStampToken>(token_der).map_err(der_error)?;
    check_imprint(&token, &Sha256::digest(note.as_bytes()).into(), anchor)
}

/// The token holds and is over SHA-256 with the hash `imprint`.
fn check_imprint(
    token: &TimeStampToken,
    imprint: &[u8; 32],
    anchor: Option<&Certificate>,
) -> Result<Checked, TimestampError> {
    let checked = check_token(token, anchor)?;
    if checked.tst.message_imprint != sha256_imprint(imprint)? && !same_imprint(&checked.tst.message_imprint, imprint) {
        return Err(TimestampError::WrongImprint);
    }
    Ok(checked)
}

/// SHA-256 with NULL parameters, as OpenSSL and most authorities write it; `same_imprint` also takes the
/// form without parameters.
fn sha256_imprint(hash: &[u8; 32]) -> Result<MessageImprint, TimestampError> {
    Ok(MessageImprint {
        hash_algorithm: AlgorithmIdentifier { oid: ID_SHA_256, parameters: Some(Any::from(der::asn1::Null)) },
        hashed_message: OctetString::new(hash.as_slice()).map_err(der_error)?,
    })
}

fn same_imprint(got: &MessageImprint, hash: &[u8; 32]) -> bool {
    got.hash_algorithm.oid == ID_SHA_256
        && got.hash_algorithm.parameters.is_none()
        && got.hashed_message.as_bytes() == hash.as_slice()
}

fn der_error(e: der::Error) -> TimestampError {
    TimestampError::Malformed(e.to_string())
}
