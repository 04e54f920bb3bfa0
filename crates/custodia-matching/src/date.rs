//! Birth dates as people give them: a full date, a month and year, a year, or nothing; the parser for the
//! forms documenters type, and how two such dates compare.

use std::fmt;

use super::MatchingError;

/// A birth date known to some precision. Months and days are 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum PartialDate {
    #[default]
    Unknown,
    Year(i32),
    YearMonth(i32, u32),
    Full(i32, u32, u32),
}

/// Years outside this range are typing mistakes, not birth years.
const YEARS: std::ops::RangeInclusive<i32> = 1850..=2100;

impl PartialDate {
    /// Parses "1990", "1990-04", "1990-04-26", "26/04/1990" (also with dots or dashes), "04/1990", an empty
    /// string or "unknown". Refuses anything else, impossible days and months, and years outside 1850..=2100.
    pub fn parse(input: &str) -> Result<PartialDate, MatchingError> {
        let s = input.trim();
        let bad = || MatchingError::InvalidDate { input: input.chars().take(40).collect() };
        if s.is_empty() || s.eq_ignore_ascii_case("unknown") {
            return Ok(PartialDate::Unknown);
        }
        let parts: Vec<&str> = s.split(['-', '/', '.']).collect();
        if parts.iter().any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) || p.len() > 4) {
            return Err(bad());
        }
        let num = |p: &str| p.parse::<u32>().map_err(|_| bad());
        let year = |p: &str| -> Result<i32, MatchingError> {
            let y = i32::try_from(num(p)?).map_err(|_| bad())?;
            if p.len() == 4 && YEARS.contains(&y) {
                Ok(y)
            } else {
                Err(bad())
            }
        };
        let date = match parts.as_slice() {
            [y] => PartialDate::Year(year(y)?),
            [y, m] if y.len() == 4 => PartialDate::YearMonth(year(y)?, num(m)?),
            [m, y] if y.len() == 4 && m.len() <= 2 => PartialDate::YearMonth(year(y)?, num(m)?),
            [y, m, d] if y.len() == 4 => PartialDate::Full(year(y)?, num(m)?, num(d)?),
            [d, m, y] if y.len() == 4 && d.len() <= 2 => PartialDate::Full(year(y)?, num(m)?, num(d)?),
            _ => return Err(bad()),
        };
        if date.is_valid() {
            Ok(date)
        } else {
            Err(bad())
        }
    }

    /// Whether the month and day exist (leap years included) and the year is plausible.
    pub fn is_valid(&self) -> bool {
        match *self {
            PartialDate::Unknown => true,
            PartialDate::Year(y) => YEARS.contains(&y),
            PartialDate::YearMonth(y, m) => YEARS.contains(&y) && (1..=12).contains(&m),
            PartialDate::Full(y, m, d) => YEARS.contains(&y) && (1..=12).contains(&m) && d >= 1 && d <= days_in(y, m),
        }
    }

    pub fn year(&self) -> Option<i32> {
        match *self {
            PartialDate::Unknown => None,
            PartialDate::Year(y) | PartialDate::YearMonth(y, _) | PartialDate::Full(y, _, _) => Some(y),
        }
    }

    fn month(&self) -> Option<u32> {
        match *self {
            PartialDate::YearMonth(_, m) | PartialDate::Full(_, m, _) => Some(m),
            _ => None,
        }
    }
}

fn days_in(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            PartialDate::Unknown => f.write_str("unknown"),
            PartialDate::Year(y) => write!(f, "{y:04}"),
            PartialDate::YearMonth(y, m) => write!(f, "{y:04}-{m:02}"),
            PartialDate::Full(y, m, d) => write!(f, "{y:04}-{m:02}-{d:02}"),
        }
    }
}

/// What two birth dates say about two records being one person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DateEvidence {
    /// One or both unknown: says nothing.
    Unknown,
    /// Both full and equal.
    FullMatch,
    /// Equal as far as the less precise one goes (the year, or year and month).
    YearMatch,
    /// Both full, day and month exchanged (26/04 against 04/26).
    DayMonthSwapped,
    /// Both full with one digit mistyped or two adjacent digits exchanged.
    NearlyMatches,
    /// The years differ by one: an age given instead of a date, or a year typo.
    YearOffByOne { same_day: bool },
    /// Different years or, for two full dates, different days that no single mistake explains.
    Conflict { years: u32, both_full: bool },
}

pub(crate) fn compare(a: &PartialDate, b: &PartialDate) -> DateEvidence {
    let (Some(ya), Some(yb)) = (a.year(), b.year()) else {
        return DateEvidence::Unknown;
    };
    let years = ya.abs_diff(yb);
    if let (PartialDate::Full(_, ma, da), PartialDate::Full(_, mb, db)) = (*a, *b) {
        return match years {
            0 if (ma, da) == (mb, db) => DateEvidence::FullMatch,
            0 if (ma, da) == (db, mb) => DateEvidence::DayMonthSwapped,
            1 if (ma, da) == (mb, db) => DateEvidence::YearOffByOne { same_day: true },
            _ if one_typo(&digits(a), &digits(b)) => DateEvidence::NearlyMatches,
            _ => DateEvidence::Conflict { years, both_full: true },
        };
    }
    match years {
        0 => match (a.month(), b.month()) {
            (Some(ma), Some(mb)) if ma != mb => DateEvidence::Conflict { years: 0, both_full: false },
            _ => DateEvidence::YearMatch,
        },
        1 => DateEvidence::YearOffByOne { same_day: false },
        _ => DateEvidence::Conflict { years, both_full: false },
    }
}

fn digits(d: &PartialDate) -> [u8; 8] {
    let s = d.to_string().replace('-', "");
    let mut out = [0u8; 8];
    for (o, b) in out.iter_mut().zip(s.bytes()) {
        *o = b;
    }
    out
}

/// One digit different, or two adjacent digits exchanged.
fn one_typo(a: &[u8; 8], b: &[u8; 8]) -> bool {
    let diff: Vec<usize> = (0..8).filter(|&i| a[i] != b[i]).collect();
    match diff.as_slice() {
        [_] => true,
        [i, j] => *j == i + 1 && a[*i] == b[*j] && a[*j] == b[*i],
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> PartialDate {
        match PartialDate::parse(s) {
            Ok(d) => d,
            Err(e) => panic!("{s} should parse: {e}"),
        }
    }

    #[test]
    fn parses_every_documented_form() {
        assert_eq!(p("1990"), PartialDate::Year(1990));
        assert_eq!(p("1990-04"), PartialDate::YearMonth(1990, 4));
        assert_eq!(p("1990-04-26"), PartialDate::Full(1990, 4, 26));
        assert_eq!(p("26/04/1990"), PartialDate::Full(1990, 4, 26));
        assert_eq!(p("26.04.1990"), PartialDate::Full(1990, 4, 26));
        assert_eq!(p("04/1990"), PartialDate::YearMonth(1990, 4));
        assert_eq!(p(" "), PartialDate::Unknown);
        assert_eq!(p("Unknown"), PartialDate::Unknown);
        assert_eq!(p("2000-02-29"), PartialDate::Full(2000, 2, 29));
    }

    #[test]
    fn refuses_nonsense() {
        for bad in
            ["1990-13-01", "1990-02-30", "1900-02-29", "31/04/1990", "199", "90", "abc", "1990-4-x", "1790", "1990--01"]
        {
            assert!(PartialDate::parse(bad).is_err(), "{bad} must be refused");
        }
    }

    #[test]
    fn displays_as_iso() {
        assert_eq!(PartialDate::Full(1990, 4, 6).to_string(), "1990-04-06");
        assert_eq!(PartialDate::YearMonth(1990, 4).to_string(), "1990-04");
    }

    #[test]
    fn compares_as_a_documenter_would() {
        let c = |a, b| compare(&p(a), &p(b));
        assert_eq!(c("1990-04-26", "1990-04-26"), DateEvidence::FullMatch);
        assert_eq!(c("1990", "1990-04-26"), DateEvidence::YearMatch);
        assert_eq!(c("1990-04-11", "1990-11-04"), DateEvidence::DayMonthSwapped);
        assert_eq!(c("1990-04-26", "1991-04-26"), DateEvidence::YearOffByOne { same_day: true });
        assert_eq!(c("1990", "1991"), DateEvidence::YearOffByOne { same_day: false });
        assert_eq!(c("1990-04-26", "1990-04-27"), DateEvidence::NearlyMatches);
        assert_eq!(c("1916-10-17", "1961-10-17"), DateEvidence::NearlyMatches, "adjacent digits exchanged");
        assert_eq!(c("1990-04-26", "1990-09-13"), DateEvidence::Conflict { years: 0, both_full: true });
        assert_eq!(c("1990", "1995"), DateEvidence::Conflict { years: 5, both_full: false });
        assert_eq!(c("", "1995"), DateEvidence::Unknown);
    }
}
