//! Writing any supported script as plain lowercase ASCII: Arabic and Cyrillic letters by table, Latin letters
//! without their accents. Everything the matcher compares goes through `to_ascii` first.

use std::fmt;
use unicode_normalization::UnicodeNormalization;

/// The writing system a name or place was entered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Script {
    Latin,
    Arabic,
    Cyrillic,
}

impl Script {
    /// A stable lowercase code, for translation keys and JSON.
    pub fn code(self) -> &'static str {
        match self {
            Script::Latin => "latin",
            Script::Arabic => "arabic",
            Script::Cyrillic => "cyrillic",
        }
    }
}

impl fmt::Display for Script {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Script::Latin => "Latin",
            Script::Arabic => "Arabic",
            Script::Cyrillic => "Cyrillic",
        })
    }
}

/// Text written as lowercase ASCII letters, digits and single spaces, with the script it mostly came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Ascii {
    pub text: String,
    pub script: Script,
}

/// Transliterates `input` to lowercase ASCII. Punctuation becomes a word break, except apostrophes (and the
/// Ukrainian soft sign), which disappear so that "Mariupol'" and "Mariupol" agree.
pub(crate) fn to_ascii(input: &str) -> Ascii {
    let mut out = String::with_capacity(input.len());
    let (mut arabic, mut cyrillic, mut latin) = (0usize, 0usize, 0usize);
    let chars: Vec<char> = input.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        if is_arabic(c) {
            arabic += 1;
            i += arabic_letter(&chars, i - 1, &mut out);
        } else if let Some(s) = cyrillic_letter(c) {
            cyrillic += 1;
            out.push_str(s);
        } else if c.is_alphabetic() {
            latin += 1;
            latin_letter(c, &mut out);
        } else if c.is_ascii_digit() {
            out.push(c);
        } else if matches!(c, '\'' | '’' | '‘' | 'ʼ' | '`' | '´') {
            // Apostrophes mark a soft sign or an ayn; dropping them keeps the word whole.
        } else {
            out.push(' ');
        }
    }
    let script = if arabic > latin.max(cyrillic) {
        Script::Arabic
    } else if cyrillic > latin {
        Script::Cyrillic
    } else {
        Script::Latin
    };
    Ascii { text: squeeze_spaces(&out), script }
}

fn squeeze_spaces(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn latin_letter(c: char, out: &mut String) {
    // Letters that do not decompose into a base letter plus accent.
    let special = match c {
        'ß' => Some("ss"),
        'æ' | 'Æ' => Some("ae"),
        'œ' | 'Œ' => Some("oe"),
        'ø' | 'Ø' => Some("o"),
        'ł' | 'Ł' => Some("l"),
        'đ' | 'Đ' | 'ð' | 'Ð' => Some("d"),
        'þ' | 'Þ' => Some("th"),
        'ı' => Some("i"),
        _ => None,
    };
    if let Some(s) = special {
        out.push_str(s);
        return;
    }
    for d in c.to_lowercase().nfkd() {
        if d.is_ascii_alphanumeric() {
            out.push(d);
        }
    }
}

fn is_arabic(c: char) -> bool {
    matches!(c, '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}')
}

/// Writes the Arabic letter at `i` and returns how many letters after it were consumed too.
///
/// Long vowels and consonants in Arabic share letters: waw is "w" or "u", ya is "y" or "i". A waw or ya between
/// a consonant and a consonant (or the word end) is read as the vowel, which is how Latin spellings write it.
fn arabic_letter(chars: &[char], i: usize, out: &mut String) -> usize {
    let c = chars[i];
    let prev = i.checked_sub(1).map(|p| chars[p]).filter(|p| is_arabic(*p));
    let next = chars.get(i + 1).copied().filter(|n| is_arabic(*n));
    let word_start = prev.is_none();
    let vowel_letter = |x: Option<char>| matches!(x, Some('ا' | 'ى' | 'ة' | 'أ' | 'إ' | 'آ'));
    // The article al- is written joined to its word; Latin spellings write it apart ("El Fasher").
    if word_start && c == 'ا' && next == Some('ل') && chars.get(i + 2).is_some_and(|x| is_arabic(*x)) {
        out.push_str("al ");
        return 1;
    }
    let s = match c {
        'ا' | 'أ' | 'آ' | 'ٱ' | 'ى' | 'ة' | 'ع' => "a",
        'إ' => "i",
        'ء' => "",
        'ؤ' => "w",
        'ئ' => "y",
        'ب' => "b",
        'ت' => "t",
        'ث' => "th",
        'ج' => "j",
        'ح' | 'ه' => "h",
        'خ' => "kh",
        'د' => "d",
        'ذ' => "dh",
        'ر' => "r",
        'ز' => "z",
        'س' | 'ص' => "s",
        'ش' => "sh",
        'ض' => "d",
        'ط' => "t",
        'ظ' => "z",
        'غ' => "gh",
        'ف' => "f",
        'ق' => "q",
        'ك' | 'ک' => "k",
        'ل' => "l",
        'م' => "m",
        'ن' => "n",
        'و' => {
            if !word_start && !vowel_letter(next) && !vowel_letter(prev) {
                "u"
            } else {
                "w"
            }
        }
        'ي' | 'ی' => {
            if !word_start && !vowel_letter(next) && !vowel_letter(prev) {
                "i"
            } else {
                "y"
            }
        }
        'پ' => "p",
        'چ' => "ch",
        'ژ' => "zh",
        'گ' => "g",
        '٠'..='٩' => {
            out.push(char::from_digit(c as u32 - '٠' as u32, 10).unwrap_or('0'));
            return 0;
        }
        '۰'..='۹' => {
            out.push(char::from_digit(c as u32 - '۰' as u32, 10).unwrap_or('0'));
            return 0;
        }
        // Short-vowel marks, shadda, tatweel and punctuation carry nothing the Latin spellings keep.
        _ => {
            if matches!(c, '،' | '؛' | '؟') {
                " "
            } else {
                ""
            }
        }
    };
    out.push_str(s);
    0
}

/// Ukrainian-first romanisation (г is "h", и is "y"), with the Russian-only letters added; the matcher treats
/// h/g and the vowels loosely, so Russian and Ukrainian spellings of a name still meet.
fn cyrillic_letter(c: char) -> Option<&'static str> {
    let lower = c.to_lowercase().next().unwrap_or(c);
    Some(match lower {
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' => "h",
        'ґ' => "g",
        'д' => "d",
        'е' => "e",
        'є' => "ye",
        'ж' => "zh",
        'з' => "z",
        'и' => "y",
        'і' => "i",
        'ї' => "yi",
        'й' => "y",
        'к' => "k",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' => "u",
        'ф' => "f",
        'х' => "kh",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "shch",
        'ь' | 'ъ' => "",
        'ю' => "yu",
        'я' => "ya",
        'ы' => "y",
        'э' => "e",
        'ё' => "yo",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ascii(s: &str) -> String {
        to_ascii(s).text
    }

    #[test]
    fn latin_loses_case_and_accents() {
        assert_eq!(ascii("Apartadó"), "apartado");
        assert_eq!(ascii("ÁLVARO  Muñoz"), "alvaro munoz");
        assert_eq!(ascii("Mariupol'"), "mariupol");
        assert_eq!(ascii("Abd al-Aziz"), "abd al aziz");
        assert_eq!(to_ascii("José").script, Script::Latin);
    }

    #[test]
    fn arabic_letters_follow_the_table() {
        assert_eq!(ascii("محمد"), "mhmd");
        assert_eq!(ascii("هارون"), "harun");
        assert_eq!(ascii("يوسف"), "yusf");
        assert_eq!(ascii("داود"), "dawd");
        assert_eq!(ascii("جبريل"), "jbril");
        assert_eq!(to_ascii("محمد").script, Script::Arabic);
    }

    #[test]
    fn arabic_article_is_written_apart() {
        assert_eq!(ascii("الفاشر"), "al fashr");
        assert_eq!(ascii("عبد الكريم"), "abd al krim");
    }

    #[test]
    fn cyrillic_letters_follow_the_table() {
        assert_eq!(ascii("Олександр"), "oleksandr");
        assert_eq!(ascii("Володимир Сидоренко"), "volodymyr sydorenko");
        assert_eq!(ascii("Ігор"), "ihor");
        assert_eq!(ascii("Херсон"), "kherson");
        assert_eq!(ascii("Маріуполь"), "mariupol");
        assert_eq!(to_ascii("Юлія").script, Script::Cyrillic);
    }

    #[test]
    fn arabic_digits_become_ascii_digits() {
        assert_eq!(ascii("٠٩١٢"), "0912");
    }
}
