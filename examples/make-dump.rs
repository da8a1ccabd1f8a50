//! Writes a large, realistic dump for the speed-and-scale benchmarks
//! (`benches/dump.sh`), deterministically: the same seed gives the same
//! bytes on every run and every machine (integer arithmetic only, one
//! seeded generator per file, files written in parallel but independently).
//!
//! Usage: `cargo run --release --example make-dump -- OUT_DIR SIZE [SEED]`
//! with SIZE like `100M`, `1G`, `4G` (powers of 1024). OUT_DIR must not exist
//! or be empty.
//!
//! What a dump of SIZE bytes holds (shares of SIZE, approximate):
//!
//! * 40 % `mailboxes/<custodian>/<label>.mbox`: mbox files of 8–96 MiB, the
//!   messages of a custodian's mailbox exports in date order;
//! * 30 % `mail/<custodian>/<folder>/<n>.eml`: one message per file, in
//!   `Inbox`, `Sent Items` and `Archive/<year>` folders;
//! * 20 % `shared/<department>/<name>.zip`: archives of 2–64 MiB holding
//!   documents in folders, some `.eml` files and a few nested zips;
//! * 10 % (at most 100 MiB) `documents/<department>/…`: loose documents
//!   (docx, xlsx, pdf, jpg), the folder `benches/dump.sh` hands to exiftool.
//!
//! Messages come from a pool of 4096 people in 70 organisations (senders
//! skewed towards the leaked organisation, so a 1 GiB dump has a few
//! thousand distinct senders), with Received chains whose hops connect,
//! Message-IDs, threads (`In-Reply-To`/`References`, `Re:` subjects), an
//! X-Mailer or User-Agent per person, `multipart/alternative` HTML for
//! Outlook users, and a DKIM-Signature (correct body hash, random
//! signature: no key is published) for the domains that sign. About one
//! message in nine carries 1–3 base64 attachments: docx and xlsx (real OOXML
//! packages with `docProps/core.xml`, `docProps/app.xml` and Word rsids),
//! PDFs (Info dictionary, XMP on half of them, Flate text pages, DCT image
//! XObjects, a correct xref table) and JPEGs (an EXIF APP1 segment with
//! camera, software and dates, then valid JPEG markers around random
//! entropy-coded data). Sizes run from tens of KiB to a few MiB. Some
//! messages are stored twice (an `.eml` copy of an mbox message), as Sent
//! and Inbox copies are in real dumps.
//!
//! Body text is drawn word by word from a word list and binary payloads
//! from the generator, so deflate and base64 costs are those of real
//! content, not of repeated bytes.

use std::fs::{self, File};
use std::io::{BufWriter, Cursor, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use base64::Engine as _;
use rayon::prelude::*;
use sha2::Digest as _;

// ---------------------------------------------------------------- randomness

/// SplitMix64's finaliser: spreads a seed over all bits.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// wyrand: small, fast, good enough for content.
#[derive(Clone)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64, stream: u64, index: u64) -> Rng {
        Rng(mix(
            seed ^ mix(stream.wrapping_mul(0x1000_0000_01b3) ^ mix(index))
        ))
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0xa076_1d64_78bd_642f);
        let t = u128::from(self.0) * u128::from(self.0 ^ 0xe703_7ed1_a0b4_28db);
        ((t >> 64) ^ t) as u64
    }

    /// Uniform in `0..n` (`n > 0`).
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `percent`/100.
    fn percent(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// Roughly log-uniform in `lo..=hi`: a uniform octave, then a uniform
    /// value inside it (integers only, so every machine draws the same).
    fn log_uniform(&mut self, lo: u64, hi: u64) -> u64 {
        let octaves = 64 - (hi / lo.max(1)).leading_zeros() as u64;
        let base = lo << self.below(octaves.max(1));
        self.range(base, base * 2).min(hi)
    }

    /// Like [`Rng::log_uniform`], with the upper octaves rarer: most
    /// attachments are small, a few are large.
    fn log_skewed(&mut self, lo: u64, hi: u64) -> u64 {
        let octaves = 64 - (hi / lo.max(1)).leading_zeros() as u64;
        let base = lo << self.skewed(octaves.max(1) + 1).min(octaves.max(1) - 1);
        self.range(base, base * 2).min(hi)
    }

    /// Skewed towards 0: the product of two uniforms.
    fn skewed(&mut self, n: u64) -> u64 {
        self.below(n) * self.below(n) / n
    }

    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }

    fn fill(&mut self, buf: &mut [u8]) {
        let mut chunks = buf.chunks_exact_mut(8);
        for c in &mut chunks {
            c.copy_from_slice(&self.next().to_le_bytes());
        }
        let rest = chunks.into_remainder();
        let last = self.next().to_le_bytes();
        let n = rest.len();
        rest.copy_from_slice(&last[..n]);
    }

    fn bytes(&mut self, n: usize) -> Vec<u8> {
        let mut v = vec![0; n];
        self.fill(&mut v);
        v
    }

    fn hex(&mut self, digits: usize) -> String {
        let mut s = String::with_capacity(digits);
        while s.len() < digits {
            s.push_str(&format!("{:016X}", self.next()));
        }
        s.truncate(digits);
        s
    }
}

// ---------------------------------------------------------------- words

#[rustfmt::skip]
const WORDS: &[&str] = &[
    "the", "a", "and", "of", "to", "in", "for", "on", "with", "we", "you", "this", "that", "is",
    "are", "be", "will", "can", "should", "would", "our", "your", "their", "it", "as", "at",
    "by", "not", "all", "any", "please", "thanks", "meeting", "budget", "report", "draft",
    "version", "final", "review", "project", "schedule", "deadline", "contract", "invoice",
    "payment", "transfer", "account", "board", "committee", "minutes", "agenda", "press",
    "release", "statement", "campaign", "donor", "donation", "event", "venue", "travel",
    "expenses", "receipt", "quarter", "forecast", "revenue", "cost", "estimate", "supplier",
    "printing", "leaflets", "posters", "volunteers", "regional", "office", "team", "lawyer",
    "counsel", "audit", "compliance", "policy", "proposal", "figures", "numbers", "table",
    "attached", "enclosed", "document", "spreadsheet", "slides", "call", "tomorrow", "today",
    "monday", "tuesday", "wednesday", "thursday", "friday", "week", "month", "morning",
    "afternoon", "evening", "asap", "urgent", "confidential", "internal", "external", "partner",
    "partners", "client", "clients", "market", "strategy", "plan", "plans", "update", "updated",
    "changes", "comments", "feedback", "question", "questions", "answer", "issue", "issues",
    "risk", "risks", "option", "options", "decision", "approve", "approved", "sign", "signed",
    "signature", "copy", "original", "scan", "send", "sent", "receive", "received", "confirm",
    "confirmed", "cancel", "postpone", "moved", "room", "floor", "building", "address", "phone",
    "number", "list", "names", "members", "staff", "hire", "salary", "bonus", "tax", "vat",
    "bank", "wire", "cash", "loan", "credit", "debt", "fund", "funds", "foundation",
    "association", "company", "subsidiary", "group", "holding", "shares", "equity", "valuation",
    "deal", "merger", "acquisition", "offer", "price", "discount", "total", "amount", "balance",
    "sheet", "annual", "monthly", "weekly", "daily", "new", "old", "next", "last", "first",
    "second", "third", "small", "large", "main", "only", "also", "still", "already", "again",
    "soon", "later", "before", "after", "during", "about", "around", "between", "without",
    "within", "into", "over", "under", "there", "here", "where", "when", "what", "which", "who",
    "how", "why", "yes", "no", "maybe", "perhaps", "probably", "certainly", "indeed", "however",
    "therefore", "because", "although", "unless", "until", "while", "since", "so", "but", "or",
    "if", "then", "than", "more", "less", "most", "least", "much", "many", "few", "several",
    "some", "each", "every", "other", "another", "same", "different", "important", "necessary",
    "possible", "available", "ready", "done", "pending", "open", "closed", "free", "busy",
    "late", "early", "réunion", "budget", "rapport", "projet", "équipe", "calendrier",
    "facture", "paiement", "virement", "compte", "conseil", "comité", "presse", "communiqué",
    "campagne", "donateur", "salle", "déplacement", "frais", "reçu", "trimestre", "prévision",
    "coût", "devis", "fournisseur", "impression", "tracts", "affiches", "bénévoles", "région",
    "bureau", "avocat", "audit", "proposition", "chiffres", "tableau", "ci-joint", "pièce",
    "jointe", "demain", "aujourd'hui", "semaine", "mois", "matin", "après-midi", "soir",
    "urgent", "confidentiel", "interne", "partenaire", "stratégie", "mise", "à", "jour",
    "modifications", "commentaires", "question", "réponse", "problème", "décision", "valider",
    "signé", "envoyer", "envoyé", "reçu", "confirmer", "annuler", "reporter", "étage",
    "adresse", "téléphone", "liste", "noms", "membres", "salaire", "prime", "taxe", "banque",
    "espèces", "prêt", "crédit", "dette", "fonds", "fondation", "société", "filiale", "groupe",
    "actions", "prix", "remise", "montant", "solde", "annuel", "mensuel", "nouveau", "dernier",
    "premier", "deuxième", "déjà", "encore", "bientôt", "plus", "tard", "avant", "après",
    "pendant", "entre", "sans", "avec", "pour", "dans", "sur", "sous", "nous", "vous", "il",
    "elle", "ils", "le", "la", "les", "des", "du", "un", "une", "et", "ou", "mais", "donc",
    "car", "si", "que", "qui", "quand", "comment", "pourquoi", "oui", "non", "peut-être",
    "merci", "cordialement", "bien", "très", "tout", "tous", "chaque", "autre", "même",
    "important", "nécessaire", "possible", "disponible", "prêt", "fait", "en", "cours",
    "ouvert", "fermé", "libre", "occupé",
];

#[rustfmt::skip]
const FIRST: &[&str] = &[
    "Claire", "Cédric", "Léa", "Youssef", "Nadia", "Thomas", "Julie", "Nicolas", "Camille",
    "Antoine", "Sarah", "Mehdi", "Élodie", "Hugo", "Manon", "Karim", "Inès", "Paul", "Laura",
    "Maxime", "Chloé", "Romain", "Emma", "Lucas", "Sophie", "Olivier", "Anne", "David", "Marie",
    "Pierre", "Isabelle", "Jean", "Fatima", "Omar", "Hélène", "François", "Amélie", "Bruno",
    "Céline", "Damien", "Estelle", "Fabrice", "Gaëlle", "Henri", "Irène", "Jérôme", "Katia",
    "Loïc", "Mathilde", "Noé", "Océane", "Patrick", "Quentin", "Rachid", "Sandrine", "Théo",
    "Ursula", "Victor", "William", "Xavier", "Yasmine", "Zoé", "Alice", "Benoît",
];

#[rustfmt::skip]
const LAST: &[&str] = &[
    "Dubois", "Martin", "Bernard", "El Amrani", "Haddad", "Petit", "Durand", "Leroy", "Moreau",
    "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent",
    "Fournier", "Morel", "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet",
    "François", "Martinez", "Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guérin",
    "Muller", "Henry", "Roussel", "Nicolas", "Perrin", "Morin", "Mathieu", "Clément",
    "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin", "Masson", "Sanchez",
    "Gérard", "Nguyen", "Boyer", "Denis", "Lemaire", "Duval", "Joly", "Gautier", "Roger",
    "Roche", "Roy", "Noël", "Meyer", "Lucas",
];

#[rustfmt::skip]
const ORG_A: &[&str] = &[
    "horizon", "atlas", "boreal", "cedre", "delta", "etoile", "fleuve", "granit", "helios",
    "iris", "jade", "kepler", "lumen", "meridien",
];
const ORG_B: &[&str] = &["group", "conseil", "media", "finance", "print"];

#[rustfmt::skip]
const DEPARTMENTS: &[&str] = &[
    "Finance", "Direction", "Communication", "Juridique", "RH", "Evenements", "Presse",
    "Tresorerie", "Logistique", "Partenariats",
];

const MAILERS: &[&str] = &[
    "X-Mailer: Microsoft Outlook 16.0",
    "X-Mailer: Microsoft Outlook 15.0",
    "X-Mailer: Apple Mail (2.3273)",
    "X-Mailer: iPhone Mail (14E304)",
    "User-Agent: Mozilla/5.0 (Windows NT 10.0; WOW64; rv:45.0) Gecko/20100101 Thunderbird/45.8.0",
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:52.0) Gecko/20100101 Thunderbird/52.1.0",
    "X-Mailer: Zimbra 8.7.5_GA_1764 (ZimbraWebClient - GC57 (Win)/8.7.5_GA_1764)",
    "User-Agent: Roundcube Webmail/1.2.4",
    "X-Mailer: Sage 100c",
];

/// Offsets from UTC in minutes, one per organisation (fixed: no DST).
const ZONES: &[i64] = &[120, 60, 0, -300, -240, 330, 180, 60, 120, -420, 540, 60, 0];

const PEOPLE: u64 = 4096;
const DOMAINS: u64 = 70;
/// The people whose mailboxes leaked: custodian `k` is person `29 k`
/// (all of the leaked organisation, no two with the same name).
const CUSTODIANS: u64 = 24;
const CUSTODIAN_STRIDE: u64 = 29;
/// Dates run over two and a half years from 2016-01-04.
const START: i64 = 1_451_894_400;
const SPAN: i64 = 912 * 86_400;

// ---------------------------------------------------------------- dates

/// (year, month, day) of a day number since 1970-01-01: the library's
/// calendar (`leakcheck::email::date::civil`).
fn civil(days: i64) -> (i64, u32, u32) {
    let (y, m, d, ..) = leakcheck::email::date::civil(days * 86_400);
    (y, m, d)
}

const DAY_NAMES: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A moment split into local calendar fields.
struct Local {
    year: i64,
    month: u32,
    day: u32,
    hour: i64,
    min: i64,
    sec: i64,
    weekday: &'static str,
}

fn local(t: i64, offset_min: i64) -> Local {
    let l = t + offset_min * 60;
    let days = l.div_euclid(86_400);
    let secs = l.rem_euclid(86_400);
    let (year, month, day) = civil(days);
    Local {
        year,
        month,
        day,
        hour: secs / 3600,
        min: secs / 60 % 60,
        sec: secs % 60,
        weekday: DAY_NAMES[days.rem_euclid(7) as usize],
    }
}

fn zone(offset_min: i64, colon: bool) -> String {
    let sign = if offset_min < 0 { '-' } else { '+' };
    let a = offset_min.abs();
    if colon {
        format!("{sign}{:02}:{:02}", a / 60, a % 60)
    } else {
        format!("{sign}{:02}{:02}", a / 60, a % 60)
    }
}

fn rfc2822(t: i64, off: i64) -> String {
    let l = local(t, off);
    format!(
        "{}, {} {} {} {:02}:{:02}:{:02} {}",
        l.weekday,
        l.day,
        MONTHS[l.month as usize - 1],
        l.year,
        l.hour,
        l.min,
        l.sec,
        zone(off, false)
    )
}

fn asctime(t: i64) -> String {
    let l = local(t, 0);
    format!(
        "{} {} {:>2} {:02}:{:02}:{:02} {}",
        l.weekday,
        MONTHS[l.month as usize - 1],
        l.day,
        l.hour,
        l.min,
        l.sec,
        l.year
    )
}

fn iso_utc(t: i64) -> String {
    let l = local(t, 0);
    format!(
        "{}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        l.year, l.month, l.day, l.hour, l.min, l.sec
    )
}

fn iso_local(t: i64, off: i64) -> String {
    let l = local(t, off);
    format!(
        "{}-{:02}-{:02}T{:02}:{:02}:{:02}{}",
        l.year,
        l.month,
        l.day,
        l.hour,
        l.min,
        l.sec,
        zone(off, true)
    )
}

fn exif_time(t: i64, off: i64) -> String {
    let l = local(t, off);
    format!(
        "{}:{:02}:{:02} {:02}:{:02}:{:02}",
        l.year, l.month, l.day, l.hour, l.min, l.sec
    )
}

fn pdf_date(t: i64, off: i64) -> String {
    let l = local(t, off);
    let a = off.abs();
    format!(
        "D:{}{:02}{:02}{:02}{:02}{:02}{}{:02}'{:02}'",
        l.year,
        l.month,
        l.day,
        l.hour,
        l.min,
        l.sec,
        if off < 0 { '-' } else { '+' },
        a / 60,
        a % 60
    )
}

fn zip_time(t: i64, off: i64) -> zip::DateTime {
    let l = local(t, off);
    zip::DateTime::from_date_and_time(
        l.year as u16,
        l.month as u8,
        l.day as u8,
        l.hour as u8,
        l.min as u8,
        l.sec as u8,
    )
    .unwrap_or_default()
}

// ---------------------------------------------------------------- people

struct Person {
    index: u64,
    first: &'static str,
    last: &'static str,
    domain: u64,
}

fn person(p: u64) -> Person {
    Person {
        index: p,
        first: FIRST[(p % 64) as usize],
        // A bijection of 0..4096 onto the name pairs, so that neighbours
        // (the most active senders) do not share a surname.
        last: LAST[((p / 64 + 37 * (p % 64)) % 64) as usize],
        // The leaked organisation, its nine close partners, then the world.
        domain: if p < 700 {
            0
        } else if p < 1800 {
            1 + p % 9
        } else {
            10 + mix(p) % (DOMAINS - 10)
        },
    }
}

fn ascii_fold(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            'à' | 'â' | 'ä' => Some('a'),
            'é' | 'è' | 'ê' | 'ë' | 'É' => Some('e'),
            'î' | 'ï' => Some('i'),
            'ô' | 'ö' => Some('o'),
            'ù' | 'û' | 'ü' => Some('u'),
            'ç' => Some('c'),
            ' ' | '\'' => None,
            c => Some(c.to_ascii_lowercase()),
        })
        .collect()
}

fn domain_name(d: u64) -> String {
    format!(
        "{}-{}.example",
        ORG_A[(d % ORG_A.len() as u64) as usize],
        ORG_B[(d / ORG_A.len() as u64 % ORG_B.len() as u64) as usize]
    )
}

fn org_name(d: u64) -> String {
    let n = domain_name(d);
    let stem = n.trim_end_matches(".example");
    stem.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn domain_zone(d: u64) -> i64 {
    if d < 10 {
        120
    } else {
        ZONES[(d % ZONES.len() as u64) as usize]
    }
}

/// Whether the organisation's mail server signs with DKIM.
fn domain_signs(d: u64) -> bool {
    d == 0 || mix(d ^ 0xd1) % 10 < 4
}

impl Person {
    fn name(&self) -> String {
        format!("{} {}", self.first, self.last)
    }
    fn local_part(&self) -> String {
        let base = format!("{}.{}", ascii_fold(self.first), ascii_fold(self.last));
        // Two people of one organisation may share a name: the index tells.
        if self.index >= 64 * 64 {
            format!("{base}{}", self.index)
        } else {
            base
        }
    }
    fn addr(&self) -> String {
        format!("{}@{}", self.local_part(), domain_name(self.domain))
    }
    fn mailer(&self) -> &'static str {
        MAILERS[(mix(self.index ^ 0x3a11) % MAILERS.len() as u64) as usize]
    }
    fn outlook(&self) -> bool {
        self.mailer().contains("Outlook")
    }
    fn host(&self) -> String {
        format!("pc-{}.{}", ascii_fold(self.first), domain_name(self.domain))
    }
    fn header(&self) -> String {
        format!("{} <{}>", encoded_word(&self.name()), self.addr())
    }
}

fn encoded_word(s: &str) -> String {
    if s.is_ascii() {
        s.to_string()
    } else {
        format!(
            "=?UTF-8?B?{}?=",
            base64::engine::general_purpose::STANDARD.encode(s.as_bytes())
        )
    }
}

// ---------------------------------------------------------------- text

/// Appends sentences of random words, wrapped at `width` columns (no
/// wrapping when `width` is 0), until `out` has grown by `len` bytes.
fn prose(rng: &mut Rng, len: usize, width: usize, out: &mut String) {
    let end = out.len() + len;
    let mut col = 0;
    let mut left_in_sentence = 0;
    while out.len() < end {
        let w = *rng.pick(WORDS);
        let capital = left_in_sentence == 0;
        if capital {
            left_in_sentence = rng.range(5, 18);
        }
        if col > 0 {
            if width > 0 && col + w.len() >= width {
                out.push('\n');
                col = 0;
            } else {
                out.push(' ');
                col += 1;
            }
        }
        if capital {
            let mut c = w.chars();
            if let Some(f) = c.next() {
                out.extend(f.to_uppercase());
                out.push_str(c.as_str());
            }
        } else {
            out.push_str(w);
        }
        col += w.len();
        left_in_sentence -= 1;
        if left_in_sentence == 0 {
            out.push(if rng.percent(10) { '?' } else { '.' });
            col += 1;
        } else if rng.percent(6) {
            out.push(',');
            col += 1;
        }
    }
    if width > 0 {
        out.push('\n');
    }
}

fn words(rng: &mut Rng, lo: u64, hi: u64) -> String {
    let n = rng.range(lo, hi);
    let mut s = String::new();
    for i in 0..n {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(rng.pick::<&str>(&WORDS[30..]));
    }
    s
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Base64 in 76-column lines, each ending with `\n`.
fn base64_lines(data: &[u8], out: &mut Vec<u8>) {
    let engine = &base64::engine::general_purpose::STANDARD;
    out.reserve(data.len() / 57 * 77 + 80);
    let mut line = [0u8; 80];
    for chunk in data.chunks(57) {
        let n = engine
            .encode_slice(chunk, &mut line)
            .expect("76 columns fit");
        out.extend_from_slice(&line[..n]);
        out.push(b'\n');
    }
}

// ---------------------------------------------------------------- documents

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Docx,
    Xlsx,
    Pdf,
    Jpg,
}

impl Kind {
    fn ext(self) -> &'static str {
        match self {
            Kind::Docx => "docx",
            Kind::Xlsx => "xlsx",
            Kind::Pdf => "pdf",
            Kind::Jpg => "jpg",
        }
    }
    fn mime(self) -> &'static str {
        match self {
            Kind::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Kind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Kind::Pdf => "application/pdf",
            Kind::Jpg => "image/jpeg",
        }
    }
}

/// A document to write: its kind, target size, author and the moment it
/// was last saved; everything else comes from its seed.
#[derive(Clone)]
struct Doc {
    kind: Kind,
    size: u64,
    seed: u64,
    author: u64,
    saved: i64,
    name: String,
}

fn plan_doc(rng: &mut Rng, author: u64, saved: i64) -> Doc {
    let kind = match rng.below(100) {
        0..=29 => Kind::Docx,
        30..=49 => Kind::Xlsx,
        50..=79 => Kind::Pdf,
        _ => Kind::Jpg,
    };
    let size = match kind {
        Kind::Docx => rng.log_skewed(16 << 10, 2 << 20),
        Kind::Xlsx => rng.log_skewed(12 << 10, 900 << 10),
        Kind::Pdf => rng.log_skewed(24 << 10, 4 << 20),
        Kind::Jpg => rng.log_skewed(60 << 10, 4 << 20),
    };
    let name = match kind {
        Kind::Jpg => format!("IMG_{:04}.jpg", rng.range(1000, 9999)),
        _ => {
            let stem = words(rng, 1, 3).replace([' ', '\''], "-");
            let tag = match rng.below(4) {
                0 => format!("-v{}", rng.range(1, 9)),
                1 => format!("-{}", 2016 + rng.below(3)),
                2 => "-final".into(),
                _ => String::new(),
            };
            format!("{}{tag}.{}", capitalise(&stem), kind.ext())
        }
    };
    Doc {
        kind,
        size,
        seed: rng.next(),
        author,
        saved,
        name,
    }
}

fn render_doc(d: &Doc) -> Vec<u8> {
    let mut rng = Rng::new(d.seed, 1, 0);
    match d.kind {
        Kind::Docx => docx(d, &mut rng),
        Kind::Xlsx => xlsx(d, &mut rng),
        Kind::Pdf => pdf(d, &mut rng),
        Kind::Jpg => jpeg(d, d.size as usize, &mut rng),
    }
}

/// Deflate level for the members the generator writes: fast, as most
/// archivers' defaults on large files are, and keeping 1 GiB well under a
/// minute.
const LEVEL: i64 = 1;

fn zip_bytes<S: AsRef<str>>(files: &[(S, Vec<u8>)], when: zip::DateTime) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(LEVEL))
        .last_modified_time(when);
    for (name, data) in files {
        z.start_file(name.as_ref(), opts).expect("zip entry");
        z.write_all(data).expect("zip write");
    }
    z.finish().expect("zip finish").into_inner()
}

struct Props {
    title: String,
    creator: String,
    modifier: String,
    created: i64,
    saved: i64,
    revision: u64,
    company: String,
    total_time: u64,
}

fn props(d: &Doc, rng: &mut Rng) -> Props {
    let author = person(d.author);
    let modifier = if rng.percent(30) {
        person(rng.skewed(700))
    } else {
        person(d.author)
    };
    Props {
        title: capitalise(&words(rng, 2, 6)),
        creator: author.name(),
        modifier: modifier.name(),
        created: d.saved - rng.range(600, 200 * 86_400) as i64,
        saved: d.saved,
        revision: rng.range(1, 60),
        company: org_name(author.domain),
        total_time: rng.range(2, 900),
    }
}

fn core_xml(p: &Props) -> Vec<u8> {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>{}</dc:title><dc:subject></dc:subject><dc:creator>{}</dc:creator><cp:keywords></cp:keywords><dc:description></dc:description><cp:lastModifiedBy>{}</cp:lastModifiedBy><cp:revision>{}</cp:revision><dcterms:created xsi:type="dcterms:W3CDTF">{}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">{}</dcterms:modified></cp:coreProperties>"#,
        xml_escape(&p.title),
        xml_escape(&p.creator),
        xml_escape(&p.modifier),
        p.revision,
        iso_utc(p.created),
        iso_utc(p.saved)
    )
    .into_bytes()
}

fn app_xml(app: &str, version: &str, p: &Props, extra: &str) -> Vec<u8> {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><Template>Normal.dotm</Template><TotalTime>{}</TotalTime>{extra}<Application>{app}</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop><Company>{}</Company><LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged><AppVersion>{version}</AppVersion></Properties>"#,
        p.total_time,
        xml_escape(&p.company)
    )
    .into_bytes()
}

const RELS_ROOT: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="{main}"/></Relationships>"#;

fn content_types(main_part: &str, main_type: &str, extra: &str) -> Vec<u8> {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="jpeg" ContentType="image/jpeg"/><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/{main_part}" ContentType="{main_type}"/>{extra}<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>"#
    )
    .into_bytes()
}

const APP_VERSIONS: &[&str] = &["16.0000", "15.0000", "14.0000", "12.0000"];

fn docx(d: &Doc, rng: &mut Rng) -> Vec<u8> {
    let p = props(d, rng);
    // Text compresses about 2.5:1 in the package; larger documents carry
    // a picture, as real ones do.
    let target = d.size as usize;
    let (text_len, image_len) = if target > 160 << 10 {
        let text = rng.range(60 << 10, 240 << 10) as usize;
        (text, target - text * 2 / 5 - (4 << 10))
    } else {
        (target * 23 / 10, 0)
    };
    let mut body = String::with_capacity(text_len + 4096);
    let mut para = String::new();
    while body.len() < text_len {
        para.clear();
        let n = rng.range(80, 900) as usize;
        prose(rng, n, 0, &mut para);
        body.push_str(r#"<w:p w:rsidR=""#);
        body.push_str(&rng.hex(8));
        body.push_str(r#""><w:r><w:t xml:space="preserve">"#);
        body.push_str(&xml_escape(&para));
        body.push_str("</w:t></w:r></w:p>");
    }
    let doc = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>{body}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>"#
    );
    // Word's editing-session ids: the root is the author's (a few per
    // author, shared across their documents), then one per save.
    let root = format!("{:08X}", mix(d.author * 4 + d.seed % 3) & 0x00ff_ffff);
    let mut rsids = format!(r#"<w:rsidRoot w:val="{root}"/><w:rsid w:val="{root}"/>"#);
    for _ in 0..rng.range(2, 30) {
        rsids.push_str(&format!(r#"<w:rsid w:val="{}"/>"#, rng.hex(8)));
    }
    let settings = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:zoom w:percent="100"/><w:defaultTabStop w:val="708"/><w:characterSpacingControl w:val="doNotCompress"/><w:rsids>{rsids}</w:rsids><w:themeFontLang w:val="fr-FR"/></w:settings>"#
    );
    let mut doc_rels = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>"#,
    );
    if image_len > 0 {
        doc_rels.push_str(r#"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/image1.jpeg"/>"#);
    }
    doc_rels.push_str("</Relationships>");
    let words_count = body.len() / 7;
    let stats = format!(
        "<Pages>{}</Pages><Words>{words_count}</Words><Characters>{}</Characters>",
        words_count / 400 + 1,
        body.len()
    );
    let mut files = vec![
        (
            "[Content_Types].xml",
            content_types(
                "word/document.xml",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                r#"<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>"#,
            ),
        ),
        (
            "_rels/.rels",
            RELS_ROOT
                .replace("{main}", "word/document.xml")
                .into_bytes(),
        ),
        ("word/document.xml", doc.into_bytes()),
        ("word/_rels/document.xml.rels", doc_rels.into_bytes()),
        ("word/settings.xml", settings.into_bytes()),
        ("docProps/core.xml", core_xml(&p)),
        (
            "docProps/app.xml",
            app_xml(
                "Microsoft Office Word",
                rng.pick::<&str>(APP_VERSIONS),
                &p,
                &stats,
            ),
        ),
    ];
    if image_len > 0 {
        let img = Doc {
            kind: Kind::Jpg,
            size: image_len as u64,
            seed: rng.next(),
            author: d.author,
            saved: p.created,
            name: String::new(),
        };
        files.push(("word/media/image1.jpeg", jpeg(&img, image_len, rng)));
    }
    zip_bytes(
        &files,
        zip_time(p.saved, domain_zone(person(d.author).domain)),
    )
}

fn xlsx(d: &Doc, rng: &mut Rng) -> Vec<u8> {
    let p = props(d, rng);
    // Sheets of amounts and labels compress about 3:1.
    let raw = d.size as usize * 3;
    let mut sheet = String::with_capacity(raw + 4096);
    sheet.push_str(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
    );
    let mut row = 1;
    while sheet.len() < raw {
        sheet.push_str(&format!(r#"<row r="{row}">"#));
        let label = words(rng, 1, 4);
        sheet.push_str(&format!(
            r#"<c r="A{row}" t="inlineStr"><is><t>{}</t></is></c><c r="B{row}"><v>{}</v></c><c r="C{row}"><v>{}.{:02}</v></c><c r="D{row}"><v>{}.{:02}</v></c><c r="E{row}"><v>{}</v></c>"#,
            xml_escape(&capitalise(&label)),
            42_370 + rng.below(900),
            rng.below(2_000_000),
            rng.below(100),
            rng.below(90_000),
            rng.below(100),
            rng.below(10_000)
        ));
        sheet.push_str("</row>");
        row += 1;
    }
    sheet.push_str("</sheetData></worksheet>");
    let workbook = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Feuil1" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
    let wb_rels = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;
    let files = vec![
        (
            "[Content_Types].xml",
            content_types(
                "xl/workbook.xml",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                r#"<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#,
            ),
        ),
        (
            "_rels/.rels",
            RELS_ROOT.replace("{main}", "xl/workbook.xml").into_bytes(),
        ),
        ("xl/workbook.xml", workbook.as_bytes().to_vec()),
        ("xl/_rels/workbook.xml.rels", wb_rels.as_bytes().to_vec()),
        ("xl/worksheets/sheet1.xml", sheet.into_bytes()),
        ("docProps/core.xml", core_xml(&p)),
        (
            "docProps/app.xml",
            app_xml("Microsoft Excel", rng.pick::<&str>(APP_VERSIONS), &p, ""),
        ),
    ];
    zip_bytes(
        &files,
        zip_time(p.saved, domain_zone(person(d.author).domain)),
    )
}

fn pdf_string(s: &str) -> String {
    if s.is_ascii() {
        format!(
            "({})",
            s.replace('\\', "\\\\")
                .replace('(', "\\(")
                .replace(')', "\\)")
        )
    } else {
        let mut h = String::from("<FEFF");
        for u in s.encode_utf16() {
            h.push_str(&format!("{u:04X}"));
        }
        h.push('>');
        h
    }
}

const PDF_MAKERS: &[(&str, &str)] = &[
    ("Microsoft® Word 2016", "Microsoft® Word 2016"),
    ("Microsoft® Excel® 2013", "Microsoft® Excel® 2013"),
    ("Writer", "LibreOffice 5.3"),
    (
        "PScript5.dll Version 5.2.2",
        "Acrobat Distiller 11.0 (Windows)",
    ),
    ("Canon iR-ADV C5535", "Adobe PSL 1.3e for Canon"),
    (
        "Word",
        "macOS Version 10.12.6 (Build 16G29) Quartz PDFContext",
    ),
    ("Sage 100c", "Sage PDF Export 3.1"),
];

fn pdf(d: &Doc, rng: &mut Rng) -> Vec<u8> {
    let p = props(d, rng);
    let off = domain_zone(person(d.author).domain);
    let target = d.size as usize;
    // Text pages cost about 1.7 KiB each once deflated; larger files are
    // mostly scanned or embedded pictures (DCT image XObjects).
    let (pages, image_len) = if target < 90 << 10 {
        ((target / 1700).max(1), 0)
    } else {
        let pages = rng.range(1, (target as u64 / (100 << 10)).clamp(1, 24)) as usize;
        (pages, (target - pages * 1700) / pages)
    };
    let (creator, producer) = *rng.pick(PDF_MAKERS);
    let mut out: Vec<u8> = b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets: Vec<usize> = Vec::new();
    // Objects: 1 catalog, 2 pages, 3 info, 4 XMP, 5 font, then per page:
    // page, contents and (with pictures) image.
    let per_page = if image_len > 0 { 3 } else { 2 };
    let first_page = 6;
    let kids: Vec<String> = (0..pages)
        .map(|i| format!("{} 0 R", first_page + i * per_page))
        .collect();
    let has_xmp = rng.percent(50);
    let mut obj = |out: &mut Vec<u8>, n: usize, body: &[u8]| {
        while offsets.len() < n {
            offsets.push(0);
        }
        offsets[n - 1] = out.len();
        out.extend_from_slice(format!("{n} 0 obj\n").as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    };
    obj(
        &mut out,
        1,
        format!(
            "<< /Type /Catalog /Pages 2 0 R{} /Lang (fr-FR) >>",
            if has_xmp { " /Metadata 4 0 R" } else { "" }
        )
        .as_bytes(),
    );
    obj(
        &mut out,
        2,
        format!(
            "<< /Type /Pages /Kids [{}] /Count {pages} >>",
            kids.join(" ")
        )
        .as_bytes(),
    );
    obj(
        &mut out,
        3,
        format!(
            "<< /Title {} /Author {} /Creator {} /Producer {} /CreationDate ({}) /ModDate ({}) >>",
            pdf_string(&p.title),
            pdf_string(&p.creator),
            pdf_string(creator),
            pdf_string(producer),
            pdf_date(p.created, off),
            pdf_date(p.saved, off)
        )
        .as_bytes(),
    );
    if has_xmp {
        let xmp = format!(
            r#"<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"><dc:format>application/pdf</dc:format><dc:creator><rdf:Seq><rdf:li>{}</rdf:li></rdf:Seq></dc:creator><dc:title><rdf:Alt><rdf:li xml:lang="x-default">{}</rdf:li></rdf:Alt></dc:title><xmp:CreatorTool>{}</xmp:CreatorTool><xmp:CreateDate>{}</xmp:CreateDate><xmp:ModifyDate>{}</xmp:ModifyDate><pdf:Producer>{}</pdf:Producer><xmpMM:DocumentID>uuid:{}</xmpMM:DocumentID></rdf:Description></rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>"#,
            xml_escape(&p.creator),
            xml_escape(&p.title),
            xml_escape(creator),
            iso_local(p.created, off),
            iso_local(p.saved, off),
            xml_escape(producer),
            rng.hex(32).to_lowercase()
        );
        obj(
            &mut out,
            4,
            format!(
                "<< /Type /Metadata /Subtype /XML /Length {} >>\nstream\n{xmp}\nendstream",
                xmp.len() + 1
            )
            .as_bytes(),
        );
    } else {
        obj(&mut out, 4, b"null");
    }
    obj(
        &mut out,
        5,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    );
    let mut text = String::new();
    for i in 0..pages {
        let n = first_page + i * per_page;
        let resources = if image_len > 0 {
            format!(
                "<< /Font << /F1 5 0 R >> /XObject << /Im1 {} 0 R >> >>",
                n + 2
            )
        } else {
            "<< /Font << /F1 5 0 R >> >>".into()
        };
        obj(
            &mut out,
            n,
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {} 0 R /Resources {resources} >>",
                n + 1
            )
            .as_bytes(),
        );
        text.clear();
        prose(rng, 3600, 90, &mut text);
        let mut content = String::from("BT /F1 10 Tf 56 790 Td 12 TL\n");
        for line in text.lines() {
            // Helvetica in WinAnsi: keep the content ASCII.
            let ascii: String = line
                .chars()
                .map(|c| if c.is_ascii() { c } else { 'e' })
                .collect();
            content.push_str(&pdf_string(&ascii));
            content.push_str(" Tj T*\n");
        }
        content.push_str("ET\n");
        if image_len > 0 {
            content.push_str("q 483 0 0 300 56 60 cm /Im1 Do Q\n");
        }
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(6));
        z.write_all(content.as_bytes()).expect("deflate");
        let packed = z.finish().expect("deflate");
        let mut body = format!(
            "<< /Length {} /Filter /FlateDecode >>\nstream\n",
            packed.len()
        )
        .into_bytes();
        body.extend_from_slice(&packed);
        body.extend_from_slice(b"\nendstream");
        obj(&mut out, n + 1, &body);
        if image_len > 0 {
            let img = jpeg(d, image_len, rng);
            let mut body = format!(
                "<< /Type /XObject /Subtype /Image /Width 2480 /Height 3508 /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode /Length {} >>\nstream\n",
                img.len()
            )
            .into_bytes();
            body.extend_from_slice(&img);
            body.extend_from_slice(b"\nendstream");
            obj(&mut out, n + 2, &body);
        }
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", offsets.len() + 1).as_bytes(),
    );
    for o in &offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    let id = rng.hex(32);
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R /Info 3 0 R /ID [<{id}> <{id}>] >>\nstartxref\n{xref}\n%%EOF\n",
            offsets.len() + 1
        )
        .as_bytes(),
    );
    out
}

const CAMERAS: &[(&str, &str, &str, u16, u16)] = &[
    ("Apple", "iPhone 7", "10.3.1", 4032, 3024),
    ("Apple", "iPhone 6s", "10.2.1", 4032, 3024),
    ("samsung", "SM-G930F", "G930FXXU1DQD7", 4032, 3024),
    (
        "Canon",
        "Canon EOS 80D",
        "Firmware Version 1.0.2",
        6000,
        4000,
    ),
    ("NIKON CORPORATION", "NIKON D3300", "Ver.1.02", 6000, 4000),
    ("HUAWEI", "VTR-L09", "VTR-L09 8.0.0.132(C432)", 3968, 2976),
];

/// A TIFF IFD entry: tag, type and the value's bytes (little-endian).
struct Entry {
    tag: u16,
    kind: u16,
    count: u32,
    data: Vec<u8>,
}

fn ascii_entry(tag: u16, s: &str) -> Entry {
    let mut data = s.as_bytes().to_vec();
    data.push(0);
    Entry {
        tag,
        kind: 2,
        count: data.len() as u32,
        data,
    }
}

fn long_entry(tag: u16, v: u32) -> Entry {
    Entry {
        tag,
        kind: 4,
        count: 1,
        data: v.to_le_bytes().to_vec(),
    }
}

/// Writes one IFD at `start` (an offset in the TIFF data) with its
/// out-of-line values after it; returns the bytes.
fn ifd(start: usize, entries: &[Entry]) -> Vec<u8> {
    let table = 2 + 12 * entries.len() + 4;
    let mut values: Vec<u8> = Vec::new();
    let mut out = Vec::with_capacity(table + 64);
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    for e in entries {
        out.extend_from_slice(&e.tag.to_le_bytes());
        out.extend_from_slice(&e.kind.to_le_bytes());
        out.extend_from_slice(&e.count.to_le_bytes());
        if e.data.len() <= 4 {
            let mut v = [0u8; 4];
            v[..e.data.len()].copy_from_slice(&e.data);
            out.extend_from_slice(&v);
        } else {
            let at = start + table + values.len();
            out.extend_from_slice(&(at as u32).to_le_bytes());
            values.extend_from_slice(&e.data);
            if values.len() % 2 == 1 {
                values.push(0);
            }
        }
    }
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&values);
    out
}

fn ifd_len(entries: &[Entry]) -> usize {
    2 + 12 * entries.len()
        + 4
        + entries
            .iter()
            .filter(|e| e.data.len() > 4)
            .map(|e| e.data.len().div_ceil(2) * 2)
            .sum::<usize>()
}

/// A JPEG of about `size` bytes: EXIF APP1, quantisation and Huffman
/// tables, a baseline frame header, a scan of random entropy-coded data
/// (0xFF bytes stuffed, so the markers stay valid) and EOI.
fn jpeg(d: &Doc, size: usize, rng: &mut Rng) -> Vec<u8> {
    let (make, model, software, w, h) = *rng.pick(CAMERAS);
    let author = person(d.author);
    let off = domain_zone(author.domain);
    let taken = d.saved - rng.range(0, 3 * 86_400) as i64;
    let mut ifd0 = vec![
        ascii_entry(0x010f, make),
        ascii_entry(0x0110, model),
        long_entry(0x0112, 1),
        ascii_entry(0x0131, software),
        ascii_entry(0x0132, &exif_time(taken, off)),
    ];
    if rng.percent(20) {
        ifd0.push(ascii_entry(0x013b, &author.name()));
    }
    ifd0.push(long_entry(0x8769, 0));
    let exif_entries = vec![
        ascii_entry(0x9003, &exif_time(taken, off)),
        ascii_entry(0x9004, &exif_time(taken, off)),
        ascii_entry(0x9011, &zone(off, true)),
        long_entry(0xa002, u32::from(w)),
        long_entry(0xa003, u32::from(h)),
    ];
    let exif_at = 8 + ifd_len(&ifd0);
    if let Some(e) = ifd0.last_mut() {
        e.data = (exif_at as u32).to_le_bytes().to_vec();
    }
    let mut tiff = b"II*\0\x08\0\0\0".to_vec();
    tiff.extend(ifd(8, &ifd0));
    tiff.extend(ifd(exif_at, &exif_entries));

    let mut out = Vec::with_capacity(size + 1024);
    out.extend_from_slice(&[0xff, 0xd8, 0xff, 0xe1]);
    out.extend_from_slice(&((tiff.len() + 8) as u16).to_be_bytes());
    out.extend_from_slice(b"Exif\0\0");
    out.extend_from_slice(&tiff);
    // DQT: one 8-bit table.
    out.extend_from_slice(&[0xff, 0xdb, 0x00, 0x43, 0x00]);
    out.extend((0..64u8).map(|i| 2 + i / 4));
    // SOF0: baseline, three components.
    out.extend_from_slice(&[0xff, 0xc0, 0x00, 0x11, 0x08]);
    out.extend_from_slice(&h.to_be_bytes());
    out.extend_from_slice(&w.to_be_bytes());
    out.extend_from_slice(&[0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x00, 0x03, 0x11, 0x00]);
    // DHT: the standard luminance DC table.
    out.extend_from_slice(&[0xff, 0xc4, 0x00, 0x1f, 0x00]);
    out.extend_from_slice(&[0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]);
    out.extend(0..12u8);
    // SOS, then the scan.
    out.extend_from_slice(&[
        0xff, 0xda, 0x00, 0x0c, 0x03, 0x01, 0x00, 0x02, 0x11, 0x03, 0x11, 0x00, 0x3f, 0x00,
    ]);
    let scan = size.saturating_sub(out.len() + 2).max(1024);
    let mut block = [0u8; 4096];
    let mut written = 0;
    while written < scan {
        rng.fill(&mut block);
        let n = block.len().min(scan - written);
        for &b in &block[..n] {
            out.push(b);
            if b == 0xff {
                out.push(0);
            }
        }
        written += n;
    }
    out.extend_from_slice(&[0xff, 0xd9]);
    out
}

// ---------------------------------------------------------------- messages

/// A message, planned: who, when (by its index), its thread and its
/// attachments. Its text comes from its index at rendering.
struct Msg {
    from: u64,
    to: Vec<u64>,
    cc: Vec<u64>,
    /// The message this one answers, and the thread's earlier messages.
    parent: Option<usize>,
    references: Vec<usize>,
    root: usize,
    attachments: Vec<Doc>,
    body_len: usize,
}

impl Msg {
    fn estimate(&self) -> u64 {
        let html = if person(self.from).outlook() { 2 } else { 1 };
        2000 + (self.body_len * html) as u64
            + self
                .attachments
                .iter()
                .map(|d| d.size * 77 / 57 + 400)
                .sum::<u64>()
    }
}

/// Everything rendering needs: the plan of every message.
struct World {
    seed: u64,
    msgs: Vec<Msg>,
}

impl World {
    /// When message `i` was sent: the messages are spread evenly in index
    /// order over the span, with jitter inside each step.
    fn sent(&self, i: usize) -> i64 {
        let n = self.msgs.len().max(1) as i64;
        let step = (SPAN / n).max(1);
        let mut r = Rng::new(self.seed, 2, i as u64);
        START + i as i64 * SPAN / n + r.below(step as u64) as i64
    }

    fn message_id(&self, i: usize) -> String {
        let m = &self.msgs[i];
        let from = person(m.from);
        let t = local(self.sent(i), 0);
        let mut r = Rng::new(self.seed, 3, i as u64);
        let domain = domain_name(from.domain);
        // Each mail program writes its own kind of Message-ID.
        let mailer = from.mailer();
        let style = if mailer.contains("Outlook") {
            2
        } else if mailer.contains("Zimbra") {
            1
        } else {
            0
        };
        match style {
            0 => format!(
                "<{}{:02}{:02}{:02}{:02}{:02}.{}@{}>",
                t.year,
                t.month,
                t.day,
                t.hour,
                t.min,
                t.sec,
                r.hex(10),
                domain
            ),
            1 => format!(
                "<{}.{}.JavaMail.zimbra@{}>",
                r.below(1 << 30),
                r.below(1 << 20),
                domain
            ),
            _ => format!(
                "<{}@{}.{}>",
                r.hex(32),
                ["EXCH01", "EXCH02", "MAIL"][(from.domain % 3) as usize],
                domain
            ),
        }
    }

    fn subject(&self, i: usize) -> String {
        let root = self.msgs[i].root;
        let mut r = Rng::new(self.seed, 4, root as u64);
        let s = capitalise(&words(&mut r, 2, 7));
        if root == i { s } else { format!("Re: {s}") }
    }
}

fn plan_msg(world: &World, rng: &mut Rng, now: i64) -> Msg {
    let i = world.msgs.len();
    let mut m = Msg {
        from: 0,
        to: Vec::new(),
        cc: Vec::new(),
        parent: None,
        references: Vec::new(),
        root: i,
        attachments: Vec::new(),
        body_len: rng.log_uniform(300, 9000) as usize,
    };
    if i > 0 && rng.percent(38) {
        let j = i - 1 - rng.below(i.min(300) as u64) as usize;
        let parent = &world.msgs[j];
        m.parent = Some(j);
        m.root = parent.root;
        m.references = parent.references.clone();
        m.references.push(j);
        if m.references.len() > 12 {
            m.references.remove(0);
        }
        m.from = parent.to[0];
        m.to.push(parent.from);
        m.cc = parent.cc.clone();
    } else {
        m.from = rng.skewed(PEOPLE);
        for _ in 0..rng.range(1, 3) {
            let p = rng.skewed(PEOPLE);
            if p != m.from && !m.to.contains(&p) {
                m.to.push(p);
            }
        }
        if m.to.is_empty() {
            m.to.push((m.from + 1) % PEOPLE);
        }
        if rng.percent(30) {
            for _ in 0..rng.range(1, 3) {
                let p = rng.skewed(PEOPLE);
                if p != m.from && !m.to.contains(&p) && !m.cc.contains(&p) {
                    m.cc.push(p);
                }
            }
        }
    }
    if rng.percent(11) {
        let n = match rng.below(10) {
            0..=6 => 1,
            7..=8 => 2,
            _ => 3,
        };
        for _ in 0..n {
            let author = if rng.percent(70) {
                m.from
            } else {
                rng.skewed(700)
            };
            let saved = now - rng.range(300, 30 * 86_400) as i64;
            m.attachments.push(plan_doc(rng, author, saved));
        }
    }
    m
}

/// Body canonicalization `simple` (RFC 6376 §3.4.3) of an LF body, hashed.
fn body_hash_simple(body: &[u8]) -> String {
    let mut h = sha2::Sha256::new();
    let mut trimmed = body;
    while trimmed.ends_with(b"\n\n") {
        trimmed = &trimmed[..trimmed.len() - 1];
    }
    if trimmed.is_empty() {
        h.update(b"\r\n");
    } else {
        for line in trimmed.split_inclusive(|&b| b == b'\n') {
            match line.strip_suffix(b"\n") {
                Some(l) => {
                    h.update(l);
                    h.update(b"\r\n");
                }
                None => {
                    h.update(line);
                    h.update(b"\r\n");
                }
            }
        }
    }
    base64::engine::general_purpose::STANDARD.encode(h.finalize())
}

fn fold_list(people: &[u64]) -> String {
    people
        .iter()
        .map(|&p| person(p).header())
        .collect::<Vec<_>>()
        .join(",\n\t")
}

fn html_of(text: &str) -> String {
    let mut h = String::with_capacity(text.len() * 2);
    h.push_str("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\"></head><body lang=\"FR\">\n");
    for para in text.split("\n\n") {
        h.push_str("<p class=\"MsoNormal\">");
        h.push_str(&xml_escape(para).replace('\n', "\n<br>"));
        h.push_str("</p>\n");
    }
    h.push_str("</body></html>\n");
    h
}

fn render_msg(world: &World, i: usize) -> Vec<u8> {
    let m = &world.msgs[i];
    let mut rng = Rng::new(world.seed, 5, i as u64);
    let from = person(m.from);
    let to = person(m.to[0]);
    let sent = world.sent(i);
    let from_zone = domain_zone(from.domain);
    let to_zone = domain_zone(to.domain);

    // The text.
    let mut text = String::with_capacity(m.body_len + 1024);
    text.push_str(if from.domain == 0 { "Bonjour " } else { "Hi " });
    text.push_str(to.first);
    text.push_str(",\n\n");
    let mut left = m.body_len;
    while left > 0 {
        let n = left.min(rng.range(200, 1200) as usize);
        prose(&mut rng, n, 72, &mut text);
        text.push('\n');
        left -= n;
    }
    text.push_str(&format!(
        "{}\n--\n{}\n{}\nTel. +33 1 {:02} {:02} {:02} {:02}\n",
        if from.domain == 0 {
            "Cordialement,"
        } else {
            "Best regards,"
        },
        from.name(),
        org_name(from.domain),
        rng.below(100),
        rng.below(100),
        rng.below(100),
        rng.below(100)
    ));
    if let Some(p) = m.parent {
        let parent = person(world.msgs[p].from);
        text.push_str(&format!(
            "\nOn {}, {} <{}> wrote:\n",
            rfc2822(world.sent(p), from_zone),
            parent.name(),
            parent.addr()
        ));
        let mut quoted = String::new();
        let n = rng.range(200, 2000) as usize;
        prose(&mut rng, n, 70, &mut quoted);
        for line in quoted.lines() {
            text.push_str("> ");
            text.push_str(line);
            text.push('\n');
        }
    }

    // The MIME body.
    let mut body: Vec<u8> = Vec::with_capacity(m.estimate() as usize);
    let plain = "Content-Type: text/plain; charset=\"utf-8\"\nContent-Transfer-Encoding: 8bit\n\n";
    let alternative = from.outlook();
    let content_type;
    let alt_boundary = format!("_000_{}_", rng.hex(24));
    let write_alternative = |body: &mut Vec<u8>| {
        body.extend_from_slice(format!("--{alt_boundary}\n").as_bytes());
        body.extend_from_slice(plain.as_bytes());
        body.extend_from_slice(text.as_bytes());
        body.extend_from_slice(format!("\n--{alt_boundary}\n").as_bytes());
        body.extend_from_slice(
            b"Content-Type: text/html; charset=\"utf-8\"\nContent-Transfer-Encoding: 8bit\n\n",
        );
        body.extend_from_slice(html_of(&text).as_bytes());
        body.extend_from_slice(format!("\n--{alt_boundary}--\n").as_bytes());
    };
    if m.attachments.is_empty() {
        if alternative {
            content_type = format!("multipart/alternative;\n\tboundary=\"{alt_boundary}\"");
            write_alternative(&mut body);
        } else {
            content_type = "text/plain; charset=\"utf-8\"".to_string();
            body.extend_from_slice(text.as_bytes());
        }
    } else {
        let boundary = format!("----=_Part_{}_{}", rng.below(1 << 20), rng.hex(12));
        content_type = format!("multipart/mixed;\n\tboundary=\"{boundary}\"");
        body.extend_from_slice(b"This is a multi-part message in MIME format.\n\n");
        body.extend_from_slice(format!("--{boundary}\n").as_bytes());
        if alternative {
            body.extend_from_slice(
                format!("Content-Type: multipart/alternative;\n\tboundary=\"{alt_boundary}\"\n\n")
                    .as_bytes(),
            );
            write_alternative(&mut body);
        } else {
            body.extend_from_slice(plain.as_bytes());
            body.extend_from_slice(text.as_bytes());
        }
        for d in &m.attachments {
            let data = render_doc(d);
            body.extend_from_slice(
                format!(
                    "\n--{boundary}\nContent-Type: {mime}; name=\"{n}\"\nContent-Description: {n}\nContent-Disposition: attachment; filename=\"{n}\"; size={len}\nContent-Transfer-Encoding: base64\n\n",
                    mime = d.kind.mime(),
                    n = encoded_word(&d.name),
                    len = data.len()
                )
                .as_bytes(),
            );
            base64_lines(&data, &mut body);
        }
        body.extend_from_slice(format!("\n--{boundary}--\n").as_bytes());
    }

    // The header, newest Received first.
    let mut h = String::with_capacity(4096);
    let to_domain = domain_name(to.domain);
    let from_domain = domain_name(from.domain);
    let out_host = format!("mail-out{}.{from_domain}", 1 + from.index % 3);
    let mx = format!("mx{}.{to_domain}", 1 + m.from % 2);
    let hop1 = sent + rng.range(0, 2) as i64;
    let hop2 = hop1 + rng.range(1, 40) as i64;
    let hop3 = hop2 + rng.range(0, 5) as i64;
    let qid = |r: &mut Rng| r.hex(10);
    h.push_str(&format!("Return-Path: <{}>\n", from.addr()));
    if from.domain != to.domain {
        h.push_str(&format!(
            "Received: from {mx} (localhost [127.0.0.1])\n\tby imap.{to_domain} (Dovecot) with LMTP id {}\n\tfor <{}>; {}\n",
            qid(&mut rng),
            to.addr(),
            rfc2822(hop3, to_zone)
        ));
        h.push_str(&format!(
            "Received: from {out_host} ({out_host} [203.0.113.{}])\n\tby {mx} (Postfix) with ESMTPS id {}\n\tfor <{}>; {}\n",
            from.domain % 250 + 2,
            qid(&mut rng),
            to.addr(),
            rfc2822(hop2, to_zone)
        ));
    }
    h.push_str(&format!(
        "Received: from {host} ({host} [10.{}.{}.{}])\n\tby {out_host} (Postfix) with ESMTPSA id {};\n\t{}\n",
        from.index % 200,
        rng.below(250),
        rng.range(2, 250),
        qid(&mut rng),
        rfc2822(hop1, from_zone),
        host = from.host()
    ));
    if domain_signs(from.domain) {
        let mut sig = Rng::new(world.seed, 6, i as u64);
        let b = base64::engine::general_purpose::STANDARD.encode(sig.bytes(256));
        let folded: Vec<&str> = b
            .as_bytes()
            .chunks(72)
            .map(|c| std::str::from_utf8(c).expect("base64 is ascii"))
            .collect();
        h.push_str(&format!(
            "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/simple; d={from_domain};\n\ts=mail{}; t={sent};\n\tbh={};\n\th=From:To:Subject:Date:Message-ID:MIME-Version:Content-Type;\n\tb={}\n",
            2016 + (sent - START) / (365 * 86_400),
            body_hash_simple(&body),
            folded.join("\n\t ")
        ));
    }
    h.push_str(&format!("From: {}\n", from.header()));
    h.push_str(&format!("To: {}\n", fold_list(&m.to)));
    if !m.cc.is_empty() {
        h.push_str(&format!("Cc: {}\n", fold_list(&m.cc)));
    }
    h.push_str(&format!("Subject: {}\n", encoded_word(&world.subject(i))));
    h.push_str(&format!("Date: {}\n", rfc2822(sent, from_zone)));
    h.push_str(&format!("Message-ID: {}\n", world.message_id(i)));
    if let Some(p) = m.parent {
        h.push_str(&format!("In-Reply-To: {}\n", world.message_id(p)));
        let refs: Vec<String> = m.references.iter().map(|&r| world.message_id(r)).collect();
        h.push_str(&format!("References: {}\n", refs.join("\n\t")));
    }
    h.push_str(from.mailer());
    h.push('\n');
    if alternative {
        h.push_str("Thread-Index: ");
        h.push_str(&base64::engine::general_purpose::STANDARD.encode(rng.bytes(22)));
        h.push_str("\nContent-Language: fr-FR\n");
    }
    h.push_str("MIME-Version: 1.0\n");
    h.push_str(&format!("Content-Type: {content_type}\n"));
    if m.attachments.is_empty() && !alternative {
        h.push_str("Content-Transfer-Encoding: 8bit\n");
    }
    h.push('\n');
    let mut out = h.into_bytes();
    out.extend_from_slice(&body);
    out
}

// ---------------------------------------------------------------- the dump

enum Member {
    Doc(String, Doc),
    Eml(String, usize),
    Zip(String, Vec<(String, Doc)>),
}

enum Output {
    Eml(PathBuf, usize),
    Mbox(PathBuf, Vec<usize>),
    /// The archive, its time, its members and their planned size.
    Zip(PathBuf, i64, Vec<Member>, u64),
    Doc(PathBuf, Doc),
}

impl Output {
    fn estimate(&self, world: &World) -> u64 {
        match self {
            Output::Eml(_, i) => world.msgs[*i].estimate(),
            Output::Mbox(_, v) => v.iter().map(|&i| world.msgs[i].estimate()).sum(),
            Output::Zip(_, _, _, bytes) => *bytes,
            Output::Doc(_, d) => d.size,
        }
    }
    fn path(&self) -> &Path {
        match self {
            Output::Eml(p, _)
            | Output::Mbox(p, _)
            | Output::Zip(p, _, _, _)
            | Output::Doc(p, _) => p,
        }
    }
}

#[derive(Default)]
struct Tally {
    eml_files: u64,
    mbox_files: u64,
    mbox_msgs: u64,
    zip_files: u64,
    zip_members: u64,
    zip_emls: u64,
    nested_zips: u64,
    loose_docs: u64,
    attachments: u64,
    duplicated_msgs: u64,
}

/// Shares of the dump, in bytes.
struct Budget {
    mbox: u64,
    eml: u64,
    zip: u64,
    docs: u64,
}

fn plan(seed: u64, asked: u64) -> (World, Vec<Output>, Tally) {
    // The estimates below run about 4 % short (headers, XML, the last item
    // of each share).
    let size = asked / 25 * 24;
    let docs_share = (size / 10).min(100 << 20);
    let budget = Budget {
        mbox: size * 4 / 10,
        eml: size * 3 / 10,
        docs: docs_share,
        zip: size - size * 7 / 10 - docs_share,
    };
    let mut world = World {
        seed,
        msgs: Vec::new(),
    };
    let mut rng = Rng::new(seed, 0, 0);
    let mut outputs: Vec<Output> = Vec::new();
    let mut tally = Tally::default();
    let (mut mbox, mut eml, mut zip, mut docs) = (0u64, 0u64, 0u64, 0u64);
    // The mbox and the archive being filled, with their target sizes.
    let mut cur_mbox: Option<(PathBuf, Vec<usize>, u64, u64)> = None;
    let mut cur_zip: Option<(PathBuf, Vec<Member>, u64, u64, u64)> = None;
    let mut mbox_names = 0u64;
    let mut zip_names = 0u64;
    // Messages are planned in date order: an estimate of the total count
    // dates what is planned before the count is known (documents only).
    let expected_msgs = (size * 7 / 10 / 45_000).max(10) as i64;
    let now = |n: usize| START + n as i64 * SPAN / expected_msgs;
    loop {
        // Fill the share that is most behind.
        let fill = |done: u64, target: u64| (done * 1000).checked_div(target).unwrap_or(u64::MAX);
        let shares = [
            fill(mbox, budget.mbox),
            fill(eml, budget.eml),
            fill(zip, budget.zip),
            fill(docs, budget.docs),
        ];
        let (which, least) = shares
            .iter()
            .enumerate()
            .min_by_key(|(_, f)| **f)
            .map(|(k, f)| (k, *f))
            .expect("four shares");
        if least >= 1000 {
            break;
        }
        let t = now(world.msgs.len());
        match which {
            0 => {
                let m = plan_msg(&world, &mut rng, t);
                let est = m.estimate();
                world.msgs.push(m);
                let i = world.msgs.len() - 1;
                if cur_mbox.is_none() {
                    let c = rng.skewed(CUSTODIANS) * CUSTODIAN_STRIDE;
                    mbox_names += 1;
                    let label = match rng.below(3) {
                        0 => format!("Inbox-export-{mbox_names}"),
                        1 => format!("archive-{mbox_names}"),
                        _ => format!("Sent-{mbox_names}"),
                    };
                    let path = PathBuf::from("mailboxes")
                        .join(person(c).local_part())
                        .join(format!("{label}.mbox"));
                    let target = rng.log_uniform(8 << 20, 96 << 20).min(budget.mbox / 3 + 1);
                    cur_mbox = Some((path, Vec::new(), 0, target));
                }
                if let Some((_, msgs, bytes, target)) = &mut cur_mbox {
                    msgs.push(i);
                    *bytes += est;
                    if *bytes >= *target {
                        let (path, msgs, _, _) = cur_mbox.take().expect("open mbox");
                        tally.mbox_files += 1;
                        tally.mbox_msgs += msgs.len() as u64;
                        outputs.push(Output::Mbox(path, msgs));
                    }
                }
                mbox += est;
            }
            1 => {
                // Now and then the eml is a copy of a message already in
                // an mbox (the sender's and the recipient's copies).
                let (i, est) = if !world.msgs.is_empty() && rng.percent(3) {
                    let i =
                        world.msgs.len() - 1 - rng.below(world.msgs.len().min(500) as u64) as usize;
                    tally.duplicated_msgs += 1;
                    (i, world.msgs[i].estimate())
                } else {
                    let m = plan_msg(&world, &mut rng, t);
                    let est = m.estimate();
                    world.msgs.push(m);
                    (world.msgs.len() - 1, est)
                };
                let m = &world.msgs[i];
                let (custodian, folder) = if m.from.is_multiple_of(CUSTODIAN_STRIDE)
                    && m.from / CUSTODIAN_STRIDE < CUSTODIANS
                {
                    (m.from, "Sent Items".to_string())
                } else if rng.percent(75) {
                    (
                        rng.below(CUSTODIANS) * CUSTODIAN_STRIDE,
                        "Inbox".to_string(),
                    )
                } else {
                    (
                        rng.below(CUSTODIANS) * CUSTODIAN_STRIDE,
                        format!("Archive/{}", 2016 + (t - START) / (365 * 86_400)),
                    )
                };
                let path = PathBuf::from("mail")
                    .join(person(custodian).local_part())
                    .join(folder)
                    .join(format!("{:06}.eml", outputs.len()));
                outputs.push(Output::Eml(path, i));
                tally.eml_files += 1;
                eml += est;
            }
            2 => {
                if cur_zip.is_none() {
                    zip_names += 1;
                    let dept = rng.pick(DEPARTMENTS);
                    let path = PathBuf::from("shared").join(dept).join(format!(
                        "{}-{}-{zip_names}.zip",
                        dept.to_lowercase(),
                        ["export", "dossier", "backup", "archive"][rng.below(4) as usize]
                    ));
                    let target = rng.log_uniform(2 << 20, 64 << 20).min(budget.zip / 3 + 1);
                    cur_zip = Some((path, Vec::new(), 0, target, 0));
                }
                let (_, members, bytes, _, folders) = cur_zip.as_mut().expect("open archive");
                if members.is_empty() || rng.percent(8) {
                    *folders += 1;
                }
                let folder = format!(
                    "{}/{}",
                    capitalise(&words(&mut Rng::new(seed, 7, zip_names), 2, 2)).replace(' ', "_"),
                    capitalise(&words(
                        &mut Rng::new(seed, 8, zip_names * 1000 + *folders),
                        1,
                        1
                    ))
                );
                let k = members.len();
                let author = rng.skewed(700);
                let added = match rng.below(100) {
                    0..=11 => {
                        let m = plan_msg(&world, &mut rng, t);
                        let est = m.estimate();
                        world.msgs.push(m);
                        members.push(Member::Eml(
                            format!("{folder}/message-{k:04}.eml"),
                            world.msgs.len() - 1,
                        ));
                        tally.zip_emls += 1;
                        est
                    }
                    12..=14 => {
                        let mut inner = Vec::new();
                        let mut est = 0;
                        for n in 0..rng.range(2, 6) {
                            let mut d = plan_doc(&mut rng, author, t - 90 * 86_400);
                            d.size = d.size.min(400 << 10);
                            est += d.size;
                            inner.push((format!("{n:02}-{}", d.name), d));
                        }
                        tally.nested_zips += 1;
                        tally.zip_members += inner.len() as u64;
                        members.push(Member::Zip(format!("{folder}/pieces-{k:04}.zip"), inner));
                        est
                    }
                    _ => {
                        let d = plan_doc(&mut rng, author, t - 90 * 86_400);
                        let est = d.size;
                        members.push(Member::Doc(format!("{folder}/{k:04}-{}", d.name), d));
                        est
                    }
                };
                tally.zip_members += 1;
                *bytes += added;
                zip += added;
                if *bytes >= cur_zip.as_ref().expect("open archive").3 {
                    let (path, members, bytes, _, _) = cur_zip.take().expect("open archive");
                    tally.zip_files += 1;
                    outputs.push(Output::Zip(path, t, members, bytes));
                }
            }
            _ => {
                let author = rng.skewed(700);
                let d = plan_doc(&mut rng, author, t - 60 * 86_400);
                let dept = rng.pick(DEPARTMENTS);
                let sub = capitalise(&words(&mut rng, 1, 1));
                let path = PathBuf::from("documents")
                    .join(dept)
                    .join(sub)
                    .join(format!("{:05}-{}", outputs.len(), d.name));
                docs += d.size;
                tally.loose_docs += 1;
                outputs.push(Output::Doc(path, d));
            }
        }
    }
    if let Some((path, msgs, _, _)) = cur_mbox {
        tally.mbox_files += 1;
        tally.mbox_msgs += msgs.len() as u64;
        outputs.push(Output::Mbox(path, msgs));
    }
    if let Some((path, members, bytes, _, _)) = cur_zip {
        tally.zip_files += 1;
        outputs.push(Output::Zip(path, START + SPAN, members, bytes));
    }
    tally.attachments = world.msgs.iter().map(|m| m.attachments.len() as u64).sum();
    (world, outputs, tally)
}

fn write_mbox(world: &World, path: &Path, msgs: &[usize]) -> std::io::Result<()> {
    let mut w = BufWriter::with_capacity(1 << 20, File::create(path)?);
    mbox_to(world, msgs, &mut w)?;
    w.flush()
}

/// The messages in mbox form: a `From ` line each, `>From ` quoting, a
/// blank line after each.
fn mbox_to(world: &World, msgs: &[usize], w: &mut impl Write) -> std::io::Result<()> {
    for &i in msgs {
        let msg = render_msg(world, i);
        let from = person(world.msgs[i].from).addr();
        w.write_all(format!("From {from} {}\n", asctime(world.sent(i))).as_bytes())?;
        for line in msg.split_inclusive(|&b| b == b'\n') {
            let n = line.iter().take_while(|&&b| b == b'>').count();
            if line[n..].starts_with(b"From ") {
                w.write_all(b">")?;
            }
            w.write_all(line)?;
        }
        w.write_all(b"\n")?;
    }
    Ok(())
}

// ---------------------------------------------------------------- for the benches

fn kind_of(ext: &str) -> Kind {
    match ext {
        "docx" => Kind::Docx,
        "xlsx" => Kind::Xlsx,
        "pdf" => Kind::Pdf,
        "jpg" | "jpeg" => Kind::Jpg,
        other => panic!("no documents of kind '{other}' (docx, xlsx, pdf, jpg)"),
    }
}

/// One document, as the dump has them: `ext` is `docx`, `xlsx`, `pdf` or
/// `jpg`, `size` about its size in bytes.
pub fn sample_document(ext: &str, size: u64, seed: u64) -> Vec<u8> {
    let mut rng = Rng::new(seed, 9, 0);
    let mut d = plan_doc(&mut rng, 1, START + SPAN / 2);
    d.kind = kind_of(ext);
    d.size = size;
    render_doc(&d)
}

/// `n` messages of one world, as the dump has them; `attachments` lists
/// the attachments of the last one (`(ext, size)`), the others have none.
fn sample_world(seed: u64, n: usize, attachments: &[(&str, u64)]) -> World {
    let mut world = World {
        seed,
        msgs: Vec::new(),
    };
    let mut rng = Rng::new(seed, 10, 0);
    for k in 0..n {
        let mut m = plan_msg(&world, &mut rng, START + SPAN / 2);
        m.attachments.clear();
        if k + 1 == n {
            for &(ext, size) in attachments {
                let mut d = plan_doc(&mut rng, m.from, START + SPAN / 2);
                d.kind = kind_of(ext);
                d.size = size;
                d.name = format!(
                    "{}.{ext}",
                    d.name.rsplit_once('.').map_or("file", |(s, _)| s)
                );
                m.attachments.push(d);
            }
        }
        world.msgs.push(m);
    }
    world
}

/// One message with the given attachments (`(ext, size)`).
pub fn sample_message(seed: u64, attachments: &[(&str, u64)]) -> Vec<u8> {
    let world = sample_world(seed, 1, attachments);
    render_msg(&world, 0)
}

/// An mbox of `n` messages without attachments, in date order, with the
/// dump's threads.
pub fn sample_mbox(seed: u64, n: usize) -> Vec<u8> {
    let world = sample_world(seed, n, &[]);
    let all: Vec<usize> = (0..n).collect();
    let mut out = Vec::new();
    mbox_to(&world, &all, &mut out).expect("writing to memory");
    out
}

fn write_zip(world: &World, path: &Path, t: i64, members: &[Member]) -> std::io::Result<()> {
    let file = BufWriter::with_capacity(1 << 20, File::create(path)?);
    let mut z = zip::ZipWriter::new(file);
    let opts = |when: i64| {
        zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .compression_level(Some(LEVEL))
            .last_modified_time(zip_time(when, 120))
    };
    let io = |e: zip::result::ZipError| std::io::Error::other(e.to_string());
    for m in members {
        match m {
            Member::Doc(name, d) => {
                z.start_file(name.as_str(), opts(d.saved)).map_err(io)?;
                z.write_all(&render_doc(d))?;
            }
            Member::Eml(name, i) => {
                z.start_file(name.as_str(), opts(world.sent(*i)))
                    .map_err(io)?;
                z.write_all(&render_msg(world, *i))?;
            }
            Member::Zip(name, docs) => {
                let files: Vec<(String, Vec<u8>)> = docs
                    .iter()
                    .map(|(n, d)| (n.clone(), render_doc(d)))
                    .collect();
                let inner = zip_bytes(&files, zip_time(t, 120));
                z.start_file(name.as_str(), opts(t)).map_err(io)?;
                z.write_all(&inner)?;
            }
        }
    }
    z.finish().map_err(io)?.flush()
}

/// Writes a dump of about `size` bytes into `out` (created if needed)
/// and returns a description of what it holds. Also used by the criterion
/// benches (`benches/*.rs` include this file as a module).
pub fn generate(out: &Path, size: u64, seed: u64) -> std::io::Result<String> {
    let started = Instant::now();
    let (world, mut outputs, tally) = plan(seed, size);
    let mut dirs: Vec<PathBuf> = outputs
        .iter()
        .filter_map(|o| o.path().parent().map(|p| out.join(p)))
        .collect();
    dirs.sort();
    dirs.dedup();
    for d in &dirs {
        fs::create_dir_all(d)?;
    }
    // Largest first, so that the last file written is a small one.
    outputs.sort_by_key(|o| std::cmp::Reverse(o.estimate(&world)));
    let written: u64 = outputs
        .par_iter()
        .map(|o| {
            let path = out.join(o.path());
            match o {
                Output::Eml(_, i) => fs::write(&path, render_msg(&world, *i)),
                Output::Mbox(_, msgs) => write_mbox(&world, &path, msgs),
                Output::Zip(_, t, members, _) => write_zip(&world, &path, *t, members),
                Output::Doc(_, d) => fs::write(&path, render_doc(d)),
            }
            .map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
            Ok(fs::metadata(&path)?.len())
        })
        .collect::<std::io::Result<Vec<u64>>>()?
        .into_iter()
        .sum();
    let files = tally.eml_files + tally.mbox_files + tally.zip_files + tally.loose_docs;
    let senders: std::collections::BTreeSet<u64> = world.msgs.iter().map(|m| m.from).collect();
    let replies = world.msgs.iter().filter(|m| m.parent.is_some()).count();
    Ok(format!(
        "make-dump: {} — {written} bytes ({:.1} MiB, asked {:.1} MiB) in {files} files, seed {seed}, {:.1} s
  mbox     {} files, {} messages
  eml      {} files ({} copies of mbox messages)
  zip      {} archives, {} members ({} .eml, {} nested zips)
  loose    {} documents
  messages {} distinct ({replies} replies, {} distinct senders), {} attachments",
        out.display(),
        written as f64 / f64::from(1 << 20),
        size as f64 / f64::from(1 << 20),
        started.elapsed().as_secs_f64(),
        tally.mbox_files,
        tally.mbox_msgs,
        tally.eml_files,
        tally.duplicated_msgs,
        tally.zip_files,
        tally.zip_members,
        tally.zip_emls,
        tally.nested_zips,
        tally.loose_docs,
        world.msgs.len(),
        senders.len(),
        tally.attachments
    ))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 2 || args.len() > 3 {
        eprintln!("usage: make-dump OUT_DIR SIZE [SEED]   (SIZE like 100M, 1G, 4G)");
        std::process::exit(2);
    }
    let out = PathBuf::from(&args[0]);
    let size = match leakcheck::config::parse_size(&args[1]) {
        Ok(s) if s >= 1 << 20 => s,
        Ok(_) => {
            eprintln!("make-dump: SIZE must be at least 1M");
            std::process::exit(2);
        }
        Err(e) => {
            eprintln!("make-dump: {e}");
            std::process::exit(2);
        }
    };
    let seed: u64 = match args.get(2).map(|s| s.parse()) {
        None => 2017,
        Some(Ok(s)) => s,
        Some(Err(_)) => {
            eprintln!("make-dump: SEED must be a number");
            std::process::exit(2);
        }
    };
    if out.exists()
        && fs::read_dir(&out)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        eprintln!(
            "make-dump: {} exists and is not empty; remove it or choose another folder",
            out.display()
        );
        std::process::exit(2);
    }
    match generate(&out, size, seed) {
        Ok(summary) => println!("{summary}"),
        Err(e) => {
            eprintln!("make-dump: cannot write {e}");
            std::process::exit(1);
        }
    }
}
