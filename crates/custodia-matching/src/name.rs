//! Full names: splitting into parts, joining the parts that belong together ("Abd al-Karim"), and aligning
//! two names part by part to say which parts agree, which were dropped and whether the given names agree.

use super::names::group_of;
use super::phonetic::{fold, skeleton, skeleton_similarity, spelling_similarity};
use super::translit::{to_ascii, Script};

/// Two parts at least this similar are taken as one name part spelled two ways.
pub(crate) const PART_MATCH: f64 = 0.8;

/// Two whole names (parts joined) at least this similar are one name with its spaces in the wrong place
/// ("Iva nGritsenko", "HalimaD aoud").
const JOINED_MATCH: f64 = 0.88;

/// Parts of a name that carry no identity: particles and the Arabic article when written apart.
const PARTICLES: &[&str] = &[
    "de", "del", "la", "las", "los", "y", "da", "das", "do", "dos", "van", "von", "der", "bin", "ibn", "bint", "al",
    "el",
];

/// Prefixes that form one name with the part after them ("Abd al-Aziz" is one name, Abdelaziz).
const COMPOUND_PREFIXES: &[&str] = &["abd", "abdel", "abdul", "abdal", "abdu", "abu", "abou", "abo"];

/// One part of a name in its comparable forms.
#[derive(Debug, Clone)]
pub(crate) struct Part {
    pub ascii: Vec<u8>,
    pub folded: Vec<u8>,
    pub skeleton: Vec<u8>,
    /// The equivalence group of a Slavic given name, when `names` knows it.
    pub group: Option<u16>,
}

impl Part {
    fn new(ascii: &str) -> Part {
        let folded = fold(ascii);
        Part { ascii: ascii.as_bytes().to_vec(), skeleton: skeleton(&folded), group: group_of(&folded), folded }
    }
}

/// A part of a person's name: wiped when dropped (see `Prepared`).
impl Drop for Part {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        self.ascii.zeroize();
        self.folded.zeroize();
        self.skeleton.zeroize();
    }
}

/// A name ready for comparison.
#[derive(Debug, Clone)]
pub(crate) struct Name {
    pub parts: Vec<Part>,
    pub script: Script,
    joined_folded: Vec<u8>,
    joined_skeleton: Vec<u8>,
}

impl Drop for Name {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        self.joined_folded.zeroize();
        self.joined_skeleton.zeroize();
    }
}

/// Names longer than this are cut: nobody gives more than eight name parts, and the alignment is quadratic.
const MAX_PARTS: usize = 8;

pub(crate) fn prepare(full: &str) -> Name {
    let ascii = to_ascii(full);
    let words: Vec<&str> = ascii.text.split(' ').filter(|w| !w.is_empty()).collect();
    let mut parts: Vec<Part> = Vec::new();
    let mut i = 0;
    while i < words.len() && parts.len() < MAX_PARTS {
        let w = words[i];
        i += 1;
        if COMPOUND_PREFIXES.contains(&w) && i < words.len() {
            let mut joined = w.to_string();
            while i < words.len() && matches!(words[i], "al" | "el" | "ul") {
                joined.push_str(words[i]);
                i += 1;
            }
            if let Some(next) = words.get(i) {
                joined.push_str(next);
                i += 1;
            }
            parts.push(Part::new(&joined));
        } else if !PARTICLES.contains(&w) || words.len() == 1 {
            parts.push(Part::new(w));
        }
    }
    let joined_folded = parts.iter().flat_map(|p| p.folded.iter().copied()).collect();
    let joined_skeleton = parts.iter().flat_map(|p| p.skeleton.iter().copied()).collect();
    Name { parts, script: ascii.script, joined_folded, joined_skeleton }
}

/// How alike two name parts are, in 0..=1.
///
/// Arabic script writes no short vowels, so against it only the skeletons can be compared. Two spellings
/// with vowels are compared by skeleton and spelling together, or by the plain spelling alone when that is
/// closer (a typo in a name the skeleton rules do not cover).
pub(crate) fn part_similarity(a: &Part, b: &Part, a_script: Script, b_script: Script) -> f64 {
    if a.group.is_some() && a.group == b.group {
        return 1.0;
    }
    let skel = skeleton_similarity(&a.skeleton, &b.skeleton);
    if a_script == Script::Arabic || b_script == Script::Arabic {
        return skel;
    }
    let spelled = spelling_similarity(&a.folded, &b.folded);
    let raw = spelling_similarity(&a.ascii, &b.ascii);
    ((skel + spelled) / 2.0).max(raw)
}

/// Whether the given names (first parts) of two names agree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Given {
    Agrees,
    Differs,
    /// One name has a single part, which may be a given name or a family name.
    Unclear,
}

/// What the alignment of two names found.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NameEvidence {
    /// Parts paired with a part of the other name.
    pub matched: usize,
    /// Sum of the similarities of the paired parts.
    pub similarity: f64,
    /// Paired parts spelled identically (after case and accents).
    pub identical: usize,
    /// Parts of the shorter name with no partner: a different father's or family name.
    pub conflicts: usize,
    /// Parts present in the longer name only: dropped father's, grandfather's or second family names.
    pub dropped: usize,
    pub given: Given,
    /// The parts agree but stand in another order ("Kravchenko Bohdan").
    pub reordered: bool,
    /// The spaces stood in the wrong places; the names agree when joined.
    pub joined: bool,
}

pub(crate) fn compare(a: &Name, b: &Name) -> NameEvidence {
    let (n, m) = (a.parts.len(), b.parts.len());
    if n == 0 || m == 0 {
        return NameEvidence {
            matched: 0,
            similarity: 0.0,
            identical: 0,
            conflicts: 0,
            dropped: 0,
            given: Given::Unclear,
            reordered: false,
            joined: false,
        };
    }
    let mut sim = [[0.0f64; MAX_PARTS]; MAX_PARTS];
    let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
    for (i, (row, pa)) in sim.iter_mut().zip(&a.parts).enumerate() {
        for (j, (cell, pb)) in row.iter_mut().zip(&b.parts).enumerate() {
            let s = part_similarity(pa, pb, a.script, b.script);
            *cell = s;
            if s >= PART_MATCH {
                pairs.push((s, i, j));
            }
        }
    }
    // Greedy best-first pairing; ties go to the pair closest to the same position, which keeps
    // "Abakar Idris Ibrahim Abakar" aligned part for part.
    pairs.sort_by(|x, y| {
        y.0.total_cmp(&x.0).then_with(|| x.1.abs_diff(x.2).cmp(&y.1.abs_diff(y.2))).then((x.1, x.2).cmp(&(y.1, y.2)))
    });
    let (mut used_a, mut used_b) = ([false; MAX_PARTS], [false; MAX_PARTS]);
    let mut chosen: Vec<(usize, usize, f64)> = Vec::new();
    for (s, i, j) in pairs {
        if !used_a[i] && !used_b[j] {
            used_a[i] = true;
            used_b[j] = true;
            chosen.push((i, j, s));
        }
    }
    chosen.sort_by_key(|c| c.0);
    let matched = chosen.len();
    let similarity: f64 = chosen.iter().map(|c| c.2).sum();
    let identical = chosen.iter().filter(|c| a.parts[c.0].folded == b.parts[c.1].folded).count();
    let in_order = chosen.windows(2).all(|w| w[0].1 < w[1].1);

    let straight = sim[0][0] >= PART_MATCH;
    let swapped = n >= 2 && m >= 2 && sim[0][m - 1] >= PART_MATCH && sim[n - 1][0] >= PART_MATCH;
    let given = if straight || swapped {
        Given::Agrees
    } else if n == 1 || m == 1 {
        Given::Unclear
    } else {
        Given::Differs
    };
    let mut evidence = NameEvidence {
        matched,
        similarity,
        identical,
        conflicts: n.min(m) - matched,
        dropped: n.max(m) - n.min(m),
        given,
        reordered: !straight && swapped || !in_order,
        joined: false,
    };
    if evidence.conflicts > 0 || evidence.given != Given::Agrees {
        if let Some(joined) = joined_match(a, b) {
            evidence = joined;
        }
    }
    evidence
}

/// Compares the names with their spaces removed: the shorter against the start of the longer, so that a
/// dropped grandfather's name does not hide a misplaced space. Returns the evidence of a full match of the
/// shorter name when the joined forms agree.
fn joined_match(a: &Name, b: &Name) -> Option<NameEvidence> {
    let (short, long) = if a.joined_folded.len() <= b.joined_folded.len() { (a, b) } else { (b, a) };
    let mut best: f64 = 0.0;
    let arabic = a.script == Script::Arabic || b.script == Script::Arabic;
    for delta in [0isize, -1, 1] {
        if !arabic {
            let len = (short.joined_folded.len() as isize + delta).clamp(0, long.joined_folded.len() as isize);
            best = best.max(spelling_similarity(&short.joined_folded, &long.joined_folded[..len as usize]));
        }
        let (ss, ls) = if a.joined_skeleton.len() <= b.joined_skeleton.len() {
            (&a.joined_skeleton, &b.joined_skeleton)
        } else {
            (&b.joined_skeleton, &a.joined_skeleton)
        };
        let len = (ss.len() as isize + delta).clamp(0, ls.len() as isize);
        best = best.max(skeleton_similarity(ss, &ls[..len as usize]));
    }
    // A name of one short part joined is too little to recognise anything by, and the joined names must
    // agree where the given names stand: "Hussein Jamal Ahmed" and "Hassan Jamal Ahmed" are close when
    // joined, but they are brothers.
    if best < JOINED_MATCH || short.joined_skeleton.len() < 4 || !given_region_agrees(a, b) {
        return None;
    }
    // Count the parts of the longer name the shorter one covers, by length.
    let mut covered = 0;
    let mut length = 0;
    for p in &long.parts {
        if length >= short.joined_folded.len().saturating_sub(1) {
            break;
        }
        length += p.folded.len();
        covered += 1;
    }
    let covered = covered.max(1);
    Some(NameEvidence {
        matched: covered,
        similarity: covered as f64 * best,
        identical: 0,
        conflicts: 0,
        dropped: long.parts.len() - covered,
        given: Given::Agrees,
        reordered: false,
        joined: true,
    })
}

/// Whether the joined names agree over the length of the longer given name.
fn given_region_agrees(a: &Name, b: &Name) -> bool {
    let first_len = |n: &Name| n.parts.first().map_or(0, |p| p.folded.len());
    let len = first_len(a).max(first_len(b));
    let prefix = |n: &Name| n.joined_folded[..len.min(n.joined_folded.len())].to_vec();
    let (pa, pb) = (prefix(a), prefix(b));
    let spelled =
        if a.script == Script::Arabic || b.script == Script::Arabic { 0.0 } else { spelling_similarity(&pa, &pb) };
    spelled.max(skeleton_similarity(&skeleton(&pa), &skeleton(&pb))) >= PART_MATCH
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(a: &str, b: &str) -> NameEvidence {
        compare(&prepare(a), &prepare(b))
    }

    #[test]
    fn compound_names_are_one_part() {
        let parts = |s: &str| prepare(s).parts.len();
        assert_eq!(parts("Abd al-Aziz Hussain"), 2);
        assert_eq!(parts("Abdul Karim Gibril Haroun"), 3);
        assert_eq!(parts("عبد الكريم صديق"), 2);
        assert_eq!(parts("San Andrés de Tumaco"), 3);
    }

    #[test]
    fn transliterations_align_part_for_part() {
        let e = cmp("Jibril Ahmed Siddig Haroun", "جبريل أحمد صديق هارون");
        assert_eq!((e.matched, e.conflicts, e.given), (4, 0, Given::Agrees), "{e:?}");
        let e = cmp("Abdelaziz Hussein Abdallah Idris", "Abd al-Aziz Hussain Abdullah Edris");
        assert_eq!((e.matched, e.conflicts), (4, 0), "{e:?}");
    }

    #[test]
    fn dropped_parts_are_counted() {
        let e = cmp("Jibril Ahmet", "Jibril Ahmed Siddig Haroun");
        assert_eq!((e.matched, e.dropped, e.conflicts), (2, 2, 0), "{e:?}");
    }

    #[test]
    fn siblings_differ_in_the_given_name() {
        let e = cmp("Musa Youssef Hamid Idris", "Bashir Youssef Hamid Idris");
        assert_eq!(e.given, Given::Differs, "{e:?}");
        assert_eq!(e.matched, 3);
    }

    #[test]
    fn brothers_with_similar_joined_names_stay_apart() {
        let e = cmp("Hussein Jamal Ahmed Haroun", "Hassan Jamal Ahmed Haroun");
        assert_eq!((e.given, e.joined), (Given::Differs, false), "{e:?}");
    }

    #[test]
    fn reversed_order_is_recognised() {
        let e = cmp("Kravchenko Bohdan", "Bohdan Kravchenko");
        assert_eq!((e.given, e.reordered, e.matched), (Given::Agrees, true, 2), "{e:?}");
    }

    #[test]
    fn misplaced_spaces_are_forgiven() {
        let e = cmp("Iva nGritsenko", "Ivan Hrytsenko");
        assert_eq!(e.given, Given::Agrees, "{e:?}");
        let e = cmp("HalimaD aoud", "Halima Daoud Ibrahim");
        assert_eq!((e.given, e.conflicts), (Given::Agrees, 0), "{e:?}");
    }
}
