//! Short random identifiers that people can read aloud and type: Crockford base32, no I, L, O or U.

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A new id such as `E-7F3KQ-M2XPA`: `prefix`, then groups of random base32 characters.
pub(crate) fn new_id(prefix: &str, groups: &[usize]) -> Result<String, crate::keys::KeyError> {
    let total: usize = groups.iter().sum();
    let mut bytes = vec![0u8; total];
    crate::keys::random_fill(&mut bytes)?;
    let mut chars = bytes.iter().map(|b| ALPHABET[(b & 31) as usize] as char);
    let parts: Vec<String> = groups.iter().map(|&n| chars.by_ref().take(n).collect()).collect();
    Ok(format!("{prefix}-{}", parts.join("-")))
}

/// Normalises an id as a person typed it: upper case, and the letters people confuse with digits mapped.
pub(crate) fn normalize(typed: &str) -> String {
    typed
        .trim()
        .chars()
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_the_requested_shape() {
        let id = new_id("E", &[5, 5]).expect("random");
        assert_eq!(id.len(), 13, "{id}");
        assert!(id.starts_with("E-") && id.as_bytes()[7] == b'-', "{id}");
        assert!(id[2..].chars().all(|c| c == '-' || ALPHABET.contains(&(c as u8))), "{id}");
    }

    #[test]
    fn typed_ids_are_normalised() {
        assert_eq!(normalize(" e-7f3kq-m2xpo "), "E-7F3KQ-M2XP0");
    }
}
