//! The sound of a word as spellers from different languages write it: a folded spelling that keeps vowels
//! ("yusef") and a consonant skeleton without them ("ysf"), and the similarity measures over both.
//!
//! Arabic script writes no short vowels and Latin transliterations disagree mostly about vowels, so two
//! spellings of one Arabic name usually share a skeleton: Mohammed, Muhammad and محمد are all "mhmd".

/// Folds the spelling differences of the usual transliteration schemes (English, French, German, Slavic):
/// digraphs become one letter ("sh", "ch", "tch" → `S`; "kh" → "h"; "dj", "zh" → "j"; "ou", "oo" → "u"), "v" and
/// "w" meet, doubled letters collapse, and a final "h" after a vowel goes ("Aminah" → "amina").
/// `word` is lowercase ASCII, as `translit::to_ascii` makes it.
pub(crate) fn fold(word: &str) -> Vec<u8> {
    let b = word.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    let at = |i: usize| b.get(i).copied().unwrap_or(0);
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let (emit, used): (&[u8], usize) = match (c, at(i + 1), at(i + 2)) {
            (b's', b'c', b'h') | (b't', b'c', b'h') => (b"S", 3),
            (b'd', b'z', b'h') => (b"j", 3),
            (b's' | b'c', b'h', _) => (b"S", 2),
            (b'z', b'h', _) | (b'd', b'j', _) => (b"j", 2),
            (b'k', b'h', _) => (b"h", 2),
            (b'g', b'h', _) => (b"g", 2),
            (b't', b'h', _) => (b"t", 2),
            (b'd', b'h', _) => (b"d", 2),
            (b'p', b'h', _) => (b"f", 2),
            (b'c', b'k', _) => (b"k", 2),
            (b'o', b'u', _) | (b'o', b'o', _) => (b"u", 2),
            (b'e', b'e', _) => (b"i", 2),
            (b'c', b'e' | b'i' | b'y', _) => (b"s", 1),
            (b'c', _, _) | (b'q', _, _) => (b"k", 1),
            (b'x', _, _) => (b"ks", 1),
            (b'v', _, _) => (b"w", 1),
            // A "y" that is not before a vowel is the vowel "i" (Serhiy, Nikolay, Yuliya's second y is not).
            (b'y', n, _) if !is_vowel(n) && i > 0 => (b"i", 1),
            // Slavic "-ij" endings are "-iy" in English spellings.
            (b'j', 0, _) if i > 0 && b[i - 1] == b'i' => (b"", 1),
            _ => (std::slice::from_ref(&b[i]), 1),
        };
        for &e in emit {
            if out.last() != Some(&e) {
                out.push(e);
            }
        }
        i += used;
    }
    if out.len() > 2 && out.last() == Some(&b'h') && out.get(out.len() - 2).is_some_and(|v| is_vowel(*v)) {
        out.pop();
    }
    out
}

pub(crate) fn is_vowel(c: u8) -> bool {
    matches!(c, b'a' | b'e' | b'i' | b'o' | b'u')
}

/// Marks a word-initial vowel in a skeleton: Ismail, Esmail and إسماعيل all start with it.
pub(crate) const VOWEL_ONSET: u8 = b'A';

/// The consonant skeleton of a folded word: an initial vowel becomes `VOWEL_ONSET`, later vowels go, and a "y"
/// stays only where it is a consonant (before a vowel).
pub(crate) fn skeleton(folded: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(folded.len());
    for (i, &c) in folded.iter().enumerate() {
        let next = folded.get(i + 1).copied().unwrap_or(0);
        if i == 0 && is_vowel(c) {
            out.push(VOWEL_ONSET);
        } else if is_vowel(c) || (c == b'y' && !is_vowel(next)) {
            continue;
        } else {
            out.push(c);
        }
    }
    out
}

/// The cost of writing `a` where another speller wrote `b`. Letters that transliterations confuse cost little:
/// g/j (Gibril, Jibril), k/g/q (Siddig, Siddiq), h/g (Ihor, Igor), s/z, t/d, b/p, f/w, sh/s; the vowel onset
/// against a weak "h" or "y" (Halima, Alima; Yelena, Olena).
fn substitution_cost(a: u8, b: u8) -> f64 {
    if a == b {
        return 0.0;
    }
    let (x, y) = if a < b { (a, b) } else { (b, a) };
    match (x, y) {
        (b'g', b'j')
        | (b'g', b'k')
        | (b'k', b'q')
        | (b'g', b'h')
        | (b's', b'z')
        | (b'S', b's')
        | (b'd', b't')
        | (b'b', b'p')
        | (b'f', b'w')
        | (b'j', b'z')
        | (b'A', b'h')
        | (b'A', b'y')
        | (b'A', b'w')
        | (b'i', b'y') => 0.35,
        (b'S', b'h') | (b'S', b'j') | (b'd', b'z') | (b'k', b'h') | (b'S', b'k') => 0.55,
        _ => 1.0,
    }
}

/// Inserting or dropping a weak letter (h, w, y) costs less than a real consonant: Dawud/Daoud, Haroun/هارون.
fn indel_cost(c: u8) -> f64 {
    match c {
        b'h' | b'w' | b'y' => 0.4,
        _ => 1.0,
    }
}

/// Words longer than this are compared on their first `MAX_WORD` letters: no name part or place word is
/// longer, and it keeps the distance tables on the stack (the matcher computes millions of them).
const MAX_WORD: usize = 48;

/// Damerau–Levenshtein distance (adjacent transpositions, optimal string alignment) with the costs above.
pub(crate) fn weighted_distance(a: &[u8], b: &[u8]) -> f64 {
    let (a, b) = (&a[..a.len().min(MAX_WORD)], &b[..b.len().min(MAX_WORD)]);
    // Three rolling rows: the one two above (for transpositions), the one above, the current one.
    let mut rows = [[0.0f64; MAX_WORD + 1]; 3];
    for j in 1..=b.len() {
        rows[0][j] = rows[0][j - 1] + indel_cost(b[j - 1]);
    }
    for i in 1..=a.len() {
        let (cur, up, up2) = (i % 3, (i + 2) % 3, (i + 1) % 3);
        rows[cur][0] = rows[up][0] + indel_cost(a[i - 1]);
        for j in 1..=b.len() {
            let del = rows[up][j] + indel_cost(a[i - 1]);
            let ins = rows[cur][j - 1] + indel_cost(b[j - 1]);
            let sub = rows[up][j - 1] + substitution_cost(a[i - 1], b[j - 1]);
            let mut best = del.min(ins).min(sub);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && a[i - 1] != b[j - 1] {
                best = best.min(rows[up2][j - 2] + 0.6);
            }
            rows[cur][j] = best;
        }
    }
    rows[a.len() % 3][b.len()]
}

/// Similarity of two skeletons in 0..=1: one minus the weighted distance over the longer length.
pub(crate) fn skeleton_similarity(a: &[u8], b: &[u8]) -> f64 {
    let len = a.len().max(b.len()).min(MAX_WORD);
    if len == 0 {
        return 1.0;
    }
    (1.0 - weighted_distance(a, b) / len as f64).clamp(0.0, 1.0)
}

/// Similarity of two folded spellings in 0..=1 by plain edit distance (one edit per typo).
pub(crate) fn spelling_similarity(a: &[u8], b: &[u8]) -> f64 {
    let len = a.len().max(b.len()).min(MAX_WORD);
    if len == 0 {
        return 1.0;
    }
    (1.0 - osa_distance(a, b) as f64 / len as f64).clamp(0.0, 1.0)
}

/// Unit-cost optimal string alignment distance.
pub(crate) fn osa_distance(a: &[u8], b: &[u8]) -> usize {
    let (a, b) = (&a[..a.len().min(MAX_WORD)], &b[..b.len().min(MAX_WORD)]);
    let mut rows = [[0usize; MAX_WORD + 1]; 3];
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        let (cur, up, up2) = (i % 3, (i + 2) % 3, (i + 1) % 3);
        rows[cur][0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[up][j] + 1).min(rows[cur][j - 1] + 1).min(rows[up][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[up2][j - 2] + 1);
            }
            rows[cur][j] = best;
        }
    }
    rows[a.len() % 3][b.len()]
}

/// A coarse sound class code of a skeleton for blocking: weak letters and the vowel onset go, confusable
/// consonants share a class (k g q j c → k, s z S → s, t d → t, b p → b, f w → f), first `len` classes kept.
pub(crate) fn coarse_code(skeleton: &[u8], len: usize) -> String {
    let mut out = String::with_capacity(len);
    for &c in skeleton {
        let class = match c {
            b'A' | b'h' | b'w' | b'y' => continue,
            b'k' | b'g' | b'q' | b'j' | b'c' => 'k',
            b's' | b'z' | b'S' | b'x' => 's',
            b't' | b'd' => 't',
            b'b' | b'p' => 'b',
            b'f' => 'f',
            other => char::from(other),
        };
        if out.ends_with(class) {
            continue;
        }
        out.push(class);
        if out.len() >= len {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn skel(w: &str) -> String {
        String::from_utf8_lossy(&skeleton(&fold(w))).into_owned()
    }

    #[test]
    fn arabic_transliterations_share_a_skeleton() {
        for group in [
            &["mohammed", "muhammad", "mohamed", "mhmd"][..],
            &["haroun", "harun", "haroon"],
            &["youssef", "yusuf", "yousef", "yusf"],
            &["abakar", "abaker", "abbakar"],
            &["jibril", "djibril", "jbril"],
        ] {
            let first = skel(group[0]);
            for w in &group[1..] {
                assert_eq!(skel(w), first, "{w} should sound like {}", group[0]);
            }
        }
    }

    #[test]
    fn slavic_digraphs_fold() {
        assert_eq!(skel("savchuk"), skel("savtchouk"));
        assert_eq!(skel("shevchenko"), skel("chevtchenko"));
        assert_eq!(skel("vasyl"), skel("wasyl"));
        assert_eq!(fold("serhiy"), fold("serhij"));
    }

    #[test]
    fn confusable_letters_cost_little() {
        assert!(skeleton_similarity(b"jbrl", b"gbrl") > 0.9);
        assert!(skeleton_similarity(b"Agr", b"Ahr") > 0.85);
        assert!(skeleton_similarity(b"hrn", b"hrwn") > 0.85);
        assert!(skeleton_similarity(b"Amn", b"mn") < 0.7, "Amna and Mona are different names");
        assert!(skeleton_similarity(b"mSl", b"bSr") < 0.5);
    }

    #[test]
    fn distances_are_symmetric() {
        for (a, b) in [("hamid", "ahmed"), ("zeinab", "zainab"), ("abdelkarim", "abdlekarim")] {
            let (fa, fb) = (fold(a), fold(b));
            assert_eq!(weighted_distance(&fa, &fb), weighted_distance(&fb, &fa));
            assert_eq!(osa_distance(&fa, &fb), osa_distance(&fb, &fa));
        }
    }

    #[test]
    fn coarse_codes_merge_confusable_consonants() {
        assert_eq!(coarse_code(&skeleton(&fold("gibril")), 3), coarse_code(&skeleton(&fold("jibril")), 3));
        assert_eq!(coarse_code(&skeleton(&fold("siddig")), 3), coarse_code(&skeleton(&fold("seddik")), 3));
        assert_eq!(coarse_code(b"mhmd", 3), "mt", "weak letters go and repeats merge");
    }
}
