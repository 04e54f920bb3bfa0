//! Equivalent given names that no spelling rule connects: the Ukrainian, Russian and English forms of the
//! same Slavic name (Mykola, Nikolai; Olena, Yelena, Helena). Arabic names need no table: their Latin
//! spellings share a consonant skeleton (see `phonetic`).

use std::collections::HashMap;
use std::sync::OnceLock;

use super::phonetic::fold;

/// Each line is one name in its usual spellings. Generic knowledge of Slavic naming, not data from any set.
const GROUPS: &[&[&str]] = &[
    &["mykola", "mikola", "nikolai", "nikolay", "nicolai", "nikolaj", "nicholas", "nikola"],
    &["oleksandr", "olexandr", "aleksandr", "alexandr", "alexander", "aleksander", "oleksander", "alexandre"],
    &["oleksandra", "aleksandra", "alexandra", "olexandra"],
    &["oleksiy", "oleksii", "aleksei", "alexei", "alexey", "aleksey", "oleksij"],
    &["volodymyr", "vladimir", "wolodymyr", "wladimir", "volodimir"],
    &["olena", "yelena", "elena", "helena", "olena", "jelena", "ielena", "alena", "alyona"],
    &["ihor", "igor", "ihor", "yhor"],
    &["serhiy", "serhii", "sergei", "sergey", "sergiy", "serhij", "sergii", "sergej", "serge"],
    &["andriy", "andrii", "andrei", "andrey", "andrew", "andrij", "andre"],
    &["dmytro", "dmitri", "dmitry", "dmitriy", "dimitri", "dmitrij"],
    &["mykhailo", "mykhaylo", "mikhail", "michael", "mychajlo", "michail", "mikhailo"],
    &["petro", "pyotr", "petr", "peter", "pierre", "pedro"],
    &["pavlo", "pavel", "paul", "pablo"],
    &["yuriy", "yurii", "yuri", "yury", "iurii", "jurij", "georgiy", "heorhiy"],
    &["hryhoriy", "hryhorii", "grigory", "grigoriy", "gregory"],
    &["yevhen", "yevgeny", "evgeny", "evgeniy", "ievgen", "yevgeniy", "eugene"],
    &["vasyl", "vasiliy", "vasily", "wasyl", "vasili", "basil"],
    &["bohdan", "bogdan"],
    &["oleh", "oleg"],
    &["anatoliy", "anatolii", "anatoly"],
    &["viktor", "victor"],
    &["kateryna", "ekaterina", "yekaterina", "katerina", "catherine", "katarina", "kateryna"],
    &["tetiana", "tetyana", "tatiana", "tatyana", "tatjana", "tetjana"],
    &["nataliia", "natalia", "natalya", "nataliya", "natalija", "natalie", "natalja"],
    &["halyna", "galina", "halina", "galyna"],
    &["yuliia", "yulia", "iuliia", "julia", "yuliya", "julija", "ioulia"],
    &["iryna", "irina", "iryna", "irene"],
    &["liudmyla", "lyudmila", "ludmila", "liudmila", "ljudmila", "lyudmyla"],
    &["svitlana", "svetlana", "switlana"],
    &["valentyna", "valentina"],
    &["oksana", "oxana"],
    &["mariia", "maria", "mariya", "marija", "marie", "mary"],
    &["hanna", "anna", "ganna", "ann", "anne"],
    &["olha", "olga", "olga"],
    &["larysa", "larisa"],
    &["liubov", "lyubov", "lubov"],
    &["nadiia", "nadezhda", "nadiya"],
    &["vira", "vera"],
    &["yevheniia", "evgenia", "yevgenia", "eugenia"],
];

/// The group of a folded given name, if the table knows it.
pub(crate) fn group_of(folded: &[u8]) -> Option<u16> {
    static TABLE: OnceLock<HashMap<Vec<u8>, u16>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut map = HashMap::new();
        for (i, group) in GROUPS.iter().enumerate() {
            for name in *group {
                map.insert(fold(name), u16::try_from(i).unwrap_or(u16::MAX));
            }
        }
        map
    });
    table.get(folded).copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::translit::to_ascii;

    fn group(name: &str) -> Option<u16> {
        group_of(&fold(&to_ascii(name).text))
    }

    #[test]
    fn ukrainian_and_russian_forms_share_a_group() {
        assert!(group("Mykola").is_some());
        assert_eq!(group("Mykola"), group("Nikolai"));
        assert_eq!(group("Oleksandr"), group("Alexander"));
        assert_eq!(group("Олександр"), group("Aleksandr"));
        assert_eq!(group("Olena"), group("Yelena"));
        assert_eq!(group("Сергій"), group("Sergei"));
    }

    #[test]
    fn different_names_stay_apart() {
        assert_ne!(group("Olena"), group("Oleksandra"));
        assert_ne!(group("Ivan"), group("Ihor"));
        assert_eq!(group("Mohammed"), None, "Arabic names go by skeleton, not by table");
    }
}
