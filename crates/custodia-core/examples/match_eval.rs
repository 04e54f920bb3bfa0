//! Measures the person matcher: precision, recall and F1 of `duplicate_pairs` on the multilingual
//! development set (its tuning and held-out parts and whole) and on FEBRL3, and the speed of one check and of
//! a full duplicate scan over 100,000 synthetic persons. Prints Markdown table rows; `scripts/eval-matching.sh`
//! runs it with the data in place.
//!
//! Usage: match_eval --dev persons-dev.csv --truth persons-dev.truth.csv [--febrl febrl3.csv]
//!        [--threshold X] [--sweep] [--speed N] [--show-errors DATASET]

use std::collections::{BTreeMap, HashMap, HashSet};
use std::error::Error;
use std::time::Instant;

use custodia_matching::{MatchIndex, PartialDate, PersonRecord, Sex, DEFAULT_THRESHOLD};

type Pair = (String, String);

/// The development set is split by reference number: references up to this one tune the weights, the rest
/// are held out. Duplicates sit next to each other in the file, so no true pair crosses the line.
const TUNING_LAST_REF: u32 = 444;

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    let threshold = arg("--threshold").map(|t| t.parse()).transpose()?.unwrap_or(DEFAULT_THRESHOLD);
    let sweep = args.iter().any(|a| a == "--sweep");
    let show = arg("--show-errors");

    let mut datasets: Vec<(String, Vec<PersonRecord>, HashSet<Pair>)> = Vec::new();
    if let (Some(dev), Some(truth)) = (arg("--dev"), arg("--truth")) {
        let persons = read_dev(&dev)?;
        let pairs = read_truth(&truth)?;
        let refnum = |r: &str| r.trim_start_matches('R').parse::<u32>().unwrap_or(0);
        let split = |keep: &dyn Fn(u32) -> bool| {
            let ps: Vec<PersonRecord> = persons.iter().filter(|p| keep(refnum(&p.id))).cloned().collect();
            let ids: HashSet<&str> = ps.iter().map(|p| p.id.as_str()).collect();
            let ts: HashSet<Pair> =
                pairs.iter().filter(|(a, b)| ids.contains(a.as_str()) && ids.contains(b.as_str())).cloned().collect();
            (ps, ts)
        };
        let (tp, tt) = split(&|n| n <= TUNING_LAST_REF);
        let (hp, ht) = split(&|n| n > TUNING_LAST_REF);
        datasets.push(("dev (tuning part)".into(), tp, tt));
        datasets.push(("dev (held out)".into(), hp, ht));
        datasets.push(("dev (whole)".into(), persons, pairs));
    }
    if let Some(febrl) = arg("--febrl") {
        let (persons, pairs) = read_febrl(&febrl)?;
        datasets.push(("FEBRL3".into(), persons, pairs));
    }

    println!("| dataset | persons | pairs in truth | predicted | precision | recall | F1 | threshold |");
    println!("|---|---|---|---|---|---|---|---|");
    for (name, persons, truth) in &datasets {
        let mut index = MatchIndex::new();
        for p in persons {
            index.insert(p);
        }
        let all = index.duplicate_pairs(0.0);
        let predicted: Vec<&custodia_matching::Match> = all.iter().filter(|m| m.score >= threshold).collect();
        let q = quality(predicted.iter().map(|m| (m.a.clone(), m.b.clone())), truth);
        println!(
            "| {name} | {} | {} | {} | {:.3} | {:.3} | {:.3} | {threshold} |",
            persons.len(),
            truth.len(),
            q.predicted,
            q.precision,
            q.recall,
            q.f1
        );
        if sweep {
            for t in [0.2, 0.3, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7, 0.8, 0.9] {
                let q = quality(all.iter().filter(|m| m.score >= t).map(|m| (m.a.clone(), m.b.clone())), truth);
                eprintln!("  {name} t={t}: P={:.3} R={:.3} F1={:.3} ({})", q.precision, q.recall, q.f1, q.predicted);
            }
        }
        if show.as_deref().is_some_and(|s| name.starts_with(s)) {
            show_errors(persons, &all, truth, threshold);
        }
    }
    if let Some(n) = arg("--speed") {
        let n: usize = n.parse()?;
        let febrl = match arg("--febrl") {
            Some(path) => read_febrl(&path)?.0,
            None => Vec::new(),
        };
        let dev = match arg("--dev") {
            Some(path) => read_dev(&path)?,
            None => Vec::new(),
        };
        speed(n, &dev, &febrl, threshold);
    }
    Ok(())
}

struct Quality {
    predicted: usize,
    precision: f64,
    recall: f64,
    f1: f64,
}

fn quality(predicted: impl Iterator<Item = Pair>, truth: &HashSet<Pair>) -> Quality {
    let predicted: HashSet<Pair> = predicted.map(|(a, b)| ordered(a, b)).collect();
    let hits = predicted.iter().filter(|p| truth.contains(*p)).count() as f64;
    let precision = if predicted.is_empty() { 1.0 } else { hits / predicted.len() as f64 };
    let recall = if truth.is_empty() { 1.0 } else { hits / truth.len() as f64 };
    let f1 = if precision + recall == 0.0 { 0.0 } else { 2.0 * precision * recall / (precision + recall) };
    Quality { predicted: predicted.len(), precision, recall, f1 }
}

fn ordered(a: String, b: String) -> Pair {
    if a <= b {
        (a, b)
    } else {
        (b, a)
    }
}

fn show_errors(persons: &[PersonRecord], all: &[custodia_matching::Match], truth: &HashSet<Pair>, t: f64) {
    let by_id: HashMap<&str, &PersonRecord> = persons.iter().map(|p| (p.id.as_str(), p)).collect();
    let line = |id: &str| {
        by_id.get(id).map_or(String::new(), |p| {
            format!(
                "{} | {} | {} | {:?} | {:?}",
                p.full_name,
                p.birth_date,
                p.birth_place.as_deref().unwrap_or(""),
                p.phone,
                p.id_number
            )
        })
    };
    let scored: HashMap<Pair, &custodia_matching::Match> =
        all.iter().map(|m| (ordered(m.a.clone(), m.b.clone()), m)).collect();
    eprintln!("--- false positives");
    for m in all.iter().filter(|m| m.score >= t && !truth.contains(&ordered(m.a.clone(), m.b.clone()))) {
        let rs: Vec<&str> = m.reasons.iter().map(|r| r.code().as_str()).collect();
        eprintln!("{:.3} {} [{}]\n    {}\n    {}", m.score, m.a, rs.join(","), line(&m.a), line(&m.b));
    }
    eprintln!("--- missed");
    let mut missed: Vec<&Pair> = truth.iter().filter(|p| scored.get(*p).is_none_or(|m| m.score < t)).collect();
    missed.sort();
    for p in missed {
        let (s, rs) = scored
            .get(p)
            .map_or((-1.0, Vec::new()), |m| (m.score, m.reasons.iter().map(|r| r.code().as_str()).collect()));
        eprintln!("{s:.3} {} {} [{}]\n    {}\n    {}", p.0, p.1, rs.join(","), line(&p.0), line(&p.1));
    }
}

/// Splits one CSV line into fields (RFC 4180 quoting; no line breaks inside fields in these files).
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                if let Some(f) = fields.last_mut() {
                    f.push('"');
                }
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(String::new()),
            _ => {
                if let Some(f) = fields.last_mut() {
                    f.push(c)
                }
            }
        }
    }
    fields
}

fn read_table(path: &str) -> Result<Vec<HashMap<String, String>>, Box<dyn Error>> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let mut lines = text.lines();
    let header: Vec<String> =
        csv_fields(lines.next().unwrap_or("")).into_iter().map(|h| h.trim().to_string()).collect();
    Ok(lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| header.iter().cloned().zip(csv_fields(l).into_iter().map(|v| v.trim().to_string())).collect())
        .collect())
}

fn opt(s: Option<&String>) -> Option<String> {
    s.filter(|v| !v.is_empty()).cloned()
}

/// Maps a row of the import format (`ref,full_name,other_names,sex,birth_date,...`) to a record, as the
/// records layer would: other names separated by semicolons.
fn read_dev(path: &str) -> Result<Vec<PersonRecord>, Box<dyn Error>> {
    let mut out = Vec::new();
    for (i, row) in read_table(path)?.into_iter().enumerate() {
        let get = |k: &str| row.get(k);
        let birth_date = PartialDate::parse(get("birth_date").map_or("", |s| s.as_str()))
            .map_err(|e| format!("{path} line {}: {e}", i + 2))?;
        out.push(PersonRecord {
            id: get("ref").cloned().unwrap_or_default(),
            full_name: get("full_name").cloned().unwrap_or_default(),
            other_names: get("other_names")
                .map(|s| s.split(';').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect())
                .unwrap_or_default(),
            sex: get("sex").and_then(|s| Sex::parse(s)),
            birth_date,
            birth_place: opt(get("birth_place")),
            residence: opt(get("residence")),
            phone: opt(get("phone")),
            id_number: opt(get("id_number")),
        });
    }
    Ok(out)
}

fn read_truth(path: &str) -> Result<HashSet<Pair>, Box<dyn Error>> {
    Ok(read_table(path)?.into_iter().filter_map(|r| Some(ordered(r.get("a")?.clone(), r.get("b")?.clone()))).collect())
}

/// FEBRL3 as exported by the script: given_name + surname → full_name, date_of_birth (YYYYMMDD, often
/// mistyped) → birth_date as far as it is valid, soc_sec_id → id_number, the address fields → residence.
/// The truth: records sharing the number in `rec-N-org` / `rec-N-dup-K`.
fn read_febrl(path: &str) -> Result<(Vec<PersonRecord>, HashSet<Pair>), Box<dyn Error>> {
    let rows = read_table(path)?;
    let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut persons = Vec::new();
    for row in rows {
        let get = |k: &str| row.get(k).cloned().unwrap_or_default();
        let id = get("rec_id");
        let group = id.split('-').nth(1).unwrap_or("").to_string();
        groups.entry(group).or_default().push(id.clone());
        let full_name = format!("{} {}", get("given_name"), get("surname")).trim().to_string();
        let residence =
            [get("street_number"), get("address_1"), get("address_2"), get("suburb"), get("postcode"), get("state")]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(", ");
        persons.push(PersonRecord {
            id,
            full_name,
            birth_date: febrl_date(&get("date_of_birth")),
            residence: (!residence.is_empty()).then_some(residence),
            id_number: opt(Some(&get("soc_sec_id"))),
            ..Default::default()
        });
    }
    let mut truth = HashSet::new();
    for ids in groups.values() {
        for (i, a) in ids.iter().enumerate() {
            for b in &ids[i + 1..] {
                truth.insert(ordered(a.clone(), b.clone()));
            }
        }
    }
    Ok((persons, truth))
}

/// The most precise valid date in a FEBRL YYYYMMDD field: the whole date, else year and month, else the year.
fn febrl_date(s: &str) -> PartialDate {
    let s = s.trim().trim_end_matches(".0");
    if s.len() != 8 {
        return PartialDate::Unknown;
    }
    let (y, m, d) = (&s[0..4], &s[4..6], &s[6..8]);
    for candidate in [format!("{y}-{m}-{d}"), format!("{y}-{m}"), y.to_string()] {
        if let Ok(date) = PartialDate::parse(&candidate) {
            return date;
        }
    }
    PartialDate::Unknown
}

/// SplitMix64: a small seeded generator, so the synthetic population is the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        items.get(self.below(items.len()))
    }
}

/// Synthetic persons drawn from the development and FEBRL distributions: each takes a real record as its
/// pattern (name length, which fields are filled) and fills every name part from the same position of other
/// records with the same number of parts, with a random birth date, place, phone and identity number.
/// One in ten is a noisy copy of an earlier one (parts dropped, year only, a typo), as re-interviews are.
fn synthetic(n: usize, dev: &[PersonRecord], febrl: &[PersonRecord], rng: &mut Rng) -> Vec<PersonRecord> {
    let templates: Vec<&PersonRecord> = dev.iter().chain(febrl.iter()).filter(|p| !p.full_name.is_empty()).collect();
    let mut pools: HashMap<(usize, usize), Vec<String>> = HashMap::new();
    for t in &templates {
        let parts: Vec<&str> = t.full_name.split_whitespace().collect();
        for (i, p) in parts.iter().enumerate() {
            pools.entry((parts.len(), i)).or_default().push(p.to_string());
        }
    }
    let places: Vec<String> = dev.iter().filter_map(|p| p.birth_place.clone()).collect();
    let residences: Vec<String> = dev.iter().chain(febrl.iter()).filter_map(|p| p.residence.clone()).collect();
    let mut out: Vec<PersonRecord> = Vec::with_capacity(n);
    for i in 0..n {
        if i > 10 && rng.chance(0.1) {
            let j = rng.below(out.len());
            let mut copy = out[j].clone();
            copy.id = format!("S{i:06}");
            let parts: Vec<&str> = copy.full_name.split_whitespace().collect();
            if parts.len() > 2 && rng.chance(0.5) {
                copy.full_name = parts[..2].join(" ");
            }
            if let Some(y) = copy.birth_date.year() {
                if rng.chance(0.5) {
                    copy.birth_date = PartialDate::Year(y);
                }
            }
            out.push(copy);
            continue;
        }
        let Some(t) = rng.pick(&templates) else { break };
        let len = t.full_name.split_whitespace().count();
        let name: Vec<String> =
            (0..len).filter_map(|k| pools.get(&(len, k)).and_then(|p| rng.pick(p)).cloned()).collect();
        let year = 1940 + rng.below(70) as i32;
        let (m, d) = (1 + rng.below(12) as u32, 1 + rng.below(28) as u32);
        out.push(PersonRecord {
            id: format!("S{i:06}"),
            full_name: name.join(" "),
            other_names: Vec::new(),
            sex: t.sex,
            birth_date: match rng.below(10) {
                0 => PartialDate::Unknown,
                1..=3 => PartialDate::Year(year),
                _ => PartialDate::Full(year, m, d),
            },
            birth_place: if rng.chance(0.8) { rng.pick(&places).cloned() } else { None },
            residence: if rng.chance(0.7) { rng.pick(&residences).cloned() } else { None },
            phone: rng.chance(0.5).then(|| format!("+2499{:08}", rng.next() % 100_000_000)),
            id_number: rng
                .chance(0.4)
                .then(|| format!("{:03}-{:02}C{:05}", rng.below(1000), rng.below(100), rng.below(100_000))),
        });
    }
    out
}

fn speed(n: usize, dev: &[PersonRecord], febrl: &[PersonRecord], threshold: f64) {
    let mut rng = Rng(0x5eed_c057_0d1a);
    let population = synthetic(n, dev, febrl, &mut rng);
    let started = Instant::now();
    let mut index = MatchIndex::new();
    for p in &population {
        index.insert(p);
    }
    let build = started.elapsed().as_secs_f64();

    // Queries: half fresh people, half noisy copies of known ones, none of them in the index.
    let queries: Vec<PersonRecord> = synthetic(2000, dev, febrl, &mut rng)
        .into_iter()
        .enumerate()
        .map(|(i, mut q)| {
            if i % 2 == 0 {
                if let Some(known) = rng.pick(&population) {
                    q = known.clone();
                    q.birth_date = q.birth_date.year().map_or(PartialDate::Unknown, PartialDate::Year);
                }
            }
            q.id = format!("Q{i:05}");
            q
        })
        .collect();
    let mut times: Vec<f64> = Vec::with_capacity(queries.len());
    let mut found = 0usize;
    for q in &queries {
        let t = Instant::now();
        found += index.candidates(q, threshold).len();
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    let pct = |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize];
    let started = Instant::now();
    let pairs = index.duplicate_pairs(threshold).len();
    let scan = started.elapsed().as_secs_f64();
    println!();
    println!("| speed ({} synthetic persons, seeded) | p50 | p95 | max | total |", population.len());
    println!("|---|---|---|---|---|");
    println!("| build the index | | | | {build:.2} s |");
    println!(
        "| `candidates` for one new person ({} checks, {found} matches) | {:.2} ms | {:.2} ms | {:.2} ms | |",
        queries.len(),
        pct(0.5),
        pct(0.95),
        pct(1.0)
    );
    println!("| `duplicate_pairs` over all ({pairs} pairs) | | | | {scan:.2} s |");
    if let Err(e) = through_vault(&population, &queries[..200]) {
        println!("| through the vault: failed: {e} | | | | |");
    }
}

/// The same check as the app makes it: the population imported into a real vault (SQLCipher, floor KDF),
/// then `Vault::check_person_with` with a kept `PersonChecker`, which also looks up each candidate's
/// earlier interviews and runs the rules, for the given queries.
fn through_vault(population: &[PersonRecord], queries: &[PersonRecord]) -> Result<(), Box<dyn Error>> {
    use custodia_core::{
        harm::PersonChecker, KdfParams, PersonInput, SecretString, Session, StrengthPolicy, Unlock, Vault,
    };
    let tmp = tempfile::tempdir()?;
    let root = tmp.path().join("vault");
    let passphrase = || SecretString::from("bench passphrase long enough");
    Vault::create(
        &root,
        &passphrase(),
        StrengthPolicy::Required,
        KdfParams::FLOOR,
        Session::new("bench", "dev-bench")?,
    )?
    .close()?;
    let mut vault = Vault::open(&root, &Unlock::Passphrase(passphrase()), Session::new("bench", "dev-bench")?)?;
    let mut csv = String::from("ref,full_name,other_names,sex,birth_date,birth_place,residence,phone,id_number\n");
    for p in population {
        let fields = [
            p.id.clone(),
            p.full_name.clone(),
            p.other_names.join(";"),
            p.sex.map_or(String::new(), |s| if s == Sex::Male { "M".into() } else { "F".into() }),
            p.birth_date.to_string(),
            p.birth_place.clone().unwrap_or_default(),
            p.residence.clone().unwrap_or_default(),
            p.phone.clone().unwrap_or_default(),
            p.id_number.clone().unwrap_or_default(),
        ];
        let quoted: Vec<String> = fields.iter().map(|f| format!("\"{}\"", f.replace('"', "\"\""))).collect();
        csv.push_str(&quoted.join(","));
        csv.push('\n');
    }
    let started = Instant::now();
    vault.import_persons(csv.as_bytes())?;
    let import = started.elapsed().as_secs_f64();
    let mut checker = PersonChecker::default();
    let input = |q: &PersonRecord| PersonInput {
        full_name: q.full_name.clone(),
        other_names: q.other_names.clone(),
        sex: q.sex.map(|s| if s == Sex::Male { custodia_core::Sex::Male } else { custodia_core::Sex::Female }),
        birth_date: q.birth_date.to_string(),
        birth_place: q.birth_place.clone().unwrap_or_default(),
        residence: q.residence.clone().unwrap_or_default(),
        phone: q.phone.clone().unwrap_or_default(),
        id_number: q.id_number.clone().unwrap_or_default(),
        ..Default::default()
    };
    let started = Instant::now();
    vault.check_person_with(&mut checker, &input(&queries[0]))?;
    let first = started.elapsed().as_secs_f64();
    let mut times = Vec::with_capacity(queries.len());
    let mut findings = 0usize;
    for q in queries {
        let t = Instant::now();
        findings += vault.check_person_with(&mut checker, &input(q))?.len();
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    vault.close()?;
    times.sort_by(f64::total_cmp);
    let pct = |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize];
    println!("| through the vault: import of all persons (one transaction) | | | | {import:.1} s |");
    println!("| through the vault: first check (builds the kept index) | | | | {first:.2} s |");
    println!(
        "| through the vault: `check_person_with` ({} checks, {findings} findings) | {:.2} ms | {:.2} ms | {:.2} ms | |",
        times.len(),
        pct(0.5),
        pct(0.95),
        pct(1.0)
    );
    Ok(())
}
