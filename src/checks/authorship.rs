//! Who made the documents, against who the corpus is.
//!
//! * `doc.foreign_author` (medium): an author, last editor, company or
//!   template path written in a script few people of this dump use
//!   (a Cyrillic name in a French campaign's files), for someone who is not
//!   part of the corpus — not in its mail, not working on its documents
//!   over several days. The Office interface language is added as
//!   evidence when it is rare here too.
//! * `doc.edit_burst` (medium): distinct documents (two when the editor's
//!   name is in a foreign script, three otherwise) last saved within ten
//!   minutes by one outsider although others created them, or created them
//!   long before — the `xls_cedric` pattern. One document saved in two
//!   formats is one document. Each member's finding describes the whole
//!   cluster.
//! * `doc.rare_language` (low): an Office interface language few of the
//!   dump's documents were saved in.
//!
//! Everything is relative to the corpus, never to a list of names: a
//! consultant who writes mail in the dump is part of it, whatever the
//! script of their name.

use std::collections::{BTreeMap, HashMap};

use super::people::{People, Script, name_key, script};
use super::{Check, Doc, docs, human_duration};
use crate::corpus::Corpus;
use crate::item::{Finding, Severity};

pub struct Authorship;

/// A script used by at most this share of the corpus's people is foreign.
const FOREIGN_SHARE: f64 = 0.10;
/// Fewer people than this and no script is called foreign.
const MIN_PEOPLE: usize = 5;
/// Working on the corpus's documents on this many days makes a member.
const MEMBER_DAYS: usize = 3;
/// Saves within this span are one burst.
const BURST_SECS: i64 = 10 * 60;
/// A document created this long before its last save was old when saved.
const OLD_SECS: i64 = 30 * 86_400;

impl Check for Authorship {
    fn name(&self) -> &'static str {
        "doc"
    }

    fn run(&self, corpus: &Corpus) -> Vec<Finding> {
        let docs = docs(corpus);
        let people = People::new(corpus, &docs);
        let languages = language_counts(&docs);
        let mut out = Vec::new();
        for d in &docs {
            foreign(d, &people, &languages, &mut out);
        }
        bursts(&docs, &people, &mut out);
        out
    }
}

/// The user folder in a template path (`C:\Users\ivan\AppData\…\Normal.dotm`).
fn template_user(path: &str) -> Option<&str> {
    // ASCII lowercasing keeps byte offsets, so they index `path` too.
    let lower = path.to_ascii_lowercase();
    for marker in [
        "\\users\\",
        "/users/",
        "\\documents and settings\\",
        "/home/",
    ] {
        if let Some(i) = lower.find(marker) {
            let rest = path.get(i + marker.len()..)?;
            return rest.split(['\\', '/']).next().filter(|s| !s.is_empty());
        }
    }
    None
}

/// Primary language subtag → documents saved in it.
fn language_counts(docs: &[Doc<'_>]) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for d in docs {
        if let Some(l) = primary_language(d) {
            *m.entry(l).or_default() += 1;
        }
    }
    m
}

fn primary_language(d: &Doc<'_>) -> Option<String> {
    let l = d.facts.language.as_deref()?;
    let p = l.split(['-', '_']).next()?.to_ascii_lowercase();
    (p.len() == 2 || p.len() == 3).then_some(p)
}

/// Whether the language is rare among documents that have one: at most 5%
/// of at least ten.
fn rare_language(lang: &str, counts: &BTreeMap<String, usize>) -> bool {
    let total: usize = counts.values().sum();
    let n = counts.get(lang).copied().unwrap_or(0);
    total >= 10 && (n as f64) / (total as f64) <= 0.05
}

fn foreign(
    d: &Doc<'_>,
    people: &People,
    languages: &BTreeMap<String, usize>,
    out: &mut Vec<Finding>,
) {
    let f = d.facts;
    let Some(main) = people.main_script() else {
        return;
    };
    let (_, total) = people.script_share(main);
    if total < MIN_PEOPLE {
        return;
    }
    let is_foreign = |s: Script| {
        let (n, all) = people.script_share(s);
        s != main && (n as f64) <= (all as f64 * FOREIGN_SHARE).max(1.0)
    };
    let mut found: Vec<(&str, String, Script)> = Vec::new();
    let person_fields = [
        ("last editor", f.last_modified_by.as_deref()),
        ("author", f.author.as_deref()),
    ];
    for (what, value) in person_fields {
        if let Some(v) = value
            && let Some(s) = script(v)
            && is_foreign(s)
            && !people.is_member(v, MEMBER_DAYS)
        {
            found.push((what, v.to_string(), s));
        }
    }
    let other_fields = [
        ("company", f.company.as_deref()),
        (
            "template user folder",
            f.template.as_deref().and_then(template_user),
        ),
    ];
    for (what, value) in other_fields {
        if let Some(v) = value
            && let Some(s) = script(v)
            && is_foreign(s)
            && !people.is_member(v, MEMBER_DAYS)
        {
            found.push((what, v.to_string(), s));
        }
    }
    let lang = primary_language(d);
    let lang_rare = lang.as_deref().is_some_and(|l| rare_language(l, languages));
    if found.is_empty() {
        if lang_rare && let Some(l) = lang {
            let n = languages.get(&l).copied().unwrap_or(0);
            let total: usize = languages.values().sum();
            out.push(
                Finding::new(
                    "doc.rare_language",
                    Severity::Low,
                    vec![d.path()],
                    format!(
                        "The document was saved by an Office set to the language '{l}', as only {n} of the {total} documents whose language is known here."
                    ),
                )
                .with("language", l)
                .with("documents_in_language", n)
                .with("documents_with_language", total),
            );
        }
        return;
    }
    let (main_n, all) = people.script_share(main);
    let list: Vec<String> = found
        .iter()
        .map(|(what, v, s)| format!("{what} '{v}' ({} script)", s.as_str()))
        .collect();
    let first_script = found[0].2;
    let (foreign_n, _) = people.script_share(first_script);
    let mut message = format!(
        "The document names {}: {main_n} of the {all} people in this dump's mail and documents write their names in {} script and {foreign_n} in {} script, and this person writes no mail here.",
        list.join(", "),
        main.as_str(),
        first_script.as_str()
    );
    if lang_rare && let Some(l) = &lang {
        message.push_str(&format!(
            " It was also saved by an Office set to '{l}', rare among the dump's documents."
        ));
    }
    let mut finding = Finding::new(
        "doc.foreign_author",
        Severity::Medium,
        vec![d.path()],
        message,
    )
    .with("main_script", main.as_str())
    .with("people", all);
    for (what, v, s) in &found {
        finding = finding
            .with(&what.replace(' ', "_"), v.clone())
            .with(&format!("{}_script", what.replace(' ', "_")), s.as_str());
    }
    if let Some(l) = lang {
        finding = finding.with("language", l);
    }
    out.push(finding);
}

/// When a document was last saved (UTC seconds; 0 when unknown).
fn saved(d: &Doc<'_>) -> i64 {
    d.facts.modified.as_ref().map_or(0, |m| m.unix)
}

fn bursts(docs: &[Doc<'_>], people: &People, out: &mut Vec<Finding>) {
    let mut by_editor: HashMap<String, Vec<&Doc<'_>>> = HashMap::new();
    for d in docs {
        if let (Some(e), Some(_)) = (&d.facts.last_modified_by, &d.facts.modified) {
            by_editor.entry(name_key(e)).or_default().push(d);
        }
    }
    let mut editors: Vec<_> = by_editor.into_iter().collect();
    editors.sort_by(|a, b| a.0.cmp(&b.0));
    for (_, mut list) in editors {
        let Some(editor) = list[0].facts.last_modified_by.clone() else {
            continue;
        };
        if list.len() < 2 || people.is_member(&editor, MEMBER_DAYS) {
            continue;
        }
        let foreign_script = script(&editor).is_some_and(|s| Some(s) != people.main_script());
        list.sort_by_key(|d| (saved(d), d.item.path.clone()));
        // Identical copies (same bytes) are one document.
        list.dedup_by(|a, b| a.item.sha256.is_some() && a.item.sha256 == b.item.sha256);
        let mut start = 0;
        while start < list.len() {
            let mut end = start + 1;
            while end < list.len() && saved(list[end]) - saved(list[start]) <= BURST_SECS {
                end += 1;
            }
            let cluster = &list[start..end];
            // One document saved in two formats, or copied, is one
            // document: count distinct (title, creation time) pairs.
            let distinct: std::collections::BTreeSet<_> = cluster
                .iter()
                .map(|d| {
                    (
                        d.facts.title.clone(),
                        d.facts.created.as_ref().map(|c| c.unix),
                    )
                })
                .collect();
            // A name in the corpus's own script needs a larger burst.
            let needed = if foreign_script { 2 } else { 3 };
            if distinct.len() >= needed {
                burst(cluster, &editor, out);
            }
            start = end;
        }
    }
}

fn burst(cluster: &[&Doc<'_>], editor: &str, out: &mut Vec<Finding>) {
    let key = name_key(editor);
    let others_made = cluster
        .iter()
        .filter(|d| {
            d.facts
                .author
                .as_deref()
                .is_some_and(|a| name_key(a) != key)
        })
        .count();
    let old = cluster
        .iter()
        .filter(|d| {
            d.facts
                .created
                .as_ref()
                .is_some_and(|c| saved(d) - c.unix > OLD_SECS)
        })
        .count();
    if others_made == 0 && old == 0 {
        return; // someone saving their own new work in one sitting
    }
    let span = saved(cluster[cluster.len() - 1]) - saved(cluster[0]);
    let first = cluster[0]
        .facts
        .modified
        .as_ref()
        .map(|m| m.display())
        .unwrap_or_default();
    let authors: Vec<String> = {
        let mut a: Vec<String> = cluster
            .iter()
            .filter_map(|d| d.facts.author.clone())
            .collect();
        a.sort();
        a.dedup();
        a
    };
    for d in cluster {
        let mut paths = vec![d.path()];
        paths.extend(
            cluster
                .iter()
                .filter(|o| o.item.path != d.item.path)
                .map(|o| o.path()),
        );
        out.push(
            Finding::new(
                "doc.edit_burst",
                Severity::Medium,
                paths,
                format!(
                    "One of {} documents last saved within {} (from {first}) by '{editor}', who writes no mail in this dump and saved its documents on fewer than three days; {} of them were made by someone else ({}) and {} were created more than a month before.",
                    cluster.len(),
                    human_duration(span.max(60)),
                    others_made,
                    authors.join(", "),
                    old
                ),
            )
            .with("editor", editor.to_string())
            .with("documents", cluster.len())
            .with("span_seconds", span),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_user_folders() {
        assert_eq!(
            template_user(r"C:\Users\ivan.petrov\AppData\Roaming\Microsoft\Templates\Normal.dotm"),
            Some("ivan.petrov")
        );
        assert_eq!(
            template_user("/Users/claire/Library/Normal.dotm"),
            Some("claire")
        );
        assert_eq!(template_user("Normal.dotm"), None);
    }
}
