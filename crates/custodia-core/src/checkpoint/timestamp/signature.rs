//! The signature algorithms a time-stamping authority may use, checked with RustCrypto's implementations:
//! RSA PKCS#1 v1.5 and ECDSA over P-256 or P-384, each with SHA-256, SHA-384 or SHA-512. Anything else is
//! refused by name rather than guessed at.

use super::TimestampError;
use der::oid::db::rfc5912::{
    ECDSA_WITH_SHA_256, ECDSA_WITH_SHA_384, ECDSA_WITH_SHA_512, ID_EC_PUBLIC_KEY, ID_SHA_256, ID_SHA_384, ID_SHA_512,
    RSA_ENCRYPTION, SECP_256_R_1, SECP_384_R_1, SHA_256_WITH_RSA_ENCRYPTION, SHA_384_WITH_RSA_ENCRYPTION,
    SHA_512_WITH_RSA_ENCRYPTION,
};
use der::oid::ObjectIdentifier;
use der::{Encode, Tagged};
use p256::ecdsa::signature::hazmat::PrehashVerifier;
use p256::pkcs8::DecodePublicKey;
use sha2::{Digest, Sha256, Sha384, Sha512};
use x509_cert::spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};

/// RSA keys shorter than this are refused: a token signed by one proves little.
const MIN_RSA_BITS: usize = 2048;

/// A hash function of the SHA-2 family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HashAlg {
    Sha256,
    Sha384,
    Sha512,
}

impl HashAlg {
    pub(crate) fn from_oid(oid: &ObjectIdentifier) -> Option<HashAlg> {
        match *oid {
            ID_SHA_256 => Some(HashAlg::Sha256),
            ID_SHA_384 => Some(HashAlg::Sha384),
            ID_SHA_512 => Some(HashAlg::Sha512),
            _ => None,
        }
    }

    pub(crate) fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            HashAlg::Sha256 => Sha256::digest(data).to_vec(),
            HashAlg::Sha384 => Sha384::digest(data).to_vec(),
            HashAlg::Sha512 => Sha512::digest(data).to_vec(),
        }
    }
}

/// The digest algorithm named by an algorithm identifier whose parameters are absent or NULL.
pub(crate) fn hash_of(alg: &AlgorithmIdentifierOwned) -> Result<HashAlg, TimestampError> {
    let params_ok = alg.parameters.as_ref().is_none_or(|p| p.tag() == der::Tag::Null && p.value().is_empty());
    match HashAlg::from_oid(&alg.oid) {
        Some(hash) if params_ok => Ok(hash),
        _ => Err(TimestampError::UnsupportedAlgorithm(alg.oid.to_string())),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum KeyKind {
    Rsa,
    Ecdsa,
}

/// The key kind and hash a signature algorithm names. `rsaEncryption` names no hash (CMS signer infos
/// use it with the hash of their digest algorithm): `digest` is then the hash, and must be given.
fn scheme(sig_alg: &ObjectIdentifier, digest: Option<HashAlg>) -> Option<(KeyKind, HashAlg)> {
    let named = match *sig_alg {
        SHA_256_WITH_RSA_ENCRYPTION => (KeyKind::Rsa, HashAlg::Sha256),
        SHA_384_WITH_RSA_ENCRYPTION => (KeyKind::Rsa, HashAlg::Sha384),
        SHA_512_WITH_RSA_ENCRYPTION => (KeyKind::Rsa, HashAlg::Sha512),
        ECDSA_WITH_SHA_256 => (KeyKind::Ecdsa, HashAlg::Sha256),
        ECDSA_WITH_SHA_384 => (KeyKind::Ecdsa, HashAlg::Sha384),
        ECDSA_WITH_SHA_512 => (KeyKind::Ecdsa, HashAlg::Sha512),
        RSA_ENCRYPTION => return digest.map(|d| (KeyKind::Rsa, d)),
        _ => return None,
    };
    // In a signer info the signature's hash must be the digest algorithm's.
    (digest.is_none_or(|d| d == named.1)).then_some(named)
}

/// Checks `signature` over `data` by the key `spki`, with the algorithm `sig_alg` (and, in a CMS signer
/// info, its digest algorithm `digest`).
pub(crate) fn verify(
    spki: &SubjectPublicKeyInfoOwned,
    sig_alg: &AlgorithmIdentifierOwned,
    digest: Option<HashAlg>,
    data: &[u8],
    signature: &[u8],
) -> Result<(), TimestampError> {
    let unsupported = || TimestampError::UnsupportedAlgorithm(sig_alg.oid.to_string());
    let (kind, hash) = scheme(&sig_alg.oid, digest).ok_or_else(unsupported)?;
    let hashed = hash.digest(data);
    let key_der = spki.to_der().map_err(|_| TimestampError::BadSignature)?;
    let verified = match (kind, spki.algorithm.oid) {
        (KeyKind::Rsa, RSA_ENCRYPTION) => verify_rsa(&key_der, hash, &hashed, signature)?,
        (KeyKind::Ecdsa, ID_EC_PUBLIC_KEY) => match curve_of(spki) {
            Some(SECP_256_R_1) => verify_p256(&key_der, &hashed, signature),
            Some(SECP_384_R_1) => verify_p384(&key_der, &hashed, signature),
            _ => return Err(TimestampError::UnsupportedAlgorithm(spki.algorithm.oid.to_string())),
        },
        _ => return Err(unsupported()),
    };
    if verified {
        Ok(())
    } else {
        Err(TimestampError::BadSignature)
    }
}

fn curve_of(spki: &SubjectPublicKeyInfoOwned) -> Option<ObjectIdentifier> {
    spki.algorithm.parameters.as_ref()?.decode_as::<ObjectIdentifier>().ok()
}

fn verify_rsa(key_der: &[u8], hash: HashAlg, hashed: &[u8], signature: &[u8]) -> Result<bool, TimestampError> {
    use rsa::traits::PublicKeyParts;
    // `from_public_key_der` refuses moduli above 4096 bits, which bounds the work.
    let key = rsa::RsaPublicKey::from_public_key_der(key_der).map_err(|_| TimestampError::BadSignature)?;
    if key.size() * 8 < MIN_RSA_BITS {
        return Err(TimestampError::UnsupportedAlgorithm(format!("RSA key of {} bits", key.size() * 8)));
    }
    let padding = match hash {
        HashAlg::Sha256 => rsa::Pkcs1v15Sign::new::<Sha256>(),
        HashAlg::Sha384 => rsa::Pkcs1v15Sign::new::<Sha384>(),
        HashAlg::Sha512 => rsa::Pkcs1v15Sign::new::<Sha512>(),
    };
    Ok(key.verify(padding, hashed, signature).is_ok())
}

/// ECDSA over one curve of RustCrypto's: the key from its SubjectPublicKeyInfo, the signature in DER.
macro_rules! verify_ecdsa {
    ($name:ident, $curve:ident) => {
        fn $name(key_der: &[u8], hashed: &[u8], signature: &[u8]) -> bool {
            let Ok(key) = $curve::ecdsa::VerifyingKey::from_public_key_der(key_der) else { return false };
            let Ok(signature) = $curve::ecdsa::Signature::from_der(signature) else { return false };
            key.verify_prehash(hashed, &signature).is_ok()
        }
    };
}
verify_ecdsa!(verify_p256, p256);
verify_ecdsa!(verify_p384, p384);
