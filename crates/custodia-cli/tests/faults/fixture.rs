//! The vault every run starts from, made once: items, a person with consent and an interview, a key to
//! export to, and a bundle from another vault to import. Each run works on its own copy of the folder.

use crate::common::*;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// A run's folder: the vault, its passphrase file and the material the operations use.
pub struct Run {
    pub env: Env,
    pub item: String,
    pub person: String,
    pub interview: String,
    pub public_key: String,
}

impl Run {
    pub fn path(&self, name: &str) -> PathBuf {
        self.env.dir.path().join(name)
    }

    pub fn arg(&self, name: &str) -> String {
        path_str(&self.path(name)).to_string()
    }
}

struct Template {
    run: Run,
}

/// A fresh copy of the template, in its own folder.
pub fn fresh() -> Run {
    static TEMPLATE: OnceLock<Template> = OnceLock::new();
    let template = &TEMPLATE.get_or_init(|| Template { run: make() }).run;
    let env = Env::empty();
    copy_tree(template.env.dir.path(), env.dir.path());
    Run {
        env,
        item: template.item.clone(),
        person: template.person.clone(),
        interview: template.interview.clone(),
        public_key: template.public_key.clone(),
    }
}

fn make() -> Run {
    let env = Env::new();
    std::fs::create_dir(env.dir.path().join("outbox")).expect("outbox");
    let kept = env.file("kept.bin", b"evidence acknowledged before any fault");
    let out = env.run(&["add", path_str(&kept), "--json"]);
    assert_success(&out, "add");
    let item = json_lines(&out)[0]["id"].as_str().expect("id").to_string();
    env.file("new.bin", &(0..300_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8).collect::<Vec<_>>());
    env.file("persons.csv", b"ref,full_name,other_names,sex,birth_date,birth_place,residence,phone,id_number\nR9,Oleksandr Petrenko,,M,1984,,,,\n");
    let out = env.run(&["person", "add", "--name", "Amina Yusuf", "--birth-date", "1990", "--json"]);
    assert_success(&out, "person add");
    let person = json_lines(&out).last().expect("line")["person"]["id"].as_str().expect("id").to_string();
    let consent = ["consent", "record", "--person", &person, "--status", "given", "--date", "2026-11-02"];
    let mut consent = consent.to_vec();
    consent.extend(["--method", "oral", "--scope", "partner_ngo"]);
    assert_success(&env.run(&consent), "consent");
    let add = ["interview", "add", "--person", &person, "--interviewer", "A. Haroun", "--date", "2026-11-02"];
    let mut add = add.to_vec();
    add.extend(["--justification", "First interview of this person, recorded here.", "--json"]);
    let out = env.run(&add);
    assert_success(&out, "interview add");
    let interview = json_lines(&out).last().expect("line")["interview"]["id"].as_str().expect("id").to_string();
    let key = env.dir.path().join("key.txt");
    let out = env.run(&["keygen", "--output", path_str(&key), "--json"]);
    assert_success(&out, "keygen");
    let public_key = json_lines(&out)[0]["public_key"].as_str().expect("public key").to_string();
    make_incoming_bundle(&env, &public_key);
    assert_success(&env.run(&["verify"]), "the template verifies");
    Run { env, item, person, interview, public_key }
}

/// `incoming.custodia.age`: a bundle from another vault, sealed to this folder's key, with content this
/// vault does not hold (so importing it writes a new stored copy).
fn make_incoming_bundle(env: &Env, public_key: &str) {
    let sender = Env::new();
    let sent = sender.file("sent.bin", b"a witness statement received from a partner organisation");
    let out = sender.run(&["add", path_str(&sent), "--json"]);
    assert_success(&out, "sender add");
    let id = json_lines(&out)[0]["id"].as_str().expect("id").to_string();
    let bundle = env.dir.path().join("incoming.custodia.age");
    let args = ["export", "--recipient", public_key, "--recipient-kind", "icc", "--output", path_str(&bundle)];
    let mut args = args.to_vec();
    args.extend(["--items", &id]);
    assert_success(&sender.run(&args), "sender export");
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("list template") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}
