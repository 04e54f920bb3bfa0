//! Persons, interviews, consent and the do-no-harm findings from the command line: the contract formats,
//! the exit code when the rules stop an action, all-or-nothing import, and a clean custody log.

use crate::common::*;

const EXIT_HARM_STOPPED: i32 = 4;
const HEADER: &str = "ref,full_name,other_names,sex,birth_date,birth_place,residence,phone,id_number\n";

fn add_person(env: &Env, args: &[&str]) -> String {
    let mut all = vec!["person", "add", "--json"];
    all.extend_from_slice(args);
    let out = env.run(&all);
    assert_success(&out, "person add");
    let lines = json_lines(&out);
    lines.last().expect("a result line")["person"]["id"].as_str().expect("id").to_string()
}

fn log_text(env: &Env) -> String {
    let out = env.run(&["log", "--json"]);
    assert_success(&out, "log");
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn person_add_prints_findings_and_saves_nothing_without_a_justification() {
    let env = Env::new();
    let first = add_person(
        &env,
        &["--name", "Mohammed Ahmed Hassan", "--birth-date", "1990-04-16", "--birth-place", "Nyala", "--sex", "M"],
    );
    let again = ["person", "add", "--name", "Muhammad Ahmad Hasan", "--birth-date", "1990", "--birth-place", "Niyala"];

    let out = env.run(&again);
    assert_eq!(out.status.code(), Some(EXIT_HARM_STOPPED), "stderr: {}", stderr(&out));
    let text = String::from_utf8(out.stdout.clone()).expect("utf-8");
    assert!(
        text.starts_with(&format!(
            "Warning · Possible duplicate person: Probably the same person as {first}.\n  Why: "
        )),
        "{text}"
    );
    assert!(stderr(&out).contains("--justification"), "says how to go ahead: {}", stderr(&out));

    let mut json = again.to_vec();
    json.push("--json");
    let out = env.run(&json);
    assert_eq!(out.status.code(), Some(EXIT_HARM_STOPPED));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 1, "only the finding, nothing saved");
    let finding = &lines[0]["finding"];
    assert_eq!(finding["rule"], "possible-duplicate-person");
    assert_eq!(finding["severity"], "warning");
    assert_eq!(finding["code"], "duplicate_person");
    assert_eq!(finding["params"]["person"], first.as_str());
    assert!(finding["evidence"]["score"].as_f64().is_some_and(|s| s > 0.0 && s <= 1.0));
    assert_eq!(json_lines(&env.run(&["person", "list", "--json"])).len(), 1, "nothing was saved");

    let mut check = again.to_vec();
    check.extend(["--check", "--json"]);
    let out = env.run(&check);
    assert_success(&out, "--check only reports");
    assert_eq!(json_lines(&out).len(), 1);

    let mut justified = again.to_vec();
    justified.extend(["--justification", "Second organisation's register; kept apart until reviewed", "--json"]);
    let out = env.run(&justified);
    assert_success(&out, "justified add");
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 2, "the finding, then the saved person");
    assert!(lines[1]["person"]["id"].as_str().is_some_and(|id| id.starts_with("P-")));
    let log = log_text(&env);
    assert!(log.contains("harm.overridden") && log.contains("kept apart until reviewed"), "{log}");
    for name in ["Mohammed", "Muhammad", "Hassan", "Nyala", "Niyala"] {
        assert!(!log.contains(name), "the custody log contains {name:?}");
    }
}

#[test]
fn bad_person_input_is_refused_with_a_clear_message() {
    let env = Env::new();
    for (args, message) in [
        (vec!["--name", "A B", "--sex", "X"], "sex"),
        (vec!["--name", "A B", "--birth-date", "1990-02-30"], "not a valid date"),
        (vec!["--name", " "], "full name is required"),
        (vec!["--name", "A\u{7}B"], "control characters"),
    ] {
        let mut all = vec!["person", "add"];
        all.extend(args);
        let out = env.run(&all);
        assert_eq!(out.status.code(), Some(1), "{all:?}");
        assert!(stderr(&out).contains(message), "{all:?}: {}", stderr(&out));
    }
    assert!(json_lines(&env.run(&["person", "list", "--json"])).is_empty());
}

#[test]
fn import_is_all_or_nothing_and_names_the_bad_line() {
    let env = Env::new();
    let long = "x".repeat(300);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("bad sex", format!("{HEADER}R1,Amina Yusuf,,F,,,,,\nR2,Adam Omar,,Z,,,,,\n").into_bytes(), "line 3:"),
        ("bad date", format!("{HEADER}R1,Amina Yusuf,,F,1990-13-01,,,,\n").into_bytes(), "line 2:"),
        (
            "missing name",
            format!("{HEADER}R1,Amina Yusuf,,F,,,,,\nR2,,,M,,,,,\nR3,C,,M,,,,,\n").into_bytes(),
            "line 3:",
        ),
        ("over-long", format!("{HEADER}R1,Amina Yusuf,,F,,{long},,,\n").into_bytes(), "line 2:"),
        ("wrong header", b"id,name\nR1,Amina\n".to_vec(), "line 1:"),
        ("not UTF-8", [format!("{HEADER}R1,Amina,,F,,,,,\n").as_bytes(), b"R2,\xC0\xAF,,M,,,,,\n"].concat(), "line 3:"),
    ];
    for (what, bytes, line) in cases {
        let file = env.file("persons.csv", &bytes);
        let out = env.run(&["person", "import", path_str(&file)]);
        assert_eq!(out.status.code(), Some(1), "{what}");
        assert!(stderr(&out).contains(line), "{what}: {}", stderr(&out));
        assert!(json_lines(&env.run(&["person", "list", "--json"])).is_empty(), "{what}: nothing imported");
    }
    let file = env.file("ok.csv", format!("\u{feff}{HEADER}R1,Amina Yusuf,,F,,,,,\n").as_bytes());
    assert_success(&env.run(&["person", "import", path_str(&file)]), "BOM is tolerated");
}

#[test]
fn the_sample_register_imports_and_duplicates_are_well_formed_json_lines() {
    let env = Env::new();
    let csv = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/matching/persons-dev.csv");
    assert!(csv.exists(), "the sample data {} is needed", csv.display());
    let out = env.run(&["person", "import", path_str(&csv), "--json"]);
    assert_success(&out, "import");
    assert!(json_lines(&out)[0]["imported"].as_u64().is_some_and(|n| n > 600));
    let out = env.run(&["person", "duplicates", "--json"]);
    assert_success(&out, "duplicates");
    let pairs = json_lines(&out);
    assert!(pairs.len() > 100, "{} pairs", pairs.len());
    for pair in &pairs {
        let object = pair.as_object().expect("an object");
        let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["a", "b", "reasons", "score"], "{pair}");
        for side in ["a", "b"] {
            assert!(pair[side].as_str().is_some_and(|r| r.starts_with('R')), "the ref is printed: {pair}");
        }
        assert_ne!(pair["a"], pair["b"]);
        assert!(pair["score"].as_f64().is_some_and(|s| (0.0..=1.0).contains(&s)), "{pair}");
        assert!(pair["reasons"].as_array().is_some_and(|r| !r.is_empty() && r[0]["code"].is_string()), "{pair}");
    }
    let strict = json_lines(&env.run(&["person", "duplicates", "--threshold", "0.95", "--json"]));
    assert!(strict.len() < pairs.len(), "a higher threshold prints fewer pairs");
    let out = env.run(&["person", "duplicates", "--threshold", "3"]);
    assert_eq!(out.status.code(), Some(1), "a threshold outside 0.5..1 is refused");

    let (a, b) = (pairs[0]["a"].as_str().expect("a"), pairs[0]["b"].as_str().expect("b"));
    assert_success(&env.run(&["review", "same", a, b]), "review same");
    let (c, d) = (pairs[1]["a"].as_str().expect("a"), pairs[1]["b"].as_str().expect("b"));
    assert_success(&env.run(&["review", "different", c, d]), "review different");
    let after = json_lines(&env.run(&["person", "duplicates", "--json"]));
    let listed = |x: &str, y: &str| after.iter().any(|p| (p["a"] == x && p["b"] == y) || (p["a"] == y && p["b"] == x));
    assert!(!listed(a, b) && !listed(c, d), "reviewed pairs are not listed again");
    let verify = env.run(&["verify"]);
    assert_success(&verify, "verify after import and review");
}

#[test]
fn an_interview_from_person_to_completion_with_consent_search_and_reveal() {
    let env = Env::new();
    let id = add_person(&env, &["--name", "Halima Adam Yahya", "--birth-date", "2011", "--minor", "--ref", "ORG-7"]);
    let transcript = env.file("t.txt", "They came to the school at night. My brother was taken.".as_bytes());
    let add = ["interview", "add", "--person", "ORG-7", "--interviewer", "A. Haroun", "--date", "2026-11-02"];
    let mut first = add.to_vec();
    first.extend(["--transcript-file", path_str(&transcript), "--summary", "School raid", "--json"]);
    let out = env.run(&first);
    assert_eq!(out.status.code(), Some(EXIT_HARM_STOPPED), "untrained interviewer of a minor");
    let rules: Vec<String> =
        json_lines(&out).iter().map(|l| l["finding"]["rule"].as_str().expect("rule").to_string()).collect();
    assert!(
        rules.contains(&"sensitive-safeguard".to_string()) && rules.contains(&"consent-missing".to_string()),
        "{rules:?}"
    );

    let out = env.run(&["interviewer", "set", "A. Haroun", "--trained", "true", "--json"]);
    assert_success(&out, "interviewer set");
    let out = env.run(&first);
    assert_success(&out, "interview add");
    let lines = json_lines(&out);
    let interview = lines.last().expect("result")["interview"]["id"].as_str().expect("id").to_string();
    assert_eq!(lines[0]["finding"]["severity"], "info", "consent not yet recorded is information");

    let out = env.run(&["interview", "complete", &interview]);
    assert_eq!(out.status.code(), Some(EXIT_HARM_STOPPED));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Cannot continue · Consent: "), "{:?}", out);

    let consent =
        ["consent", "record", "--person", &id, "--status", "given", "--date", "2026-11-02", "--method", "oral"];
    let mut with_scope = consent.to_vec();
    with_scope.extend(["--scope", "icc:identity", "--scope", "partner_ngo", "--json"]);
    let out = env.run(&with_scope);
    assert_success(&out, "consent");
    let scopes = &json_lines(&out)[0]["consent"]["scopes"];
    assert_eq!(scopes[0]["recipient"], "icc");
    assert_eq!(scopes[0]["identity"], true);
    assert_eq!(scopes[1]["identity"], false);

    let out = env.run(&["interview", "complete", &interview]);
    assert_eq!(out.status.code(), Some(EXIT_HARM_STOPPED), "referrals not recorded for a minor");
    for kind in ["psychosocial", "medical", "legal"] {
        assert_success(&env.run(&["interview", "referral", &interview, kind, "declined"]), "referral");
    }
    let out = env.run(&["interview", "complete", &interview, "--json"]);
    assert_success(&out, "complete");
    assert_eq!(json_lines(&out)[0]["interview"]["status"], "complete");

    let out = env.run(&["search", "brother", "--json"]);
    assert_success(&out, "search");
    assert_eq!(json_lines(&out)[0]["record"], interview.as_str());
    let out = env.run(&[
        "incident",
        "add",
        "--kind",
        "enforced_disappearance",
        "--from",
        "2026-05-01",
        "--link",
        &interview,
        "--json",
    ]);
    assert_success(&out, "incident");

    let out = env.run(&["person", "show", &id, "--json"]);
    assert!(json_lines(&out)[0].get("identity").is_none(), "no identity without --reveal");
    assert!(!log_text(&env).contains("person.revealed"));
    let out = env.run(&["person", "show", &id, "--reveal", "--json"]);
    assert_eq!(json_lines(&out)[0]["identity"]["full_name"], "Halima Adam Yahya");
    let log = log_text(&env);
    assert!(log.contains("person.revealed"), "a reveal is logged");
    assert!(!log.contains("Halima") && !log.contains("brother"), "no name or transcript in the log");

    let out = env.run(&["consent", "withdraw", "--person", &id, "--date", "2026-11-20", "--json"]);
    assert_success(&out, "withdraw");
    let shown = json_lines(&env.run(&["person", "show", &id, "--json"]));
    let statuses: Vec<&str> = shown[0]["consents"]
        .as_array()
        .expect("consents")
        .iter()
        .map(|c| c["status"].as_str().expect("status"))
        .collect();
    assert_eq!(statuses, ["given", "withdrawn"], "the withdrawal keeps the history");
    assert_success(&env.run(&["verify"]), "verify after every record operation");
}

#[test]
fn rules_settings_are_shown_changed_and_checked() {
    let env = Env::new();
    let out = env.run(&["rules", "--json"]);
    assert_success(&out, "rules");
    let settings = &json_lines(&out)[0];
    assert_eq!((settings["cooldown_days"].as_u64(), settings["max_interviews"].as_u64()), (Some(90), Some(2)));
    let out = env.run(&["rules", "--cooldown-days", "30", "--json"]);
    assert_eq!(json_lines(&out)[0]["cooldown_days"], 30);
    assert_eq!(json_lines(&env.run(&["rules", "--json"]))[0]["cooldown_days"], 30, "stored in the vault");
    let out = env.run(&["rules", "--testimony-similarity", "0.1"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("between"), "{}", stderr(&out));
}

#[test]
fn edits_keep_history_and_incidents_link_all_or_nothing() {
    const LINKED: &str = "\"action\":\"record.linked\"";
    let env = Env::new();
    let id = add_person(&env, &["--name", "Idriss Abakar Souleymane", "--birth-date", "1984", "--sex", "M"]);

    let out = env.run(&["person", "edit", &id, "--name", "Idris Abakar Suleiman", "--phone", "+235 66 00 00 00"]);
    assert_success(&out, "person edit");
    let shown = json_lines(&env.run(&["person", "show", &id, "--reveal", "--json"]));
    assert_eq!(shown[0]["identity"]["full_name"], "Idris Abakar Suleiman");
    assert_eq!(shown[0]["identity"]["birth_date"], "1984", "fields not given stay as they were");
    let out = env.run(&["person", "edit", &id, "--sex", "X"]);
    assert_eq!(out.status.code(), Some(1), "a bad sex is refused");
    assert!(stderr(&out).contains("sex"), "{}", stderr(&out));
    let log = log_text(&env);
    assert_eq!(log.matches("person.edited").count(), 2, "one event per changed field, none for the refused edit");
    assert!(!log.contains("Idris") && !log.contains("+235"), "no identifying value in the log");

    let transcript = env.file("t.txt", "The checkpoint soldiers took our papers and the car.".as_bytes());
    let out = env.run(&[
        "interview",
        "add",
        "--person",
        &id,
        "--interviewer",
        "K. Mahamat",
        "--date",
        "2026-10-01",
        "--transcript-file",
        path_str(&transcript),
        "--json",
    ]);
    assert_success(&out, "interview add");
    let interview = json_lines(&out).last().expect("result")["interview"]["id"].as_str().expect("id").to_string();
    let out = env.run(&["interview", "edit", &interview, "--place", "Abéché", "--json"]);
    assert_success(&out, "interview edit");
    assert_eq!(json_lines(&out).last().expect("result")["interview"]["place"], "Abéché");
    let listed = json_lines(&env.run(&["interview", "list", "--json"]));
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["interview"]["id"], interview.as_str());
    assert_eq!(json_lines(&env.run(&["interview", "list", "--person", &id, "--json"])).len(), 1);
    assert!(log_text(&env).contains("interview.edited"));

    let out = env.run(&["incident", "add", "--kind", "destruction_of_property", "--place", "Abéché", "--json"]);
    assert_success(&out, "incident add");
    let incident = json_lines(&out)[0]["incident"]["id"].as_str().expect("id").to_string();
    let out = env.run(&["incident", "link", &incident, &interview, "E-NOSUCH"]);
    assert_eq!(out.status.code(), Some(1), "an unknown target is refused");
    assert!(stderr(&out).contains("E-NOSUCH"), "the error names the target: {}", stderr(&out));
    let shown = json_lines(&env.run(&["incident", "show", &incident, "--json"]));
    assert_eq!(shown[0]["incident"]["interviews"], serde_json::json!([]), "not even the good target was linked");
    assert!(!log_text(&env).contains(LINKED), "a refused link logs nothing");
    let out = env.run(&["incident", "link", &incident, &interview, "--json"]);
    assert_success(&out, "incident link");
    let shown = json_lines(&env.run(&["incident", "show", &incident, "--json"]));
    assert_eq!(shown[0]["incident"]["interviews"][0], interview.as_str());
    assert_eq!(log_text(&env).matches(LINKED).count(), 1);
    let listed = env.run(&["incident", "list"]);
    assert_success(&listed, "incident list");
    assert!(String::from_utf8_lossy(&listed.stdout).contains(&format!("{incident}  Destruction of property")));
    assert_success(&env.run(&["verify"]), "verify after edits and links");
}
