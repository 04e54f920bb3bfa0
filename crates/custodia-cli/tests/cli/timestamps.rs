//! Trusted time (issue 11, point 5): RFC 3161 timestamps from a real authority, OpenSSL's `openssl ts
//! -reply` behind `scripts/tsa-server.py`, run on 127.0.0.1 by each test and killed when it ends.

use crate::common::*;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/tsa-server.py")
}

/// A throwaway CA and time-stamping certificates (see the script): ca, tsa, expired, other.
fn certs(env: &Env) -> PathBuf {
    let dir = env.dir.path().join("certs");
    let made = Command::new("python3").arg(script()).arg("make-certs").arg(&dir).output().expect("python3");
    assert!(made.status.success(), "make-certs: {}", String::from_utf8_lossy(&made.stderr));
    dir
}

/// The authority, answering as `mode` says with the key of `signer`; killed on drop.
struct Tsa {
    child: Child,
    url: String,
}

impl Tsa {
    fn start(certs: &Path, signer: &str, mode: &str, port: u16) -> Tsa {
        let mut child = Command::new("python3")
            .arg(script())
            .args(["serve", "--mode", mode, "--port", &port.to_string(), "--max-requests", "10", "--lifetime", "120"])
            .arg("--key")
            .arg(certs.join(format!("{signer}.key")))
            .arg("--cert")
            .arg(certs.join(format!("{signer}.pem")))
            .stdout(Stdio::piped())
            .spawn()
            .expect("start tsa-server.py");
        let mut line = String::new();
        let stdout = child.stdout.take().expect("stdout");
        std::io::BufReader::new(stdout).read_line(&mut line).expect("the port");
        let port: u16 = line.trim().parse().unwrap_or_else(|_| panic!("tsa-server.py printed {line:?}"));
        Tsa { child, url: format!("http://127.0.0.1:{port}/tsa") }
    }
}

impl Drop for Tsa {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port of 127.0.0.1 where nothing listens (the OS chose it, then it was let go).
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("address").port()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn pem(certs: &Path, name: &str) -> String {
    path_str(&certs.join(format!("{name}.pem"))).to_string()
}

fn listed(env: &Env) -> Vec<serde_json::Value> {
    let out = env.run(&["timestamp", "list", "--json"]);
    assert_success(&out, "timestamp list --json");
    json_lines(&out)
}

fn timestamped_events(env: &Env) -> Vec<serde_json::Value> {
    let log = json_lines(&env.run(&["log", "--json"]));
    log.into_iter().filter(|e| e["action"] == "checkpoint.timestamped").collect()
}

#[test]
fn a_token_from_a_real_authority_is_kept_listed_and_verified_and_another_certificate_fails() {
    let env = Env::new();
    let certs = certs(&env);
    let tsa = Tsa::start(&certs, "tsa", "good", 0);
    let out = env.run(&["timestamp", "--tsa", &tsa.url, "--tsa-cert", &pem(&certs, "ca")]);
    assert_success(&out, "timestamp");
    assert!(stdout(&out).contains("Checked against the certificate"), "{}", stdout(&out));

    let rows = listed(&env);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["state"], "stamped");
    let stamp = &rows[0]["timestamp"];
    assert_eq!(stamp["tsa_url"], tsa.url.as_str());
    assert!(stamp["gen_time"].as_str().is_some_and(|t| t.ends_with('Z')), "{stamp}");
    let ca_fingerprint = sha256_hex(&pem_der(&certs.join("ca.pem")));
    assert_eq!(stamp["tsa_cert_sha256"], ca_fingerprint.as_str(), "checked against the CA given");
    assert!(stdout(&env.run(&["timestamp", "list"])).contains("#1"));

    let events = timestamped_events(&env);
    assert_eq!(events.len(), 1, "one custody event per token");
    assert_eq!(events[0]["details"]["tsa_cert_sha256"], ca_fingerprint.as_str());

    for good in ["ca", "tsa"] {
        let out = env.run(&["timestamp", "verify", "--tsa-cert", &pem(&certs, good)]);
        assert_success(&out, good);
        assert!(stdout(&out).starts_with("OK"), "{}", stdout(&out));
    }
    let out = env.run(&["timestamp", "verify", "--tsa-cert", &pem(&certs, "other")]);
    assert_eq!(out.status.code(), Some(3), "another certificate: {}", stdout(&out));
    assert!(stdout(&out).contains("FAILED") && stdout(&out).contains("not signed with"), "{}", stdout(&out));
    assert_success(&env.run(&["verify"]), "the custody log holds with the timestamp event in it");
}

/// The DER of a PEM certificate file, through openssl (as the fingerprint a user would compute).
fn pem_der(file: &Path) -> Vec<u8> {
    let out = Command::new("openssl").args(["x509", "-outform", "DER", "-in"]).arg(file).output().expect("openssl");
    assert!(out.status.success());
    out.stdout
}

#[test]
fn offline_the_request_is_queued_and_the_next_call_sends_it() {
    let env = Env::new();
    let certs = certs(&env);
    let port = closed_port();
    let url = format!("http://127.0.0.1:{port}/tsa");
    let out = env.run(&["timestamp", "--tsa", &url, "--tsa-cert", &pem(&certs, "ca")]);
    assert_success(&out, "an unreachable authority queues the request");
    assert!(stderr(&out).contains("was not reached") && stderr(&out).contains("is kept"), "{}", stderr(&out));
    let rows = listed(&env);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["state"], "queued");
    assert!(rows[0]["timestamp"]["gen_time"].is_null());
    assert!(timestamped_events(&env).is_empty());
    assert_success(&env.run(&["timestamp", "--send-queued"]), "still offline");
    assert_eq!(listed(&env).len(), 1, "still one queued request, not a second");

    let _tsa = Tsa::start(&certs, "tsa", "good", port);
    let out = env.run(&["timestamp", "--send-queued"]);
    assert_success(&out, "sent once the authority answers");
    assert!(stdout(&out).contains("Checked against the certificate"), "queued with the CA: {}", stdout(&out));
    let rows = listed(&env);
    assert_eq!((rows.len(), &rows[0]["state"]), (1, &serde_json::json!("stamped")), "{rows:?}");
    assert_eq!(timestamped_events(&env).len(), 1);
    assert_success(&env.run(&["timestamp", "verify", "--tsa-cert", &pem(&certs, "ca")]), "verify");
    assert!(stderr(&env.run(&["timestamp", "--send-queued"])).contains("No request is waiting"));
}

#[test]
fn each_bad_reply_is_refused_by_name_and_the_vault_keeps_no_token_and_no_event() {
    let env = Env::new();
    let certs = certs(&env);
    let cases = [
        ("tsa", "other-hash", "another hash"),
        ("tsa", "other-nonce", "nonce"),
        ("tsa", "reject", "refused the request"),
        ("tsa", "garbage", "not a valid RFC 3161"),
        ("tsa", "oversize", "larger than 65536 bytes"),
        ("tsa", "http-error", "HTTP status 500"),
        ("other", "good", "not signed with the given certificate"),
        ("expired", "good", "had expired"),
    ];
    for (signer, mode, said) in cases {
        let tsa = Tsa::start(&certs, signer, mode, 0);
        let out = env.run(&["timestamp", "--tsa", &tsa.url, "--tsa-cert", &pem(&certs, "ca")]);
        assert_eq!(out.status.code(), Some(1), "{signer}/{mode} refused: {}", stderr(&out));
        assert!(stderr(&out).contains(said), "{signer}/{mode}: {}", stderr(&out));
        assert!(listed(&env).is_empty(), "{signer}/{mode} left a row");
        assert!(timestamped_events(&env).is_empty(), "{signer}/{mode} left an event");
    }
}

#[test]
fn an_address_or_certificate_that_is_not_one_is_refused_before_anything_is_stored() {
    let env = Env::new();
    let certs = certs(&env);
    for url in ["file:///etc/passwd", "ftp://127.0.0.1/", "http://", "http://127.0.0.1/a b", "127.0.0.1:80"] {
        let out = env.run(&["timestamp", "--tsa", url]);
        assert_eq!(out.status.code(), Some(1), "{url}");
        assert!(stderr(&out).contains("http:// or https://"), "{url}: {}", stderr(&out));
    }
    let not_a_cert = env.file("not-a-cert.pem", b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    let out = env.run(&["timestamp", "--tsa", "http://127.0.0.1:9/", "--tsa-cert", path_str(&not_a_cert)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("one X.509 certificate"), "{}", stderr(&out));
    let out = env.run(&["timestamp", "verify", "--tsa-cert", path_str(&not_a_cert)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(listed(&env).is_empty());
    let out = env.run(&["timestamp", "verify", "--tsa-cert", &pem(&certs, "ca")]);
    assert_success(&out, "nothing to verify");
    assert!(stderr(&out).contains("No timestamps yet"), "{}", stderr(&out));
}

#[test]
fn a_token_taken_without_a_certificate_is_kept_as_not_checked_until_verified_against_one() {
    let env = Env::new();
    let certs = certs(&env);
    let tsa = Tsa::start(&certs, "ec256", "fraction", 0);
    let out = env.run(&["timestamp", "--tsa", &tsa.url]);
    assert_success(&out, "timestamp without --tsa-cert");
    assert!(stdout(&out).contains("not checked against a certificate"), "{}", stdout(&out));
    let rows = listed(&env);
    assert!(rows[0]["timestamp"]["tsa_cert_sha256"].is_null(), "{rows:?}");
    assert!(rows[0]["timestamp"]["gen_time"].as_str().is_some_and(|t| t.contains('.')), "milliseconds kept");
    assert!(stdout(&env.run(&["timestamp", "list"])).contains("not checked against a certificate"));
    assert_success(&env.run(&["timestamp", "verify", "--tsa-cert", &pem(&certs, "ca")]), "checked later");
    let out = env.run(&["timestamp", "verify", "--tsa-cert", &pem(&certs, "tsa")]);
    assert_eq!(out.status.code(), Some(3), "the RSA authority did not sign it: {}", stdout(&out));

    let expired = Tsa::start(&certs, "expired", "good", 0);
    let out = env.run(&["timestamp", "--tsa", &expired.url]);
    assert_eq!(out.status.code(), Some(1), "an expired certificate, even with none given: {}", stderr(&out));
    assert_eq!(listed(&env).len(), 1, "only the first token");
}
