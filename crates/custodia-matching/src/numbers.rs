//! Phone numbers and identity numbers reduced to the part that stays the same however they are written.

/// How many trailing digits identify a phone line. The national significant number is 9 or 10 digits in the
/// countries Custodia works in; the last 9 agree between "+249 91 234 5678", "00249912345678" and
/// "0912345678", while the country code and trunk prefix vary with who typed the number.
const PHONE_TAIL: usize = 9;

/// Shorter than this is not a phone number but a fragment or a mistake.
const PHONE_MIN_DIGITS: usize = 7;

/// The comparison key of a phone number: its last nine digits, or the whole number if shorter.
/// `None` when the input has too few digits to identify a line.
pub fn normalize_phone(input: &str) -> Option<String> {
    let digits: String = input.chars().filter_map(ascii_digit).collect();
    if digits.len() < PHONE_MIN_DIGITS {
        return None;
    }
    let start = digits.len().saturating_sub(PHONE_TAIL);
    Some(digits[start..].to_string())
}

/// Reads ASCII, Arabic-Indic and Eastern Arabic-Indic digits alike.
fn ascii_digit(c: char) -> Option<char> {
    let value = match c {
        '0'..='9' => c as u32 - '0' as u32,
        '٠'..='٩' => c as u32 - '٠' as u32,
        '۰'..='۹' => c as u32 - '۰' as u32,
        _ => return None,
    };
    char::from_digit(value, 10)
}

/// The comparison key of an identity or registration number: letters and digits only, upper case (the dashes,
/// spaces and dots of "169-14C67450" are formatting). `None` when nothing is left or only one repeated
/// character ("000", "xxx"), which documenters type for "none".
pub fn normalize_id_number(input: &str) -> Option<String> {
    let key: String = input.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_uppercase).collect();
    let mut chars = key.chars();
    let first = chars.next()?;
    if key.chars().count() < 3 || chars.all(|c| c == first) {
        return None;
    }
    Some(key)
}

/// Whether two keys differ by a single mistyped character or two adjacent characters exchanged.
pub(crate) fn one_typo_apart(a: &str, b: &str) -> bool {
    if a == b {
        return false;
    }
    super::phonetic::osa_distance(a.as_bytes(), b.as_bytes()) == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_formats_agree() {
        let key = normalize_phone("+249 91 234 5678");
        assert_eq!(key.as_deref(), Some("912345678"));
        assert_eq!(normalize_phone("00249912345678"), key);
        assert_eq!(normalize_phone("0912345678"), key);
        assert_eq!(normalize_phone("(091) 234-5678"), key);
        assert_eq!(normalize_phone("+٢٤٩٩١٢٣٤٥٦٧٨"), key, "Arabic-Indic digits count as digits");
    }

    #[test]
    fn phone_fragments_are_not_keys() {
        assert_eq!(normalize_phone("123"), None);
        assert_eq!(normalize_phone("none"), None);
    }

    #[test]
    fn id_numbers_lose_formatting_only() {
        assert_eq!(normalize_id_number("169-14C67450").as_deref(), Some("16914C67450"));
        assert_eq!(normalize_id_number(" 169 14c 67450 ").as_deref(), Some("16914C67450"));
        assert_eq!(normalize_id_number("---"), None);
        assert_eq!(normalize_id_number("0000"), None);
        assert_ne!(normalize_id_number("169-14C67450"), normalize_id_number("169-14C67451"));
    }

    #[test]
    fn single_typos_are_recognised() {
        assert!(one_typo_apart("4957843", "4975843"));
        assert!(one_typo_apart("4957843", "4957840"));
        assert!(!one_typo_apart("4957843", "4957843"));
        assert!(!one_typo_apart("4957843", "1234567"));
    }
}
