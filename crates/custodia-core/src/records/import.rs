//! Importing persons from CSV (an organisation's register, a spreadsheet): header
//! `ref,full_name,other_names,sex,birth_date,birth_place,residence,phone,id_number`, UTF-8 with or without a
//! byte-order mark, `other_names` separated by `;`. Every row is checked before anything is written, and
//! the whole file goes in one transaction: a bad row is reported with its line number and nothing from the
//! file is imported. Size and row count are bounded, since the file comes from outside.

use super::persons::{self, PersonInput, Sex};
use crate::custody::{self, Action};
use crate::error::Result;
use crate::faults;
use crate::vault::Vault;
use serde_json::json;
use std::collections::HashMap;
use std::io::Read;

pub const HEADER: [&str; 9] =
    ["ref", "full_name", "other_names", "sex", "birth_date", "birth_place", "residence", "phone", "id_number"];
pub const MAX_IMPORT_BYTES: u64 = 64 * 1024 * 1024;
pub const MAX_IMPORT_ROWS: usize = 200_000;

/// Why a CSV file was refused. Nothing from it was imported.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    #[error("the file cannot be read: {0}")]
    Unreadable(#[source] std::io::Error),
    #[error("the file is larger than {} MiB; split it into smaller files", MAX_IMPORT_BYTES / 1024 / 1024)]
    TooLarge,
    #[error("the file has more than {MAX_IMPORT_ROWS} rows; split it into smaller files")]
    TooManyRows,
    #[error("line {line}: the file is not UTF-8 text; save it from the spreadsheet as \"CSV UTF-8\"")]
    NotUtf8 { line: u64 },
    #[error("line 1: the header must be exactly {expected}; found {found:?}")]
    WrongHeader { expected: String, found: String },
    #[error("line {line}: {reason}; nothing was imported, fix the line and import the file again")]
    BadRow { line: u64, reason: String },
}

/// One row read from the file, with its line number (the header is line 1).
#[derive(Debug, Clone)]
pub struct Row {
    pub line: u64,
    pub person: PersonInput,
}

/// Reads and checks the whole file. Returns the rows, or the first problem with its line number.
pub fn read_csv(reader: impl Read) -> Result<Vec<Row>, ImportError> {
    let mut bytes = Vec::new();
    reader.take(MAX_IMPORT_BYTES + 1).read_to_end(&mut bytes).map_err(ImportError::Unreadable)?;
    if bytes.len() as u64 > MAX_IMPORT_BYTES {
        return Err(ImportError::TooLarge);
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    if let Err(e) = std::str::from_utf8(body) {
        let line = body[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count() as u64 + 1;
        return Err(ImportError::NotUtf8 { line });
    }
    let mut csv = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(body);
    let mut records = csv.records();
    let header = match records.next() {
        Some(Ok(h)) => h.iter().map(str::trim).collect::<Vec<_>>().join(","),
        Some(Err(e)) => return Err(ImportError::BadRow { line: 1, reason: csv_reason(&e) }),
        None => String::new(),
    };
    if header != HEADER.join(",") {
        return Err(ImportError::WrongHeader { expected: HEADER.join(","), found: persons_shorten(&header) });
    }
    let mut rows = Vec::new();
    let mut refs: HashMap<String, u64> = HashMap::new();
    for record in records {
        let record = record
            .map_err(|e| ImportError::BadRow { line: e.position().map_or(0, |p| p.line()), reason: csv_reason(&e) })?;
        let line = record.position().map_or(0, |p| p.line());
        if rows.len() >= MAX_IMPORT_ROWS {
            return Err(ImportError::TooManyRows);
        }
        if record.len() != HEADER.len() {
            let reason = format!("{} columns where the header has {}", record.len(), HEADER.len());
            return Err(ImportError::BadRow { line, reason });
        }
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let bad = |e: crate::Error| ImportError::BadRow { line, reason: e.to_string() };
        let field = |i: usize| record.get(i).unwrap_or("").to_string();
        let person = PersonInput {
            reference: field(0),
            full_name: field(1),
            other_names: field(2).split(';').map(str::to_string).collect(),
            sex: Sex::parse(&field(3)).map_err(bad)?,
            birth_date: field(4),
            birth_place: field(5),
            residence: field(6),
            phone: field(7),
            id_number: field(8),
            ..Default::default()
        };
        let checked = person.check().map_err(bad)?;
        if let Some(reference) = &checked.reference {
            if let Some(first) = refs.insert(reference.clone(), line) {
                let reason = format!("the ref {reference:?} is also on line {first}");
                return Err(ImportError::BadRow { line, reason });
            }
        }
        rows.push(Row { line, person });
    }
    Ok(rows)
}

fn csv_reason(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths { len, expected_len, .. } => {
            format!("{len} columns where the header has {expected_len}")
        }
        csv::ErrorKind::Utf8 { .. } => "not UTF-8 text".into(),
        _ => "not valid CSV (check the quotes)".into(),
    }
}

fn persons_shorten(text: &str) -> String {
    super::fields::shorten(text)
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    /// (line, new pseudonym code) for each row.
    pub persons: Vec<(u64, String)>,
    pub file_sha256: String,
}

impl Vault {
    /// Imports every person of a CSV file, all in one transaction: all rows or none. The rules are not run
    /// row by row: imported registers are checked afterwards with `person_duplicates` and the review queue.
    pub fn import_persons(&mut self, reader: impl Read) -> Result<Imported> {
        let mut bytes = Vec::new();
        reader.take(MAX_IMPORT_BYTES + 1).read_to_end(&mut bytes).map_err(ImportError::Unreadable)?;
        let rows = read_csv(bytes.as_slice())?;
        let file_sha256 = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&bytes));
        let tx = self.conn.transaction()?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let checked = row.person.check()?;
            let id = persons::insert(&tx, &self.session, &checked).map_err(|e| match e {
                crate::Error::Record(super::RecordError::RefTaken(r)) => ImportError::BadRow {
                    line: row.line,
                    reason: format!("the ref {r:?} is already used by a person in the vault"),
                }
                .into(),
                other => other,
            })?;
            out.push((row.line, id));
        }
        custody::append(
            &tx,
            &self.session,
            Action::PersonsImported,
            None,
            json!({ "persons": out.len(), "file_sha256": file_sha256 }),
        )?;
        faults::commit(tx, "person_import.commit")?;
        Ok(Imported { persons: out, file_sha256 })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "ref,full_name,other_names,sex,birth_date,birth_place,residence,phone,id_number\n";

    fn line_of(csv: &str) -> u64 {
        match read_csv(csv.as_bytes()) {
            Err(ImportError::BadRow { line, .. } | ImportError::NotUtf8 { line }) => line,
            other => panic!("expected a bad row, got {other:?}"),
        }
    }

    #[test]
    fn good_rows_are_read_with_a_bom_and_empty_columns() {
        let csv = format!("\u{feff}{HEAD}R1,Amina Yusuf,Amina Youssef;أمينة,F,1990,Nyala,,,\n,Adam Omar,,,,,,,\n");
        let rows = read_csv(csv.as_bytes()).expect("valid");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[0].person.other_names[1], "أمينة");
        assert_eq!(rows[1].person.reference, "");
    }

    #[test]
    fn each_bad_row_is_named_by_its_line() {
        assert_eq!(line_of(&format!("{HEAD}R1,A,,M,,,,,\nR2,B,,X,,,,,\n")), 3, "bad sex");
        assert_eq!(line_of(&format!("{HEAD}R1,A,,M,1990-02-30,,,,\n")), 2, "bad date");
        assert_eq!(line_of(&format!("{HEAD}R1,A,,M,,,,,\nR2,,,F,,,,,\n")), 3, "missing name");
        assert_eq!(line_of(&format!("{HEAD}R1,{},,M,,,,,\n", "x".repeat(300))), 2, "over-long");
        assert_eq!(line_of(&format!("{HEAD}R1,A,,M,,,,\n")), 2, "too few columns");
        assert_eq!(line_of(&format!("{HEAD}R1,A,,M,,,,,\nR1,B,,M,,,,,\n")), 3, "repeated ref");
        let mut bytes = format!("{HEAD}R1,A,,M,,,,,\nR2,B").into_bytes();
        bytes.extend_from_slice(b"\xff\xfe,,M,,,,,\n");
        match read_csv(bytes.as_slice()) {
            Err(ImportError::NotUtf8 { line }) => assert_eq!(line, 3),
            other => panic!("expected not UTF-8, got {other:?}"),
        }
    }

    /// Nothing in Custodia writes CSV, so a value a spreadsheet would run as a formula is harmless here and
    /// is evidence of what the register said: it is kept exactly as typed. (Were CSV ever written out, such
    /// values would be quoted with a leading `'`, as OWASP advises.)
    #[test]
    fn values_a_spreadsheet_would_run_as_formulas_are_kept_as_typed() {
        let csv = format!(
            "{HEAD}R1,\"=HYPERLINK(\"\"http://127.0.0.1/x\"\",\"\"click\"\")\",+Amina;-Amina;@Amina,F,,=1+2,@SUM(A1),+33 1 23,-7\n"
        );
        let rows = read_csv(csv.as_bytes()).expect("a formula is text like any other");
        let person = &rows[0].person;
        assert_eq!(person.full_name, "=HYPERLINK(\"http://127.0.0.1/x\",\"click\")", "kept as typed");
        assert_eq!(person.other_names, ["+Amina", "-Amina", "@Amina"], "each leading sign kept");
        assert_eq!(person.birth_place, "=1+2");
        assert_eq!(person.residence, "@SUM(A1)");
        assert_eq!(person.phone, "+33 1 23");
        assert_eq!(person.id_number, "-7");
    }

    #[test]
    fn a_wrong_header_is_refused() {
        assert!(matches!(read_csv("name,sex\nA,M\n".as_bytes()), Err(ImportError::WrongHeader { .. })));
        assert!(matches!(read_csv("".as_bytes()), Err(ImportError::WrongHeader { .. })));
    }

    proptest::proptest! {
        /// Outside input: any bytes after a valid header give rows or an error, never a panic.
        #[test]
        fn any_bytes_are_refused_or_read_never_a_panic(tail in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..600)) {
            let mut bytes = HEAD.as_bytes().to_vec();
            bytes.extend_from_slice(&tail);
            let _ = read_csv(bytes.as_slice());
            let _ = read_csv(tail.as_slice());
        }

        /// What a spreadsheet writes (quotes, commas, accents, other scripts) reads back as written.
        #[test]
        fn written_rows_read_back_the_same(
            rows in proptest::collection::vec(
                ("[A-Za-zÀ-ÿ\u{0600}-\u{06FF}\u{0400}-\u{04FF}][A-Za-zÀ-ÿ\u{0600}-\u{06FF}\u{0400}-\u{04FF} ,\"'-]{0,40}",
                 "[A-Za-z ,\"]{0,30}", proptest::prop_oneof!["", "M", "F"], proptest::prop_oneof!["", "1990", "1990-04", "1990-04-26"]),
                1..20)
        ) {
            let mut writer = csv::Writer::from_writer(Vec::new());
            writer.write_record(HEADER).expect("header");
            for (i, (name, place, sex, birth)) in rows.iter().enumerate() {
                let reference = format!("R{i}");
                writer.write_record([reference.as_str(), name, "", sex, birth, place, "", "", ""]).expect("row");
            }
            let bytes = writer.into_inner().expect("bytes");
            let read = read_csv(bytes.as_slice()).expect("valid rows");
            proptest::prop_assert_eq!(read.len(), rows.len());
            for (row, (name, place, _, birth)) in read.iter().zip(&rows) {
                proptest::prop_assert_eq!(&row.person.full_name, name);
                proptest::prop_assert_eq!(&row.person.birth_place, place);
                proptest::prop_assert_eq!(&row.person.birth_date, birth);
            }
        }
    }
}
