//! The one way this module reads DER from outside: `from_der` walks the bytes' TLV structure first and
//! refuses any element whose declared length runs past its parent, then hands them to `der`.
//!
//! Why: `der` 0.7 allocates an element's declared length before it checks that the bytes are there
//! (`Reader::read_vec`), so a 1 KiB reply that declares a 90 MiB element made it allocate 90 MiB (found by
//! the `timestamp_reply` fuzz target). With every length checked against the bytes first, no allocation
//! exceeds the input's own size, which `MAX_REPLY_BYTES` bounds.

use der::{Decode, ErrorKind, Length};

/// Deeper nesting than any certificate or token has; also bounds the walk's recursion.
const MAX_DEPTH: usize = 48;

/// `T` decoded from `bytes`, once every element's length is known to fit (see the module note).
pub(crate) fn from_der<'a, T: Decode<'a>>(bytes: &'a [u8]) -> der::Result<T> {
    walk(bytes, 0)
        .map_err(|offset| der::Error::new(ErrorKind::Overlength, Length::try_from(offset).unwrap_or(Length::MAX)))?;
    T::from_der(bytes)
}

/// Checks the sequence of elements in `bytes`, descending into constructed ones; `Err` holds the offset
/// (within `bytes`) of the first element that does not fit.
fn walk(bytes: &[u8], depth: usize) -> Result<(), u32> {
    let offset = |rest: &[u8]| u32::try_from(bytes.len() - rest.len()).unwrap_or(u32::MAX);
    let mut rest = bytes;
    while !rest.is_empty() {
        let (constructed, contents, after) = element(rest).ok_or_else(|| offset(rest))?;
        if constructed {
            if depth >= MAX_DEPTH {
                return Err(offset(rest));
            }
            let start = offset(&bytes[bytes.len() - after.len() - contents.len()..]);
            walk(contents, depth + 1).map_err(|inner| start.saturating_add(inner))?;
        }
        rest = after;
    }
    Ok(())
}

/// One element at the start of `bytes`: whether it is constructed, its contents and what follows it.
/// `None` when its identifier or length is cut short, indefinite, wider than 4 bytes or past the end.
fn element(bytes: &[u8]) -> Option<(bool, &[u8], &[u8])> {
    let (&identifier, mut rest) = bytes.split_first()?;
    if identifier & 0x1f == 0x1f {
        // High tag number: base-128 bytes, the last without its top bit.
        let end = rest.iter().position(|b| b & 0x80 == 0)?;
        rest = &rest[end + 1..];
    }
    let (&first, mut rest) = rest.split_first()?;
    let len = match first {
        0..=0x7f => usize::from(first),
        0x81..=0x84 => {
            let width = usize::from(first & 0x7f);
            let (digits, after) = (rest.get(..width)?, &rest[width..]);
            rest = after;
            digits.iter().fold(0usize, |n, &d| (n << 8) | usize::from(d))
        }
        _ => return None,
    };
    let contents = rest.get(..len)?;
    Some((identifier & 0x20 != 0, contents, &rest[len..]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use der::asn1::OctetString;

    #[test]
    fn a_length_past_the_end_is_refused_before_any_allocation() {
        // SEQUENCE { OCTET STRING declaring 90 MiB } in 12 bytes.
        let bomb = [0x30, 0x0a, 0x04, 0x84, 0x05, 0xb7, 0x02, 0x01, 0, 0, 0, 0];
        let err = from_der::<der::Any>(&bomb).expect_err("refused");
        assert_eq!(err.kind(), ErrorKind::Overlength);
        assert_eq!(err.position(), Some(Length::new(2)), "the inner element is named");
    }

    #[test]
    fn well_formed_der_reads_as_before() {
        let der = der::Encode::to_der(&OctetString::new(vec![7u8; 300]).expect("octets")).expect("der");
        assert_eq!(from_der::<OctetString>(&der).expect("read").as_bytes(), &[7u8; 300][..]);
    }

    #[test]
    fn cut_indefinite_and_too_deep_elements_are_refused() {
        for bad in [&[0x30][..], &[0x04, 0x82, 0x01], &[0x30, 0x80, 0, 0], &[0x1f], &[0x04, 0x85, 1, 1, 1, 1, 1]] {
            assert!(from_der::<der::Any>(bad).is_err(), "{bad:?}");
        }
        let mut deep = Vec::new();
        for _ in 0..MAX_DEPTH + 1 {
            deep = [vec![0x30, u8::try_from(deep.len()).expect("short")], deep].concat();
        }
        assert!(walk(&deep, 0).is_err());
        assert!(walk(&deep[2..], 0).is_ok(), "one level fewer fits");
    }
}
