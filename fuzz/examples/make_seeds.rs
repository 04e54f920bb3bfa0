//! Makes the committed seed corpus in `fuzz/seeds/<target>/`: a real vault's key slot files, a real export
//! (sealed to the fuzzing identity, and one with a passphrase), its tar and its bag packed file by file,
//! checkpoints signed by the fuzzing key with cosignatures, proofs of small trees, CSV files and one JSON
//! value per IPC input type. Run by `make fuzz-seeds`; the seeds are small (a few KiB each).

use custodia_core::checkpoint::{key_id, origin_for, Checkpoint};
use custodia_core::{
    merkle, AddOptions, ExportRequest, ExportSelection, KdfParams, Protection, RecipientKind, SecretString, Session,
    StrengthPolicy, Vault,
};
use custodia_fuzz::ipc;
use std::io::Read;
use std::path::{Path, PathBuf};

const PASSPHRASE: &str = "correct horse battery staple";

fn main() {
    let out = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "fuzz/seeds".into()));
    let work = tempfile::tempdir().expect("a temporary folder");
    let bundles = vault_seeds(&out, work.path());
    for (name, bundle) in &bundles {
        write(&out, "bundle_age", name, bundle);
        if let Some(tar) = open(bundle) {
            write(&out, "bag_checks", name, &custodia_fuzz::pack_files(&bag_files(&tar)));
            write(&out, "checkpoint_note", &format!("{name}-signature"), &signature_of(&tar));
            write(&out, "bundle_tar", name, &tar);
        }
    }
    note_seeds(&out);
    merkle_seeds(&out);
    csv_seeds(&out);
    ipc_seeds(&out);
    timestamp_seeds(&out, work.path());
}

fn write(out: &Path, target: &str, name: &str, bytes: &[u8]) {
    let dir = out.join(target);
    std::fs::create_dir_all(&dir).expect("the seed folder");
    std::fs::write(dir.join(name), bytes).expect("a seed file");
}

/// A vault with two items: its key slot files before and after a recovery key, and two exports.
fn vault_seeds(out: &Path, work: &Path) -> Vec<(String, Vec<u8>)> {
    let root = work.join("vault");
    let session = || Session::new("Seed Maker", "dev-seeds").expect("a session");
    let pass = SecretString::from(PASSPHRASE.to_string());
    let mut vault =
        Vault::create(&root, &pass, StrengthPolicy::Required, KdfParams::FLOOR, session()).expect("a new vault");
    write(out, "keyslots", "passphrase-slot.json", &std::fs::read(root.join("keyslots.json")).expect("slots"));
    vault.create_recovery_key().expect("a recovery key");
    write(out, "keyslots", "with-recovery.json", &std::fs::read(root.join("keyslots.json")).expect("slots"));
    let mut items = Vec::new();
    for (name, bytes) in [("photo 50%.jpg", &b"\xff\xd8\xff photo bytes"[..]), ("شهادة.txt", "testimony".as_bytes())]
    {
        let source = work.join(name);
        std::fs::write(&source, bytes).expect("a source file");
        items.push(vault.add_file(&source, &AddOptions::default(), &mut |_| custodia_core::Flow::Continue));
    }
    let items: Vec<String> = items.into_iter().map(|a| a.expect("an item").item.id).collect();
    let recipient = custodia_fuzz::identity().to_public().to_string();
    let protections = [
        ("to-key", Protection::Recipients(vec![recipient])),
        ("passphrase", Protection::Passphrase(pass.clone(), StrengthPolicy::Required)),
    ];
    let mut bundles = Vec::new();
    for (name, protection) in protections {
        let request = ExportRequest {
            selection: ExportSelection {
                items: items.clone(),
                interviews: Vec::new(),
                incident: None,
                recipient_kind: RecipientKind::Icc,
            },
            protection,
            output: work.join(format!("{name}.custodia.age")),
            description: "seed".into(),
            organisation: "Fuzzing".into(),
            contact_name: String::new(),
        };
        let exported = vault.export(&request, &mut |_| custodia_core::Flow::Continue).expect("an export");
        bundles.push((name.to_string(), std::fs::read(exported.path).expect("the bundle")));
    }
    vault.close().expect("close");
    bundles
}

/// The tar inside a bundle sealed to the fuzzing identity (`None` for a passphrase bundle).
fn open(bundle: &[u8]) -> Option<Vec<u8>> {
    let decryptor = age::Decryptor::new(bundle).ok()?;
    let identity = custodia_fuzz::identity();
    let mut reader = decryptor.decrypt(std::iter::once(&identity as &dyn age::Identity)).ok()?;
    let mut tar = Vec::new();
    reader.read_to_end(&mut tar).ok()?;
    Some(tar)
}

/// The files of the bag in `tar`, by path relative to the bag.
fn bag_files(tar: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = tar::Archive::new(tar);
    let mut files = Vec::new();
    for entry in archive.entries().expect("a tar") {
        let mut entry = entry.expect("an entry");
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let path = entry.path().expect("a path").to_string_lossy().into_owned();
        let rel = path.split_once('/').map_or(path.clone(), |(_, rel)| rel.to_string());
        let mut content = Vec::new();
        entry.read_to_end(&mut content).expect("the content");
        files.push((rel, content));
    }
    files
}

fn signature_of(tar: &[u8]) -> Vec<u8> {
    let files = bag_files(tar);
    files.into_iter().find(|(p, _)| p == "custody/signature").map(|(_, c)| c).unwrap_or_default()
}

/// Checkpoints signed by the fuzzing key, alone and with cosignatures by witnesses.
fn note_seeds(out: &Path) {
    use base64::Engine;
    let key = custodia_fuzz::signing_key();
    let leaves: Vec<merkle::Hash> = (0u8..5).map(|i| merkle::leaf_hash(&[i])).collect();
    let checkpoint =
        Checkpoint { origin: origin_for("0123456789abcdef0123456789abcdef"), size: 5, root: merkle::root(&leaves) };
    let note = checkpoint.sign(&key);
    write(out, "checkpoint_note", "signed", note.as_bytes());
    let witness = ed25519_dalek::SigningKey::from_bytes(&[9; 32]);
    let body = checkpoint.body();
    let mut blob = key_id("witness.example/w1", &witness.verifying_key()).to_vec();
    blob.extend_from_slice(&ed25519_dalek::Signer::sign(&witness, body.as_bytes()).to_bytes());
    let line = format!("\u{2014} witness.example/w1 {}\n", base64::engine::general_purpose::STANDARD.encode(blob));
    write(out, "checkpoint_note", "cosigned-after", format!("{note}{line}").as_bytes());
    let (head, own) = note.split_at(note.rfind("\n\n").expect("a signed note") + 2);
    write(out, "checkpoint_note", "cosigned-before", format!("{head}{line}{own}").as_bytes());
}

/// Proofs taken from the input (kinds 0 and 1) and made for a tree (kind 2), in the target's layout.
fn merkle_seeds(out: &Path) {
    let leaves: Vec<merkle::Hash> = (0u8..7).map(|i| merkle::leaf_hash(&[i])).collect();
    let root = merkle::root(&leaves);
    let mut inclusion = vec![0u8];
    inclusion.extend_from_slice(&3u64.to_le_bytes());
    inclusion.extend_from_slice(&7u64.to_le_bytes());
    inclusion.extend_from_slice(&leaves[3]);
    inclusion.extend_from_slice(&root);
    merkle::inclusion_proof(&leaves, 3).expect("a proof").iter().for_each(|h| inclusion.extend_from_slice(h));
    write(out, "merkle_proof", "inclusion-3-of-7", &inclusion);
    let mut consistency = vec![1u8];
    consistency.extend_from_slice(&3u64.to_le_bytes());
    consistency.extend_from_slice(&7u64.to_le_bytes());
    consistency.extend_from_slice(&merkle::root(&leaves[..3]));
    consistency.extend_from_slice(&root);
    merkle::consistency_proof(&leaves, 3).expect("a proof").iter().for_each(|h| consistency.extend_from_slice(h));
    write(out, "merkle_proof", "consistency-3-to-7", &consistency);
    write(out, "merkle_proof", "made-for-a-tree", &[2, 200, 1, 77, 0, 130, 0, 5, 3]);
}

fn csv_seeds(out: &Path) {
    let header = "ref,full_name,other_names,sex,birth_date,birth_place,residence,phone,id_number\n";
    let rows = "R-1,Amina Yusuf,Amina Y.;A. Yusuf,female,1990-04-26,Kano,Lagos,+234 801 234 5678,A1234\n\
                R-2,\"Okafor, Chidi\",,male,04/1985,,\"Enugu\nnorth\",,\n\
                ,Олена Коваленко,,unknown,1979,Харків,,,\n";
    write(out, "person_csv", "three-rows.csv", format!("{header}{rows}").as_bytes());
    write(out, "person_csv", "with-bom.csv", format!("\u{feff}{header}R-9,شهادة عمر,,male,,,,,\n").as_bytes());
    write(out, "person_csv", "duplicate-ref.csv", format!("{header}R-1,A B,,,,,,,\nR-1,C D,,,,,,,\n").as_bytes());
}

fn json(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value).expect("a DTO serialises")
}

/// One JSON value per IPC input type, behind the byte that picks the type in the target.
fn ipc_seeds(out: &Path) {
    let person = r#"{"reference":"R-1","full_name":"Amina Yusuf","other_names":["A. Yusuf"],"sex":"female","birth_date":"26/04/1990","birth_place":"Kano","residence":"Lagos","phone":"+234 801 234 5678","id_number":"A1","minor":false,"sgbv_survivor":true,"notes":"n"}"#;
    let edit = r#"{"full_name":"Amina Yusuf","other_names":[],"sex":"unknown","birth_date":"1990","birth_place":"","residence":"","phone":"","id_number":"","minor":true,"sgbv_survivor":false,"notes":""}"#;
    let consent = r#"{"person":"P-7F3K","interview":"T-1","status":"given","date":"2024-05-01","method":"written","scan_item":null,"scopes":[{"recipient":"icc","identity":true}]}"#;
    let export = r#"{"selection":{"items":["E-7F3KQ-M2XPA"],"interviews":[],"incident":" ","recipient_kind":"lawyer"},"recipient":"R-1","passphrase":"a long passphrase here","description":"d"}"#;
    let recipient = r#"{"name":"Lawyer","organisation":"Org","kind":"icc","public_key":"age15lm00lv268mwjfkpyn370e6u5apg0xs3dgr6w2eslns3k64z0v4qu8amce"}"#;
    let open = r#"{"passphrase":"correct horse battery staple","signer":"acid bison"}"#;
    let settings = r#"{"language":"en","idle_lock_minutes":5}"#;
    let harm = r#"{"duplicate_threshold":0.85,"cooldown_days":30,"max_interviews":3,"testimony_similarity":0.8,"min_testimony_similarity":0.5}"#;
    let interview = json(&ipc::InterviewInputDto {
        person: "P-7F3K".into(),
        interviewers: vec!["Interviewer".into()],
        date: "2024-05-01".into(),
        place: "Goma".into(),
        transcript: "what was said".into(),
        ..Default::default()
    });
    let interview_edit = json(&ipc::InterviewEditDto { summary: Some("s".into()), ..Default::default() });
    let incident = json(&ipc::IncidentInputDto {
        date_from: "2024-01-01".into(),
        place: "Goma".into(),
        kind: "attack".into(),
        ..Default::default()
    });
    let filter = r#"{"item":"E-1","actor":null,"action":"item.added","from":"2024-01-01","to":null,"before_seq":12.0,"limit":50}"#;
    let values = [
        person,
        edit,
        consent,
        export,
        recipient,
        open,
        settings,
        harm,
        &interview,
        &interview_edit,
        &incident,
        filter,
    ];
    for (kind, json) in values.iter().enumerate() {
        let mut seed = vec![kind as u8];
        seed.extend_from_slice(json.as_bytes());
        write(out, "ipc_dto", &format!("kind-{kind:02}.json"), &seed);
    }
}

/// Replies of OpenSSL's `ts -reply` (RSA and ECDSA P-256) made by `scripts/tsa-server.py`, as the tests'
/// authority makes them; python3 and openssl are among the project's dependencies.
fn timestamp_seeds(out: &Path, work: &Path) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/tsa-server.py");
    let certs = work.join("tsa-certs");
    let made = std::process::Command::new("python3").arg(&script).arg("make-certs").arg(&certs).status();
    assert!(made.is_ok_and(|s| s.success()), "tsa-server.py make-certs");
    let query = work.join("query.tsq");
    let asked = std::process::Command::new("openssl")
        .args(["ts", "-query", "-sha256", "-cert", "-digest"])
        .arg("0".repeat(64))
        .arg("-out")
        .arg(&query)
        .status();
    assert!(asked.is_ok_and(|s| s.success()), "openssl ts -query");
    for signer in ["tsa", "ec256"] {
        let reply = std::process::Command::new("python3")
            .arg(&script)
            .args(["reply", "--key"])
            .arg(certs.join(format!("{signer}.key")))
            .arg("--cert")
            .arg(certs.join(format!("{signer}.pem")))
            .stdin(std::fs::File::open(&query).expect("the query"))
            .output()
            .expect("tsa-server.py reply");
        assert!(reply.status.success(), "tsa-server.py reply");
        write(out, "timestamp_reply", signer, &reply.stdout);
    }
}
