//! Golden tests: what the command line prints for people, checked as whole texts in English and French
//! against `golden/<lang>/<step>.{stdout,stderr}`. What changes from run to run (ids, hashes, times, the
//! temporary folder) is redacted by pattern (`[ITEM]`, `[HASH]`, `[TIME]`, `[ROOT]`...), never by loosening
//! the comparison. After a deliberate change of wording, `SNAPSHOTS=overwrite cargo test golden` rewrites
//! the files; read the diff before committing it.

use crate::common::PASSPHRASE;
use snapbox::cmd::Command;
use snapbox::{Assert, Redactions};
use std::path::{Path, PathBuf};

fn pattern(text: &str) -> regex::Regex {
    regex::Regex::new(text).expect("a valid pattern")
}

/// The comparison, with what varies between runs replaced by named placeholders.
fn assert_for(root: &Path) -> Assert {
    let mut redactions = Redactions::new();
    let patterns = [
        ("[ROOT]", root.display().to_string()),
        ("[HASH]", r"\b[0-9a-f]{64}\b".to_string()),
        ("[TIME]", r"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z\b".to_string()),
        ("[DAY]", r"\b\d{4}-\d{2}-\d{2}\b".to_string()),
        ("[ITEM]", r"\bE-[0-9A-Z]{5}-[0-9A-Z]{5}\b".to_string()),
        ("[PERSON]", r"\bP-[0-9A-Z]{4}\b".to_string()),
        ("[VAULT_ID]", r"\b[0-9a-f]{32}\b".to_string()),
        ("[KEY_SLOT]", r"\b[0-9a-f]{16}\b".to_string()),
    ];
    for (placeholder, text) in patterns {
        let value = if placeholder == "[ROOT]" { pattern(&regex::escape(&text)) } else { pattern(&text) };
        redactions.insert(placeholder, value).expect("a placeholder in brackets");
    }
    Assert::new().action_env(snapbox::assert::DEFAULT_ACTION_ENV).redact_with(redactions)
}

/// A folder for one language's run, with a passphrase file and a file to add.
struct Run {
    dir: tempfile::TempDir,
    lang: &'static str,
}

impl Run {
    fn new(lang: &'static str) -> Run {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("pass.txt"), format!("{PASSPHRASE}\n")).expect("pass file");
        std::fs::write(dir.path().join("wrong.txt"), "not the passphrase\n").expect("wrong pass file");
        std::fs::write(dir.path().join("note.txt"), "what the witness saw\n").expect("evidence file");
        Run { dir, lang }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `custodia --vault ROOT/vault --passphrase-file ROOT/<pass> ARGS`, in this run's language.
    fn command(&self, pass: &str, args: &[&str]) -> Command {
        Command::new(snapbox::cmd::cargo_bin!("custodia"))
            .with_assert(assert_for(self.dir.path()))
            .current_dir(self.dir.path())
            .env_remove("CUSTODIA_VAULT")
            .env("USER", "tester")
            .env("CUSTODIA_LANG", self.lang)
            .arg("--vault")
            .arg(self.path("vault"))
            .arg("--passphrase-file")
            .arg(self.path(pass))
            .args(args)
    }

    fn expected(&self, step: &str, stream: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/cli/golden/{}/{step}.{stream}", self.lang))
    }

    /// Runs a step and compares both outputs with the step's files; returns standard output.
    fn step(&self, step: &str, args: &[&str], code: i32) -> String {
        self.step_with("pass.txt", step, args, code)
    }

    fn step_with(&self, pass: &str, step: &str, args: &[&str], code: i32) -> String {
        let out = self
            .command(pass, args)
            .assert()
            .code(code)
            .stdout_eq(snapbox::Data::read_from(&self.expected(step, "stdout"), None))
            .stderr_eq(snapbox::Data::read_from(&self.expected(step, "stderr"), None))
            .get_output()
            .clone();
        String::from_utf8(out.stdout).expect("UTF-8 output")
    }
}

/// The first item id in a text.
fn first_id(text: &str, pattern_text: &str) -> String {
    pattern(pattern_text).find(text).map(|m| m.as_str().to_string()).unwrap_or_else(|| panic!("no id in {text:?}"))
}

fn a_fresh_vault_speaks(lang: &'static str) {
    let run = Run::new(lang);
    run.step("help", &["--help"], 0);
    run.step("help-person-add", &["person", "add", "--help"], 0);
    run.step("init", &["init", "--kdf-memory-mib", "19", "--kdf-iterations", "2"], 0);
    let added = run.step("add", &["add", "note.txt", "--description", "photo of the wall", "--source", "witness"], 0);
    let item = first_id(&added, r"E-[0-9A-Z]{5}-[0-9A-Z]{5}");
    run.step("list", &["list"], 0);
    run.step("show", &["show", &item], 0);
    run.step("verify", &["verify"], 0);
    run.step("log", &["log"], 0);
    let person = ["person", "add", "--name", "Amina Haroun", "--birth-date", "1990-04-26", "--sex", "F"];
    run.step("person-add", &person, 0);
    // The same person again: a warning that stops the add until a reason is written.
    run.step("person-add-again", &person, 4);
    run.step("person-list", &["person", "list"], 0);
    run.step_with("wrong.txt", "wrong-passphrase", &["list"], 1);
    run.step("no-such-item", &["show", "E-AAAAA-AAAAA"], 1);
}

#[test]
fn english_outputs_read_as_written() {
    a_fresh_vault_speaks("en");
}

#[test]
fn french_outputs_read_as_written() {
    a_fresh_vault_speaks("fr");
}
