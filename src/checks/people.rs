//! Who is part of the corpus: the people who write and receive its mail
//! and make its documents, and the writing systems their names use.
//!
//! Corpus-level document rules compare against this, never against a fixed
//! list: a consultant with a Cyrillic name who writes mail in the dump and
//! makes documents over weeks is part of the corpus; a Cyrillic name that
//! appears only as the last editor of a handful of files saved in the same
//! four minutes is not.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::Doc;
use crate::corpus::Corpus;

/// A writing system, as far as names go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Script {
    Latin,
    Cyrillic,
    Greek,
    Arabic,
    Hebrew,
    Cjk,
    Other,
}

impl Script {
    pub fn as_str(self) -> &'static str {
        match self {
            Script::Latin => "Latin",
            Script::Cyrillic => "Cyrillic",
            Script::Greek => "Greek",
            Script::Arabic => "Arabic",
            Script::Hebrew => "Hebrew",
            Script::Cjk => "Chinese/Japanese/Korean",
            Script::Other => "another",
        }
    }
}

fn script_of_char(c: char) -> Option<Script> {
    if !c.is_alphabetic() {
        return None;
    }
    Some(match c as u32 {
        0x0041..=0x024F | 0x1E00..=0x1EFF => Script::Latin,
        0x0370..=0x03FF | 0x1F00..=0x1FFF => Script::Greek,
        0x0400..=0x052F | 0x1C80..=0x1C8F | 0x2DE0..=0x2DFF | 0xA640..=0xA69F => Script::Cyrillic,
        0x0590..=0x05FF => Script::Hebrew,
        0x0600..=0x06FF | 0x0750..=0x077F | 0x08A0..=0x08FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => {
            Script::Arabic
        }
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF => Script::Cjk,
        _ => Script::Other,
    })
}

/// The script most of a text's letters are written in; `None` without letters.
pub fn script(text: &str) -> Option<Script> {
    let mut counts: BTreeMap<Script, usize> = BTreeMap::new();
    for s in text.chars().filter_map(script_of_char) {
        *counts.entry(s).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by_key(|&(s, n)| (n, std::cmp::Reverse(s)))
        .map(|(s, _)| s)
}

/// A name folded for comparison: lowercase words without accents, sorted,
/// so "Martin, Cédric" and "cedric MARTIN" are one person.
pub fn name_key(name: &str) -> String {
    let mut words: Vec<String> = name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            w.chars()
                .flat_map(char::to_lowercase)
                .map(fold_accent)
                .collect()
        })
        .collect();
    words.sort();
    words.join(" ")
}

fn fold_accent(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => 'a',
        'ç' | 'ć' | 'č' => 'c',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => 'e',
        'ì' | 'í' | 'î' | 'ï' | 'ī' => 'i',
        'ñ' | 'ń' | 'ň' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => 'o',
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => 'u',
        'ý' | 'ÿ' => 'y',
        'š' | 'ś' | 'ş' => 's',
        'ž' | 'ź' | 'ż' => 'z',
        'ł' => 'l',
        'ř' => 'r',
        'ť' => 't',
        'ď' => 'd',
        other => other,
    }
}

/// The display names of an address header (`"Claire Dubois" <c@x>, Léa <l@x>`).
pub fn display_names(header: &str) -> Vec<String> {
    match mailparse::addrparse(header) {
        Ok(list) => list
            .iter()
            .flat_map(|a| match a {
                mailparse::MailAddr::Single(s) => vec![s.display_name.clone()],
                mailparse::MailAddr::Group(g) => {
                    g.addrs.iter().map(|s| s.display_name.clone()).collect()
                }
            })
            .flatten()
            .filter(|n| !n.trim().is_empty())
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// The people of the corpus and the scripts their names are written in.
pub struct People {
    /// Name keys of everyone who sends or receives mail in the dump.
    mail: BTreeSet<String>,
    /// Name key → distinct days (UTC) on which documents were created by or
    /// last saved by that person.
    doc_days: HashMap<String, BTreeSet<i64>>,
    /// Script → people (name keys) whose names use it, mail and documents.
    scripts: BTreeMap<Script, BTreeSet<String>>,
    /// People in `scripts`, counted once whatever their scripts (asked for
    /// every document, so counted once here).
    everyone: usize,
}

impl People {
    pub fn new(corpus: &Corpus, docs: &[Doc<'_>]) -> People {
        let mut p = People {
            mail: BTreeSet::new(),
            doc_days: HashMap::new(),
            scripts: BTreeMap::new(),
            everyone: 0,
        };
        for item in &corpus.items {
            let Some(e) = item.email.as_deref() else {
                continue;
            };
            for header in [&e.from, &e.to].into_iter().flatten() {
                for name in display_names(header) {
                    p.add_script(&name);
                    p.mail.insert(name_key(&name));
                }
            }
        }
        for d in docs {
            let f = d.facts;
            if let Some(a) = &f.author {
                p.add_script(a);
                if let Some(t) = &f.created {
                    p.doc_days
                        .entry(name_key(a))
                        .or_default()
                        .insert(t.unix.div_euclid(86_400));
                }
            }
            if let Some(e) = &f.last_modified_by {
                p.add_script(e);
                if let Some(t) = &f.modified {
                    p.doc_days
                        .entry(name_key(e))
                        .or_default()
                        .insert(t.unix.div_euclid(86_400));
                }
            }
        }
        p.everyone = p.scripts.values().flatten().collect::<BTreeSet<_>>().len();
        p
    }

    fn add_script(&mut self, name: &str) {
        if let Some(s) = script(name) {
            self.scripts.entry(s).or_default().insert(name_key(name));
        }
    }

    /// Whether the person writes or receives mail in the dump.
    pub fn in_mail(&self, name: &str) -> bool {
        self.mail.contains(&name_key(name))
    }

    /// Whether the person is part of the corpus: in its mail, or working on
    /// its documents on at least `min_days` different days.
    pub fn is_member(&self, name: &str, min_days: usize) -> bool {
        let k = name_key(name);
        self.mail.contains(&k) || self.doc_days.get(&k).is_some_and(|d| d.len() >= min_days)
    }

    /// The number of people whose names use `s`, and of all people.
    pub fn script_share(&self, s: Script) -> (usize, usize) {
        (self.scripts.get(&s).map_or(0, BTreeSet::len), self.everyone)
    }

    /// The script most people's names use.
    pub fn main_script(&self) -> Option<Script> {
        self.scripts
            .iter()
            .max_by_key(|(s, v)| (v.len(), std::cmp::Reverse(**s)))
            .map(|(s, _)| *s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_and_names() {
        assert_eq!(script("Рошка Георгий Петрович"), Some(Script::Cyrillic));
        assert_eq!(script("Cédric Martin"), Some(Script::Latin));
        assert_eq!(script("سارة بن علي"), Some(Script::Arabic));
        assert_eq!(script("1234"), None);
        assert_eq!(name_key("Martin, Cédric"), name_key("cedric MARTIN"));
        assert_ne!(name_key("Claire Dubois"), name_key("Claire Dupont"));
        assert_eq!(
            display_names(
                "\"Dubois, Claire\" <c@x.example>, Léa Bernard <l@x.example>, z@x.example"
            ),
            ["Dubois, Claire", "Léa Bernard"]
        );
    }
}
