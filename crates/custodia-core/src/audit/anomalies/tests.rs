use super::*;
use serde_json::json;

/// A log of events one minute apart from 2026-03-01, by "Amina", of the given actions.
fn row(seq: u64, time: &str, action: &str) -> Row {
    Row { seq, time: time.into(), actor: "Amina".into(), action: action.into(), subject: None, details: None }
}

fn minute(n: u64) -> String {
    let at =
        DateTime::parse_from_rfc3339("2026-03-01T09:00:00.000Z").expect("time") + chrono::Duration::minutes(n as i64);
    at.with_timezone(&Utc).to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn scan(rows: impl IntoIterator<Item = Row>) -> Vec<Anomaly> {
    let mut scan = Scan::default();
    rows.into_iter().for_each(|r| scan.push(r));
    scan.finish().0
}

fn kinds(found: &[Anomaly]) -> Vec<AnomalyKind> {
    found.iter().map(|a| a.kind).collect()
}

#[test]
fn an_ordinary_log_has_nothing_worth_a_look() {
    let found = scan((1..=50).map(|n| row(n, &minute(n), "item.ingested")));
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn a_clock_going_backwards_is_found_once_whether_recorded_or_not() {
    let mut recorded = row(3, "2026-03-01T08:00:00.000Z", "clock.anomaly");
    recorded.details = Some(json!({ "previous_event_time": minute(2), "clock_now": "2026-03-01T08:00:00.000Z" }));
    let found = scan([
        row(1, &minute(1), "vault.opened"),
        row(2, &minute(2), "item.ingested"),
        recorded,
        row(4, "2026-03-01T08:00:00.000Z", "item.ingested"),
        // An older log's step back, with no event of its own.
        row(5, "2026-03-01T07:00:00.000Z", "item.ingested"),
    ]);
    assert_eq!(kinds(&found), [AnomalyKind::ClockBackwards, AnomalyKind::ClockBackwards]);
    assert_eq!((found[0].seq, found[0].previous_time.as_deref()), (3, Some(minute(2).as_str())));
    assert_eq!((found[1].seq, found[1].previous_time.as_deref()), (5, Some("2026-03-01T08:00:00.000Z")));
}

#[test]
fn a_silence_of_more_than_thirty_days_is_a_long_gap_counted_in_days() {
    let found = scan([
        row(1, "2026-01-01T10:00:00.000Z", "vault.closed"),
        row(2, "2026-01-31T10:00:00.000Z", "vault.opened"),
        row(3, "2026-03-15T11:00:00.000Z", "vault.opened"),
    ]);
    assert_eq!(kinds(&found), [AnomalyKind::LongGap], "30 days exactly is not more than 30");
    assert_eq!((found[0].seq, found[0].count), (3, 43));
    assert_eq!(found[0].previous_time.as_deref(), Some("2026-01-31T10:00:00.000Z"));
}

#[test]
fn a_clock_put_right_after_going_back_is_no_gap() {
    let found = scan([
        row(1, "2026-03-01T10:00:00.000Z", "vault.opened"),
        row(2, "1970-01-01T00:00:10.000Z", "clock.anomaly"),
        row(3, "2026-03-01T10:05:00.000Z", "vault.opened"),
    ]);
    assert_eq!(kinds(&found), [AnomalyKind::ClockBackwards]);
}

#[test]
fn an_accepted_rollback_counts_the_events_the_older_copy_lacks() {
    let mut accepted = row(40, &minute(40), "vault.rollback_accepted");
    accepted.details = Some(json!({ "reason": "stick lost", "seen": { "size": 120 }, "found": { "size": 39 } }));
    let found = scan([accepted]);
    assert_eq!(kinds(&found), [AnomalyKind::RollbackAccepted]);
    assert_eq!(found[0].count, 81);
}

#[test]
fn overrides_and_exports_are_each_listed_with_their_subject() {
    let mut overridden = row(1, &minute(1), "harm.overridden");
    overridden.subject = Some("P-7F3K".into());
    let mut exported = row(2, &minute(2), "bundle.exported");
    exported.subject = Some("B-ABCDE".into());
    exported.details = Some(json!({ "items": [{ "id": "E-1" }, { "id": "E-2" }] }));
    let found = scan([overridden, exported]);
    assert_eq!(kinds(&found), [AnomalyKind::HarmOverridden, AnomalyKind::Export]);
    assert_eq!(found[0].subject.as_deref(), Some("P-7F3K"));
    assert_eq!((found[1].subject.as_deref(), found[1].count), (Some("B-ABCDE"), 2));
}

#[test]
fn more_than_ten_reveals_by_one_actor_within_an_hour_is_one_bulk_reveal() {
    // Ten reveals in an hour is not bulk; eleven is.
    let ten = scan((1..=10).map(|n| row(n, &minute(n * 5), "person.revealed")));
    assert!(ten.is_empty(), "{ten:?}");
    // 15 reveals a minute apart, then one two hours later: one burst, from the first to the fifteenth.
    let mut rows: Vec<Row> = (1..=15).map(|n| row(n, &minute(n), "person.revealed")).collect();
    rows.push(row(16, &minute(200), "person.revealed"));
    let found = scan(rows);
    assert_eq!(kinds(&found), [AnomalyKind::BulkReveal]);
    assert_eq!((found[0].seq, found[0].last_seq, found[0].count), (1, 15, 15));
    assert_eq!(found[0].time, minute(1));
}

#[test]
fn reveals_by_different_actors_are_counted_apart() {
    let found = scan((1..=20).map(|n| {
        let mut r = row(n, &minute(n), "person.revealed");
        r.actor = if n % 2 == 0 { "Amina".into() } else { "Musa".into() };
        r
    }));
    assert!(found.is_empty(), "ten each: {found:?}");
}

#[test]
fn the_list_is_bounded_and_says_how_many_more() {
    let mut scan = Scan::default();
    for n in 1..=(MAX_ANOMALIES as u64 + 5) {
        scan.push(row(n, &minute(n), "harm.overridden"));
    }
    let (found, more) = scan.finish();
    assert_eq!((found.len(), more), (MAX_ANOMALIES, 5));
    assert_eq!(found[0].seq, 1);
}
