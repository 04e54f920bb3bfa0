//! Teams across vaults: fresh vaults in temporary folders share a team secret by age-encrypted team files,
//! exchange linkage tokens by file, and warn about persons another member recorded, in another script,
//! without any name, date or place in the files they exchange.

use crate::common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

const EXIT_HARM_STOPPED: i32 = 4;

fn ok(env: &Env, args: &[&str]) -> Vec<Value> {
    let mut all = args.to_vec();
    all.push("--json");
    let out = env.run(&all);
    assert_success(&out, &args.join(" "));
    json_lines(&out)
}

fn add_person(env: &Env, args: &[&str]) -> String {
    let mut all = vec!["person", "add"];
    all.extend_from_slice(args);
    let lines = ok(env, &all);
    lines.last().expect("a result line")["person"]["id"].as_str().expect("id").to_string()
}

fn interview(env: &Env, person: &str, date: &str) {
    ok(env, &["interview", "add", "--person", person, "--interviewer", "A. Haroun", "--date", date]);
}

/// A member's age key: the identity file and its public key.
fn keygen(env: &Env) -> (PathBuf, String) {
    let path = env.dir.path().join("member-key.txt");
    let out = env.run(&["keygen", "--output", path_str(&path)]);
    assert_success(&out, "keygen");
    let public = String::from_utf8(out.stdout).expect("utf-8").trim().to_string();
    assert!(public.starts_with("age1"), "{public}");
    (path, public)
}

/// `owner` invites `member` to `team` and `member` joins.
fn invite(owner: &Env, member: &Env, team: &str) {
    let (identity, public) = keygen(member);
    let file = owner.dir.path().join(format!("{team}-{}.age", public.len()));
    let _ = std::fs::remove_file(&file);
    ok(owner, &["team", "invite", team, "--recipient", &public, "--output", path_str(&file)]);
    let joined = ok(member, &["team", "join", path_str(&file), "--identity", path_str(&identity)]);
    assert_eq!(joined[0]["team"]["name"], team, "{joined:?}");
    std::fs::remove_file(&identity).expect("remove the key");
}

/// `from` writes its tokens for `team`; `to` adds them. Returns the token file.
fn send_tokens(from: &Env, to: &Env, team: &str, name: &str) -> PathBuf {
    let file = from.dir.path().join(name);
    ok(from, &["team", "tokens", team, "--output", path_str(&file)]);
    ok(to, &["team", "add-tokens", path_str(&file)]);
    file
}

fn documenter(env: &Env) -> String {
    let teams = ok(env, &["team", "create", "Own"]);
    let code = ok(env, &["team", "list"]);
    assert!(!teams.is_empty() && !code.is_empty());
    // The documenter code is in the custody log of the team's creation.
    let log = ok(env, &["log"]);
    let event = log.iter().find(|e| e["action"] == "team.created").expect("team.created event");
    let code = event["details"]["documenter"].as_str().expect("documenter code").to_string();
    ok(env, &["team", "leave", "Own"]);
    code
}

fn stopped_findings(env: &Env, args: &[&str]) -> Vec<Value> {
    let mut all = args.to_vec();
    all.push("--json");
    let out = env.run(&all);
    assert_eq!(out.status.code(), Some(EXIT_HARM_STOPPED), "stopped: {}", stderr(&out));
    json_lines(&out).into_iter().map(|l| l["finding"].clone()).collect()
}

fn team_finding(findings: &[Value]) -> &Value {
    findings
        .iter()
        .find(|f| f["rule"] == "team-duplicate-person")
        .unwrap_or_else(|| panic!("no team finding in {findings:#?}"))
}

#[test]
fn a_second_vault_warns_about_a_person_the_first_recorded_in_another_script() {
    let (a, b) = (Env::new(), Env::new());
    let a_code = documenter(&a);
    ok(&a, &["team", "create", "Coalition"]);
    invite(&a, &b, "Coalition");

    let amina = add_person(
        &a,
        &["--name", "Amina Yusuf Haroun", "--sex", "F", "--birth-date", "1990-04-26", "--birth-place", "El Fasher"],
    );
    interview(&a, &amina, "2026-03-02");
    interview(&a, &amina, "2026-11-02");
    send_tokens(&a, &b, "Coalition", "a.tokens");

    let arabic = ["person", "add", "--name", "أمينة يوسف هارون", "--sex", "F", "--birth-date", "1990"];
    let arabic = [&arabic[..], &["--birth-place", "الفاشر"]].concat();
    let findings = stopped_findings(&b, &arabic);
    let f = team_finding(&findings);
    assert_eq!(f["severity"], "warning");
    assert_eq!(f["params"]["documenter"], a_code.as_str());
    assert_eq!(f["params"]["person"], format!("{a_code}:{amina}"));
    assert_eq!((f["params"]["count"].as_u64(), f["params"]["last"].as_str()), (Some(2), Some("2026-11-02")));
    let message = f["message"].as_str().expect("message");
    assert_eq!(
        message,
        format!(
            "Probably already interviewed by a member of team Coalition (documenter {a_code}, 2 interviews, the last \
             on 2026-11-02); contact them before interviewing."
        )
    );
    assert_eq!(ok(&b, &["person", "list"]).len(), 0, "nothing saved without a justification");

    // The text output words it the same way, in the user's language.
    let out = b.run(&arabic);
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(text.contains(&format!("Warning · Probably interviewed in the team: {message}")), "{text}");

    let mut justified = arabic.clone();
    justified.extend(["--justification", "Spoke with the coalition's documenter first"]);
    let own = add_person(&b, &justified[2..]);
    let pairs = ok(&b, &["person", "duplicates", "--team"]);
    assert_eq!(pairs.len(), 1, "{pairs:?}");
    assert_eq!(
        (pairs[0]["a"].as_str(), pairs[0]["b"].as_str()),
        (Some(own.as_str()), Some(&*format!("{a_code}:{amina}")))
    );
    assert_eq!(pairs[0]["team"], "Coalition");

    // Interviewing the person in the second vault meets the same warning.
    let findings = stopped_findings(
        &b,
        &["interview", "add", "--person", &own, "--interviewer", "B. Okafor", "--date", "2026-12-01"],
    );
    assert_eq!(team_finding(&findings)["params"]["person"], format!("{a_code}:{amina}"));
}

#[test]
fn three_vaults_each_see_the_others_and_strangers_are_not_flagged() {
    let (a, b, c) = (Env::new(), Env::new(), Env::new());
    let (a_code, b_code) = (documenter(&a), documenter(&b));
    ok(&a, &["team", "create", "Coalition"]);
    invite(&a, &b, "Coalition");
    invite(&a, &c, "Coalition");

    let olena = add_person(
        &a,
        &["--name", "Olena Kovalenko", "--sex", "F", "--birth-date", "1985-03-02", "--birth-place", "Mariupol"],
    );
    interview(&a, &olena, "2026-10-01");
    let ivan = add_person(
        &b,
        &["--name", "Іван Петренко", "--sex", "M", "--birth-date", "1966-01-12", "--birth-place", "Харків"],
    );
    send_tokens(&a, &c, "Coalition", "a.tokens");
    send_tokens(&b, &c, "Coalition", "b.tokens");

    let teams = ok(&c, &["team", "list"]);
    assert_eq!(teams[0]["team"]["tokens"], 2, "{teams:?}");
    assert_eq!(teams[0]["team"]["members"].as_array().map(Vec::len), Some(2));

    let f = stopped_findings(&c, &["person", "add", "--name", "Олена Коваленко", "--sex", "F", "--birth-date", "1985"]);
    assert_eq!(team_finding(&f)["params"]["person"], format!("{a_code}:{olena}"));
    let f = stopped_findings(
        &c,
        &[
            "person",
            "add",
            "--name",
            "Ivan Petrenko",
            "--sex",
            "M",
            "--birth-date",
            "1966-01-12",
            "--birth-place",
            "Kharkiv",
        ],
    );
    let found = team_finding(&f);
    assert_eq!(found["params"]["person"], format!("{b_code}:{ivan}"));
    assert_eq!(found["params"]["count"], 0, "recorded, not interviewed");
    assert!(found["message"].as_str().is_some_and(|m| m.contains("not interviewed yet")), "{found}");

    // Someone else altogether goes through without a warning.
    add_person(&c, &["--name", "Halima Daoud Abakar", "--sex", "F", "--birth-date", "1972", "--birth-place", "Kutum"]);
}

fn flip_byte(path: &Path, at: usize) -> PathBuf {
    let mut bytes = std::fs::read(path).expect("read");
    let at = at.min(bytes.len() - 1);
    bytes[at] ^= 0x01;
    let out = path.with_extension("tampered");
    std::fs::write(&out, bytes).expect("write");
    out
}

fn refused(env: &Env, file: &Path) -> String {
    let out = env.run(&["team", "add-tokens", path_str(file)]);
    assert!(!out.status.success(), "{} should be refused", file.display());
    stderr(&out)
}

#[test]
fn tampered_foreign_own_and_outdated_token_files_are_refused_and_change_nothing() {
    let (a, b, outsider) = (Env::new(), Env::new(), Env::new());
    ok(&a, &["team", "create", "Coalition"]);
    invite(&a, &b, "Coalition");
    let amina = add_person(&a, &["--name", "Amina Yusuf Haroun", "--sex", "F", "--birth-date", "1990-04-26"]);
    interview(&a, &amina, "2026-11-02");
    let tokens = a.dir.path().join("a.tokens");
    ok(&a, &["team", "tokens", "Coalition", "--output", path_str(&tokens)]);

    // A byte changed in the body, or in the MAC line.
    let len = std::fs::metadata(&tokens).expect("size").len() as usize;
    for at in [40, len / 2, len - 3] {
        let words = refused(&b, &flip_byte(&tokens, at));
        assert!(words.contains("not a token file of a team"), "{words}");
    }
    // A vault in no team, and the vault that made it.
    assert!(refused(&outsider, &tokens).contains("does not belong to the team"));
    assert!(refused(&a, &tokens).contains("made by this vault"));
    // Not a token file at all, and an empty one.
    for junk in [&b"{}"[..], b"", b"\n\n", &[0xff; 4096]] {
        refused(&b, &b.file("junk.tokens", junk));
    }
    assert_eq!(ok(&b, &["team", "list"])[0]["team"]["tokens"], 0, "nothing was added");

    // After a rotation the old secret's tokens no longer link; a new team file brings the member back.
    ok(&b, &["team", "add-tokens", path_str(&tokens)]);
    assert_eq!(ok(&b, &["team", "list"])[0]["team"]["tokens"], 1);
    let rotated = ok(&a, &["team", "rotate", "Coalition"]);
    assert_eq!(rotated[0]["team"]["epoch"], 2);
    let newer = a.dir.path().join("a2.tokens");
    ok(&a, &["team", "tokens", "Coalition", "--output", path_str(&newer)]);
    assert!(refused(&b, &newer).contains("authentication failed"), "the old secret cannot check the new file");
    invite(&a, &b, "Coalition");
    let team = &ok(&b, &["team", "list"])[0]["team"];
    assert_eq!((team["epoch"].as_u64(), team["tokens"].as_u64()), (Some(2), Some(0)), "old tokens dropped: {team}");
    ok(&b, &["team", "add-tokens", path_str(&newer)]);
    assert!(refused(&b, &tokens).contains("another secret"), "tokens of the old secret are refused");

    // Leaving drops the secret and the tokens.
    ok(&b, &["team", "leave", "Coalition"]);
    assert!(ok(&b, &["team", "list"]).is_empty());
    assert!(refused(&b, &newer).contains("does not belong to the team"));
}

#[test]
fn team_files_are_for_one_key_and_hostile_ones_are_refused() {
    let (a, b) = (Env::new(), Env::new());
    ok(&a, &["team", "create", "Coalition"]);
    let (_, public) = keygen(&b);
    let other = b.dir.path().join("other-key.txt");
    assert_success(&b.run(&["keygen", "--output", path_str(&other)]), "second key");
    let file = a.dir.path().join("team.age");
    ok(&a, &["team", "invite", "Coalition", "--recipient", &public, "--output", path_str(&file)]);
    let out = b.run(&["team", "join", path_str(&file), "--identity", path_str(&other)]);
    assert!(!out.status.success() && stderr(&out).contains("not made for this key"), "{}", stderr(&out));
    let out =
        b.run(&["team", "join", path_str(&b.file("big.age", &vec![b'a'; 64 * 1024])), "--identity", path_str(&other)]);
    assert!(!out.status.success() && stderr(&out).contains("not a Custodia team file"), "{}", stderr(&out));
    assert!(ok(&b, &["team", "list"]).is_empty(), "nothing joined");
    let out = a.run(&["team", "create", "Coalition"]);
    assert!(!out.status.success() && stderr(&out).contains("already belongs"), "{}", stderr(&out));
    let out = a.run(&["team", "create", "bad\u{1b}[2Jname"]);
    assert!(!out.status.success(), "control characters refused");
}

/// A person as the grep test records them: name, other names, birth date, birth place, other spellings
/// of the place.
type Encoded = (&'static str, &'static [&'static str], &'static str, &'static str, &'static [&'static str]);

/// The names, name parts, dates and places of the persons encoded, in every script and in the forms
/// people and programs write them: none may be in the token file.
#[test]
fn a_token_file_holds_no_name_date_or_place_in_any_script_or_form() {
    let a = Env::new();
    ok(&a, &["team", "create", "Coalition"]);
    let persons: [Encoded; 4] = [
        ("Amina Yusuf Haroun", &["Aminah Youssouf"], "1990-04-26", "El Fasher", &["Fasher", "Fashir"]),
        ("محمد عبد الكريم", &["Mohammed Abdelkarim"], "1978-11-05", "نيالا", &["Nyala"]),
        ("Олена Коваленко", &["Olena Kovalenko", "Elena Kovalenko"], "1985-03-02", "Маріуполь", &["Mariupol"]),
        ("Serhiy Bondarenko", &["Сергій Бондаренко"], "1966", "Kharkiv", &["Харків", "Kharkov"]),
    ];
    for (name, others, date, place, _) in &persons {
        let mut args = vec!["--name", name, "--birth-date", date, "--birth-place", place, "--sex", "F"];
        for other in *others {
            args.extend(["--other-names", other]);
        }
        args.extend(["--justification", "A test register of several persons"]);
        let id = add_person(&a, &args);
        interview(&a, &id, "2026-11-02");
    }
    let file = a.dir.path().join("a.tokens");
    ok(&a, &["team", "tokens", "Coalition", "--output", path_str(&file)]);
    let bytes = std::fs::read(&file).expect("token file");

    let mut needles: Vec<String> = Vec::new();
    for (name, others, date, place, place_forms) in &persons {
        for text in std::iter::once(name).chain(others.iter()).chain(std::iter::once(place)).chain(place_forms.iter()) {
            needles.push(text.to_string());
            needles.extend(text.split(' ').map(str::to_string));
        }
        needles.push(date.to_string());
        if let [y, m, d] = date.split('-').collect::<Vec<_>>()[..] {
            needles.extend([format!("{d}/{m}/{y}"), format!("{y}{m}{d}"), format!("{d}.{m}.{y}"), y.to_string()]);
        } else {
            needles.push(date.to_string());
        }
    }
    let forms: Vec<String> = needles
        .iter()
        .flat_map(|n| [n.clone(), n.to_lowercase(), n.to_uppercase(), n.to_lowercase().replace(' ', "")])
        .filter(|n| n.chars().count() >= 4)
        .collect();
    assert!(forms.len() > 60, "the test greps for many forms: {}", forms.len());
    for form in &forms {
        let found = bytes.windows(form.len()).any(|w| w == form.as_bytes());
        assert!(!found, "the token file holds {form:?}");
    }
    let text = String::from_utf8(bytes).expect("utf-8");
    assert!(text.is_ascii(), "no script of any name survives: the file is ASCII");
    assert_eq!(text.matches("\"person\":\"P-").count(), 4, "one token per person");
}
