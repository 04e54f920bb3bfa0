//! The ESS signing-certificate attribute (RFC 2634 section 5.4, RFC 5035), which RFC 3161 section 2.4.1
//! requires among a token's signed attributes: the hash of the signer's certificate, under the signature.
//! Without it, a certificate carried beside the signature could be swapped for another with the same key
//! (a renewed certificate valid at another time, say) and the token would still verify.

use super::signature::hash_of;
use super::TimestampError;
use cms::signed_data::SignedAttributes;
use der::asn1::{Any, OctetString};
use der::oid::ObjectIdentifier;
use der::Sequence;
use sha1::{Digest, Sha1};
use sha2::Sha256;
use x509_cert::spki::AlgorithmIdentifierOwned;

/// id-aa-signingCertificate: certificate hashes in SHA-1.
const ID_AA_SIGNING_CERTIFICATE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.12");
/// id-aa-signingCertificateV2: certificate hashes in a named algorithm, SHA-256 by default.
const ID_AA_SIGNING_CERTIFICATE_V2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.47");

/// `ESSCertID ::= SEQUENCE { certHash OCTET STRING, issuerSerial IssuerSerial OPTIONAL }`
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct EssCertId {
    cert_hash: OctetString,
    #[asn1(optional = "true")]
    issuer_serial: Option<Any>,
}

/// `SigningCertificate ::= SEQUENCE { certs SEQUENCE OF ESSCertID, policies ... OPTIONAL }`
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct SigningCertificate {
    certs: Vec<EssCertId>,
    #[asn1(optional = "true")]
    policies: Option<Any>,
}

/// `ESSCertIDv2 ::= SEQUENCE { hashAlgorithm DEFAULT sha256, certHash OCTET STRING, issuerSerial OPTIONAL }`
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct EssCertIdV2 {
    #[asn1(optional = "true")]
    hash_algorithm: Option<AlgorithmIdentifierOwned>,
    cert_hash: OctetString,
    #[asn1(optional = "true")]
    issuer_serial: Option<Any>,
}

/// `SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2, policies ... OPTIONAL }`
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct SigningCertificateV2 {
    certs: Vec<EssCertIdV2>,
    #[asn1(optional = "true")]
    policies: Option<Any>,
}

/// The first certificate the attribute names (the signer's, by RFC 2634) is `signer_der`.
pub(crate) fn check(attrs: &SignedAttributes, signer_der: &[u8]) -> Result<(), TimestampError> {
    let value = |oid| attrs.iter().find(|a| a.oid == oid).and_then(|a| a.values.get(0));
    let matches = if let Some(v2) = value(ID_AA_SIGNING_CERTIFICATE_V2) {
        let named = v2.decode_as::<SigningCertificateV2>().map_err(|_| missing())?;
        let first = named.certs.first().ok_or_else(missing)?;
        let hash = match &first.hash_algorithm {
            Some(alg) => hash_of(alg)?.digest(signer_der),
            None => Sha256::digest(signer_der).to_vec(),
        };
        first.cert_hash.as_bytes() == hash.as_slice()
    } else if let Some(v1) = value(ID_AA_SIGNING_CERTIFICATE) {
        let named = v1.decode_as::<SigningCertificate>().map_err(|_| missing())?;
        let first = named.certs.first().ok_or_else(missing)?;
        first.cert_hash.as_bytes() == Sha1::digest(signer_der).as_slice()
    } else {
        return Err(missing());
    };
    if matches {
        Ok(())
    } else {
        Err(TimestampError::OtherCertificateNamed)
    }
}

fn missing() -> TimestampError {
    TimestampError::Malformed("the token does not name its signing certificate (ESS signing certificate)".into())
}
