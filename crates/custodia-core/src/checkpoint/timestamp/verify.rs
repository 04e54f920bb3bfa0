//! Checking an RFC 3161 token (a CMS SignedData over a TSTInfo) against the authority's certificate.
//!
//! The chain is one level deep on purpose: the signer's certificate must be the given certificate itself,
//! or be issued and signed by it (the given certificate then being a CA). That is what a documenter can
//! hold and compare: the certificate their organisation or the authority published. Revocation is not
//! checked (no network at verification time, and the token's time is what matters).

use super::signature::{self, hash_of};
use super::tst_info::TstInfo;
use super::{der_lengths, ess};
use super::{rfc3339, TimestampError};
use cms::cert::CertificateChoices;
use cms::content_info::ContentInfo;
use cms::signed_data::{SignedData, SignerIdentifier, SignerInfo};
use der::asn1::OctetString;
use der::oid::db::rfc5911::{ID_CONTENT_TYPE, ID_MESSAGE_DIGEST, ID_SIGNED_DATA};
use der::oid::db::rfc5912::{
    ID_CE_BASIC_CONSTRAINTS, ID_CE_EXT_KEY_USAGE, ID_CE_SUBJECT_KEY_IDENTIFIER, ID_KP_TIME_STAMPING,
};
use der::oid::ObjectIdentifier;
use der::{Decode, Encode, Tagged};
use std::time::Duration;
use x509_cert::ext::pkix::{BasicConstraints, ExtendedKeyUsage, SubjectKeyIdentifier};
use x509_cert::Certificate;

/// id-ct-TSTInfo (RFC 3161 section 2.4.2).
pub(crate) const ID_CT_TST_INFO: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.1.4");

/// What a token says, once its signature holds.
#[derive(Debug)]
pub(crate) struct Checked {
    pub tst: TstInfo,
    /// genTime, RFC 3339 in UTC, as precise as the authority wrote it.
    pub gen_time: String,
    /// Whether the signer was checked against a certificate given by the user (else only against the
    /// certificate the token carries, which proves nothing about who signed).
    pub anchored: bool,
}

/// Checks `token`: a SignedData with one signer over a TSTInfo, the signer's certificate for
/// time-stamping and valid at the token's time, its signature over the signed attributes, whose message
/// digest is the TSTInfo's. With `anchor`, the signer must be `anchor` or a certificate `anchor` signed.
pub(crate) fn check_token(token: &ContentInfo, anchor: Option<&Certificate>) -> Result<Checked, TimestampError> {
    if token.content_type != ID_SIGNED_DATA {
        return Err(malformed("the token is not CMS SignedData"));
    }
    let signed: SignedData = token.content.decode_as().map_err(|e| malformed(&e.to_string()))?;
    let (tst_der, tst) = tst_info(&signed)?;
    let [signer_info] = signed.signer_infos.0.as_slice() else {
        return Err(malformed("the token must have exactly one signer"));
    };
    // Not covered by the signature, but a token whose parts disagree is not one to keep.
    if !signed.digest_algorithms.iter().any(|alg| *alg == signer_info.digest_alg) {
        return Err(malformed("the signer's digest algorithm is not among the token's"));
    }
    // The given certificate first: a carried one that merely claims its name and serial is never chosen
    // over it.
    let carried = carried_certificates(&signed);
    let signer =
        anchor.into_iter().chain(carried.iter().copied()).find(|c| identifies(&signer_info.sid, c)).ok_or(
            if anchor.is_some() { TimestampError::UntrustedSigner } else { malformed("no signer certificate") },
        )?;
    let (gen_time, gen_time_text) = tst.time()?;
    if let Some(anchor) = anchor {
        check_chain(signer, anchor, gen_time)?;
    }
    check_timestamping(signer)?;
    check_validity(signer, gen_time)?;
    check_signer_info(signer_info, signer, tst_der)?;
    Ok(Checked { tst, anchored: anchor.is_some(), gen_time: gen_time_text })
}

fn malformed(why: &str) -> TimestampError {
    TimestampError::Malformed(why.to_string())
}

/// The encapsulated TSTInfo: its DER bytes (what the message digest covers) and its value.
fn tst_info(signed: &SignedData) -> Result<(&[u8], TstInfo), TimestampError> {
    let encap = &signed.encap_content_info;
    if encap.econtent_type != ID_CT_TST_INFO {
        return Err(malformed("the token does not hold a TSTInfo"));
    }
    let content = encap.econtent.as_ref().ok_or_else(|| malformed("the token's TSTInfo is missing"))?;
    if content.tag() != der::Tag::OctetString {
        return Err(malformed("the token's TSTInfo is not an OCTET STRING"));
    }
    let tst = der_lengths::from_der::<TstInfo>(content.value()).map_err(|e| malformed(&e.to_string()))?;
    Ok((content.value(), tst))
}

fn carried_certificates(signed: &SignedData) -> Vec<&Certificate> {
    let Some(set) = &signed.certificates else { return Vec::new() };
    set.0
        .iter()
        .filter_map(|c| match c {
            CertificateChoices::Certificate(cert) => Some(cert),
            _ => None,
        })
        .collect()
}

/// Whether `cert` is the one a signer identifier names.
fn identifies(sid: &SignerIdentifier, cert: &Certificate) -> bool {
    let tbs = &cert.tbs_certificate;
    match sid {
        SignerIdentifier::IssuerAndSerialNumber(named) => {
            named.issuer == tbs.issuer && named.serial_number == tbs.serial_number
        }
        SignerIdentifier::SubjectKeyIdentifier(ski) => {
            extension::<SubjectKeyIdentifier>(cert, ID_CE_SUBJECT_KEY_IDENTIFIER).is_some_and(|(_, own)| own == *ski)
        }
    }
}

/// A certificate's extension `oid`, decoded, with its criticality.
fn extension<'a, T: Decode<'a>>(cert: &'a Certificate, oid: ObjectIdentifier) -> Option<(bool, T)> {
    let ext = cert.tbs_certificate.extensions.as_ref()?.iter().find(|e| e.extn_id == oid)?;
    der_lengths::from_der::<T>(ext.extn_value.as_bytes()).ok().map(|value| (ext.critical, value))
}

/// The signer is the anchor, or the anchor (a CA, valid at the token's time) issued and signed it.
fn check_chain(signer: &Certificate, anchor: &Certificate, gen_time: Duration) -> Result<(), TimestampError> {
    if signer == anchor {
        return Ok(());
    }
    let is_ca = extension::<BasicConstraints>(anchor, ID_CE_BASIC_CONSTRAINTS).is_some_and(|(_, b)| b.ca);
    if !is_ca || signer.tbs_certificate.issuer != anchor.tbs_certificate.subject {
        return Err(TimestampError::UntrustedSigner);
    }
    let tbs = signer.tbs_certificate.to_der().map_err(|_| TimestampError::UntrustedSigner)?;
    let sig = signer.signature.as_bytes().ok_or(TimestampError::UntrustedSigner)?;
    let spki = &anchor.tbs_certificate.subject_public_key_info;
    signature::verify(spki, &signer.signature_algorithm, None, &tbs, sig).map_err(|e| match e {
        TimestampError::BadSignature => TimestampError::UntrustedSigner,
        other => other,
    })?;
    check_validity(anchor, gen_time)
}

/// RFC 3161 section 2.3: the signer's certificate has exactly one extended key usage, timeStamping,
/// marked critical.
fn check_timestamping(signer: &Certificate) -> Result<(), TimestampError> {
    match extension::<ExtendedKeyUsage>(signer, ID_CE_EXT_KEY_USAGE) {
        Some((true, usage)) if usage.0 == [ID_KP_TIME_STAMPING] => Ok(()),
        _ => Err(TimestampError::NotForTimestamping),
    }
}

/// The token's time lies within the certificate's validity: a token made with an expired (or not yet
/// valid) certificate is refused.
fn check_validity(cert: &Certificate, gen_time: Duration) -> Result<(), TimestampError> {
    let validity = &cert.tbs_certificate.validity;
    let (from, to) = (validity.not_before.to_unix_duration(), validity.not_after.to_unix_duration());
    if gen_time < from || gen_time > to {
        return Err(TimestampError::CertificateNotValid {
            gen_time: rfc3339(gen_time),
            not_before: rfc3339(from),
            not_after: rfc3339(to),
        });
    }
    Ok(())
}

/// The signed attributes name the TSTInfo content type and carry its digest, and their DER is signed by
/// the signer's key.
fn check_signer_info(info: &SignerInfo, signer: &Certificate, tst_der: &[u8]) -> Result<(), TimestampError> {
    let digest = hash_of(&info.digest_alg)?;
    let attrs = info.signed_attrs.as_ref().ok_or_else(|| malformed("the token has no signed attributes"))?;
    let single = |oid: ObjectIdentifier| {
        let mut found = attrs.iter().filter(|a| a.oid == oid);
        match (found.next(), found.next()) {
            (Some(attr), None) if attr.values.len() == 1 => attr.values.get(0),
            _ => None,
        }
    };
    let content_type = single(ID_CONTENT_TYPE).and_then(|v| v.decode_as::<ObjectIdentifier>().ok());
    if content_type != Some(ID_CT_TST_INFO) {
        return Err(malformed("the signed attributes do not name a TSTInfo"));
    }
    let message_digest = single(ID_MESSAGE_DIGEST).and_then(|v| v.decode_as::<OctetString>().ok());
    if message_digest.as_ref().map(OctetString::as_bytes) != Some(digest.digest(tst_der).as_slice()) {
        return Err(TimestampError::BadSignature);
    }
    // The signature covers the attributes encoded as a SET OF (RFC 5652 section 5.4), not as the [0] field.
    let signed_bytes = attrs.to_der().map_err(|_| TimestampError::BadSignature)?;
    let spki = &signer.tbs_certificate.subject_public_key_info;
    signature::verify(spki, &info.signature_algorithm, Some(digest), &signed_bytes, info.signature.as_bytes())?;
    ess::check(attrs, &signer.to_der().map_err(|_| TimestampError::OtherCertificateNamed)?)
}
