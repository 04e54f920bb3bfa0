//! Building records for the tests and reading the sample CSV.

use custodia_matching::{compare, Match, PartialDate, PersonRecord, Sex};

/// A record with a name, a birth date in any accepted form and a birth place; other fields empty.
pub fn person(id: &str, name: &str, birth: &str, place: &str) -> PersonRecord {
    PersonRecord {
        id: id.into(),
        full_name: name.into(),
        birth_date: PartialDate::parse(birth).unwrap_or_else(|e| panic!("test date {birth}: {e}")),
        birth_place: (!place.is_empty()).then(|| place.into()),
        ..Default::default()
    }
}

pub fn with_sex(mut p: PersonRecord, sex: Sex) -> PersonRecord {
    p.sex = Some(sex);
    p
}

pub fn scored(a: &PersonRecord, b: &PersonRecord) -> Match {
    compare(a, b)
}

pub fn codes(m: &Match) -> Vec<&'static str> {
    m.reasons.iter().map(|r| r.code().as_str()).collect()
}

/// Splits one CSV line into fields (RFC 4180 quoting, no line breaks inside fields).
fn fields(line: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quoted = false;
    for c in line.chars() {
        match (c, quoted) {
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(String::new()),
            _ => {
                if let Some(f) = out.last_mut() {
                    f.push(c);
                }
            }
        }
    }
    out
}

fn data_file(name: &str) -> String {
    let path = format!("{}/../../tests/data/matching/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The fixed slice of the development set, as records, mapped as the records layer would map an import row.
pub fn dev_slice() -> Vec<PersonRecord> {
    let text = data_file("dev-slice.csv");
    let mut lines = text.lines();
    let header = fields(lines.next().unwrap_or_default());
    assert_eq!(header[..4], ["ref", "full_name", "other_names", "sex"], "unexpected header");
    lines
        .map(|line| {
            let f = fields(line);
            let get = |i: usize| f.get(i).map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
            PersonRecord {
                id: get(0).unwrap_or_default(),
                full_name: get(1).unwrap_or_default(),
                other_names: get(2).map(|s| s.split(';').map(|n| n.trim().to_string()).collect()).unwrap_or_default(),
                sex: get(3).and_then(|s| Sex::parse(&s)),
                birth_date: PartialDate::parse(&get(4).unwrap_or_default()).unwrap_or_else(|e| panic!("{line}: {e}")),
                birth_place: get(5),
                residence: get(6),
                phone: get(7),
                id_number: get(8),
            }
        })
        .collect()
}

/// The true duplicate pairs of the slice, each with the smaller reference first.
pub fn dev_slice_truth() -> std::collections::HashSet<(String, String)> {
    data_file("dev-slice.truth.csv")
        .lines()
        .skip(1)
        .filter_map(|l| {
            let f = fields(l);
            let (a, b) = (f.first()?.clone(), f.get(1)?.clone());
            Some(if a <= b { (a, b) } else { (b, a) })
        })
        .collect()
}
