//! The verifier on tokens made by OpenSSL (`openssl ts -reply`, through `scripts/tsa-server.py reply`),
//! with certificates made by `openssl req` and `openssl ca` for each test.

use super::request::{recheck, Request};
use super::{TimestampError, TsaCertificate};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

const NOTE: &str = "custodia.vault/test\n3\nAAAA\n\n\u{2014} custodia.vault/test sig\n";

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/tsa-server.py")
}

fn certs() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let made = Command::new("python3").arg(script()).arg("make-certs").arg(dir.path()).output().expect("python3");
    assert!(made.status.success(), "make-certs: {}", String::from_utf8_lossy(&made.stderr));
    dir
}

fn cert(dir: &Path, name: &str) -> TsaCertificate {
    TsaCertificate::parse(&std::fs::read(dir.join(format!("{name}.pem"))).expect("read cert")).expect("parse cert")
}

/// OpenSSL's reply to `request`, signed by the certificate `signer` of `dir`, as `mode` says.
fn reply(dir: &Path, signer: &str, request: &Request, mode: &str) -> Vec<u8> {
    let mut child = Command::new("python3")
        .arg(script())
        .args(["reply", "--mode", mode, "--key"])
        .arg(dir.join(format!("{signer}.key")))
        .arg("--cert")
        .arg(dir.join(format!("{signer}.pem")))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("python3");
    child.stdin.take().expect("stdin").write_all(&request.der).expect("write query");
    let out = child.wait_with_output().expect("reply");
    assert!(out.status.success(), "tsa-server.py reply failed");
    out.stdout
}

#[test]
fn tokens_signed_with_rsa_p256_and_p384_hold_against_the_ca_and_the_authoritys_own_certificate() {
    let dir = certs();
    let ca = cert(dir.path(), "ca");
    for signer in ["tsa", "ec256", "ec384"] {
        let request = Request::for_note(NOTE).expect("request");
        let reply = reply(dir.path(), signer, &request, "good");
        let (token, checked) = request.accept(&reply, Some(&ca.cert)).expect(signer);
        assert!(checked.anchored);
        assert!(request.accept(&reply, Some(&cert(dir.path(), signer).cert)).is_ok(), "{signer} against itself");
        let (_, unanchored) = request.accept(&reply, None).expect("without a certificate");
        assert!(!unanchored.anchored);
        assert!(recheck(&token, NOTE, Some(&ca.cert)).is_ok(), "{signer}: the kept token checks again");
        let other_note = NOTE.replace('3', "4");
        assert!(matches!(recheck(&token, &other_note, Some(&ca.cert)), Err(TimestampError::WrongImprint)));
    }
}

#[test]
fn a_token_whose_time_has_fractions_of_a_second_holds() {
    let dir = certs();
    let request = Request::for_note(NOTE).expect("request");
    let reply = reply(dir.path(), "tsa", &request, "fraction");
    let (_, checked) = request.accept(&reply, Some(&cert(dir.path(), "ca").cert)).expect("a time with milliseconds");
    assert!(checked.gen_time.ends_with('Z') && checked.gen_time.contains('.'), "{}", checked.gen_time);
}

#[test]
fn a_reply_for_another_hash_or_nonce_or_refused_or_garbage_is_refused_by_name() {
    let dir = certs();
    let ca = cert(dir.path(), "ca");
    type Expect = fn(&TimestampError) -> bool;
    let cases: [(&str, Expect); 5] = [
        ("other-hash", |e| matches!(e, TimestampError::WrongImprint)),
        ("other-nonce", |e| matches!(e, TimestampError::WrongNonce)),
        ("reject", |e| matches!(e, TimestampError::Rejected(_))),
        ("garbage", |e| matches!(e, TimestampError::Malformed(_))),
        ("oversize", |e| matches!(e, TimestampError::Malformed(_))),
    ];
    for (mode, expected) in cases {
        let request = Request::for_note(NOTE).expect("request");
        let error = request.accept(&reply(dir.path(), "tsa", &request, mode), Some(&ca.cert)).expect_err(mode);
        assert!(expected(&error), "{mode}: {error:?}");
    }
}

#[test]
fn a_token_signed_by_another_key_or_checked_against_another_certificate_is_refused() {
    let dir = certs();
    let request = Request::for_note(NOTE).expect("request");
    let impostor = reply(dir.path(), "other", &request, "good");
    let error = request.accept(&impostor, Some(&cert(dir.path(), "ca").cert)).expect_err("impostor");
    assert!(matches!(error, TimestampError::UntrustedSigner), "{error:?}");
    let genuine = reply(dir.path(), "tsa", &request, "good");
    for other in ["other", "ec256"] {
        let error = request.accept(&genuine, Some(&cert(dir.path(), other).cert)).expect_err(other);
        assert!(matches!(error, TimestampError::UntrustedSigner), "{other}: {error:?}");
    }
}

#[test]
fn a_token_from_an_expired_certificate_is_refused() {
    let dir = certs();
    let request = Request::for_note(NOTE).expect("request");
    let reply = reply(dir.path(), "expired", &request, "good");
    for anchor in ["ca", "expired"] {
        let error = request.accept(&reply, Some(&cert(dir.path(), anchor).cert)).expect_err(anchor);
        assert!(matches!(error, TimestampError::CertificateNotValid { .. }), "{anchor}: {error:?}");
    }
    assert!(request.accept(&reply, None).is_err(), "expired even without a certificate to check against");
}

#[test]
fn a_token_naming_its_certificate_by_sha1_holds() {
    let dir = certs();
    let request = Request::for_note(NOTE).expect("request");
    let reply = reply(dir.path(), "tsa", &request, "ess-sha1");
    assert!(request.accept(&reply, Some(&cert(dir.path(), "ca").cert)).is_ok());
}

/// The reply with its signer's certificate and identifier replaced by `cert`'s, the signature untouched
/// (neither is under it).
fn with_certificate_swapped(reply: &[u8], cert: &x509_cert::Certificate) -> Vec<u8> {
    use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
    use cms::signed_data::{CertificateSet, SignedData, SignerIdentifier, SignerInfos};
    use der::asn1::{Any, SetOfVec};
    use der::{Decode, Encode};
    let mut response = x509_tsp::TimeStampResp::from_der(reply).expect("a reply");
    let mut token = response.time_stamp_token.take().expect("a token");
    let mut signed: SignedData = token.content.decode_as().expect("signed data");
    let carried = vec![CertificateChoices::Certificate(cert.clone())];
    signed.certificates = Some(CertificateSet(SetOfVec::try_from(carried).expect("set")));
    let mut infos = signed.signer_infos.0.into_vec();
    infos[0].sid = SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
        issuer: cert.tbs_certificate.issuer.clone(),
        serial_number: cert.tbs_certificate.serial_number.clone(),
    });
    signed.signer_infos = SignerInfos(SetOfVec::try_from(infos).expect("set"));
    token.content = Any::encode_from(&signed).expect("encode");
    response.time_stamp_token = Some(token);
    response.to_der().expect("encode")
}

#[test]
fn a_renewed_certificate_of_the_same_key_cannot_stand_in_for_the_expired_one_that_signed() {
    let dir = certs();
    let ca = cert(dir.path(), "ca");
    let request = Request::for_note(NOTE).expect("request");
    let reply = reply(dir.path(), "expired", &request, "good");
    let renewed = cert(dir.path(), "renewed");
    let swapped = with_certificate_swapped(&reply, &renewed.cert);
    let error = request.accept(&swapped, Some(&ca.cert)).expect_err("the swapped certificate");
    assert!(matches!(error, TimestampError::OtherCertificateNamed), "{error:?}");
    // The swap itself is sound: the same token swapped back to its own certificate holds as before.
    let unswapped = with_certificate_swapped(&swapped, &cert(dir.path(), "expired").cert);
    let error = request.accept(&unswapped, Some(&ca.cert)).expect_err("expired");
    assert!(matches!(error, TimestampError::CertificateNotValid { .. }), "{error:?}");
}

#[test]
fn a_changed_byte_anywhere_in_a_reply_is_refused_without_a_panic() {
    let dir = certs();
    let ca = cert(dir.path(), "ca");
    let request = Request::for_note(NOTE).expect("request");
    let good = reply(dir.path(), "ec256", &request, "good");
    let mut last = good.clone();
    *last.last_mut().expect("bytes") ^= 0x01;
    assert!(request.accept(&last, Some(&ca.cert)).is_err(), "a changed signature byte");
    let mut accepted = Vec::new();
    for at in 0..good.len() {
        let mut bent = good.clone();
        bent[at] ^= 0x5a;
        if request.accept(&bent, Some(&ca.cert)).is_ok() {
            accepted.push(at);
        }
        assert!(request.accept(&good[..at], Some(&ca.cert)).is_err(), "cut at {at}");
    }
    assert!(accepted.is_empty(), "bytes changed and still accepted: {accepted:?} of {}", good.len());
}

#[test]
fn an_authority_that_trickles_its_reply_is_given_up_within_the_bound_and_the_request_stays_queued() {
    use super::http::{post_within, Sent};
    use std::io::BufRead;
    let dir = certs();
    let mut server = Command::new("python3")
        .arg(script())
        .args(["serve", "--mode", "slow", "--max-requests", "1", "--lifetime", "20", "--key"])
        .arg(dir.path().join("tsa.key"))
        .arg("--cert")
        .arg(dir.path().join("tsa.pem"))
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3");
    let mut port = String::new();
    std::io::BufReader::new(server.stdout.take().expect("stdout")).read_line(&mut port).expect("port");
    let started = std::time::Instant::now();
    let sent = post_within(&format!("http://127.0.0.1:{}/", port.trim()), b"query", Duration::from_secs(1));
    let waited = started.elapsed();
    let _ = server.kill();
    let _ = server.wait();
    assert!(matches!(sent, Ok(Sent::Unreachable(_))), "{sent:?}");
    assert!(waited < Duration::from_secs(5), "gave up after {waited:?}");
}

#[test]
fn only_http_and_https_addresses_are_taken() {
    use super::http::check_url;
    for good in ["http://127.0.0.1:8080/tsa", "https://freetsa.org/tsr", "HTTPS://TSA.EXAMPLE/"] {
        assert!(check_url(good).is_ok(), "{good}");
    }
    let long = format!("http://example.org/{}", "a".repeat(3000));
    for bad in ["", "http://", "ftp://x/", "file:///etc/passwd", "http://a b/", "http://x/\u{1b}[2J", "//x/", &long] {
        assert!(matches!(check_url(bad), Err(TimestampError::BadUrl)), "{bad:?}");
    }
}

#[test]
fn a_certificate_file_is_one_certificate_in_pem_or_der() {
    let dir = certs();
    let pem = std::fs::read(dir.path().join("tsa.pem")).expect("pem");
    let parsed = TsaCertificate::parse(&pem).expect("pem parses");
    let again = TsaCertificate::parse(parsed.der()).expect("der parses");
    assert_eq!(parsed.fingerprint(), again.fingerprint());
    let mut two = pem.clone();
    two.extend(std::fs::read(dir.path().join("ca.pem")).expect("ca"));
    for bad in [&two[..], b"not a certificate", &pem[..pem.len() / 2], b""] {
        assert!(matches!(TsaCertificate::parse(bad), Err(TimestampError::BadCertificate)));
    }
}

proptest::proptest! {
    #[test]
    fn any_bytes_as_a_reply_are_refused_without_a_panic(reply in proptest::collection::vec(proptest::num::u8::ANY, 0..4096)) {
        let request = Request::for_note(NOTE).expect("request");
        proptest::prop_assert!(request.accept(&reply, None).is_err());
        proptest::prop_assert!(recheck(&reply, NOTE, None).is_err());
    }
}
