//! Writes the sample dump `samples/dump/` and its ground truth
//! `samples/ground-truth.json`, deterministically: the same bytes on every
//! run and every machine.
//!
//! The dump is the mailbox and shared folders of a fictional French
//! campaign, "Mouvement Horizon", in spring 2017: emails as `.eml` files and
//! in mbox files, zip and tar.gz archives, docx/xlsx/pdf/png attachments,
//! text in French and Arabic. A few items are planted forgeries; the ground
//! truth lists each with its kind, so the checks can be tested against it.
//! Every other item is genuine. All people and domains are invented
//! (`.example` domains never resolve).
//!
//! Usage: `cargo run --example make-samples [-- OUT_DIR]` (default `samples`).

use std::collections::BTreeMap;
use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};

use serde_json::json;

// ---------------------------------------------------------------- encodings

fn base64(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for (i, c) in data.chunks(3).enumerate() {
        if i > 0 && i % 19 == 0 {
            out.push('\n');
        }
        let b = [c[0], *c.get(1).unwrap_or(&0), *c.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= c.len() {
                out.push(A[((n >> (18 - 6 * k)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out.push('\n');
    out
}

/// RFC 2047 encoded word when the text is not plain ASCII.
fn word(s: &str) -> String {
    if s.is_ascii() {
        s.to_string()
    } else {
        format!("=?UTF-8?B?{}?=", base64(s.as_bytes()).replace('\n', ""))
    }
}

/// Quoted-printable in ISO-8859-1 (for the Latin-1 message).
fn qp_latin1(s: &str) -> String {
    let mut out = String::new();
    for ch in s.chars() {
        let c = ch as u32;
        if ch == '\n' {
            out.push('\n');
        } else if c < 128 && ch != '=' {
            out.push(ch);
        } else {
            out.push_str(&format!("={:02X}", c as u8));
        }
    }
    out
}

// ---------------------------------------------------------------- MIME

enum Part {
    Text {
        body: String,
    },
    Html {
        body: String,
    },
    Latin1 {
        body: String,
    },
    Base64Text {
        body: String,
    },
    File {
        ctype: String,
        name: String,
        data: Vec<u8>,
    },
    Message {
        data: Vec<u8>,
    },
    Multi {
        subtype: &'static str,
        boundary: String,
        parts: Vec<Part>,
    },
}

fn render(part: &Part, out: &mut String) {
    match part {
        Part::Text { body } => {
            out.push_str(
                "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n",
            );
            out.push_str(body);
        }
        Part::Html { body } => {
            out.push_str(
                "Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n",
            );
            out.push_str(body);
        }
        Part::Latin1 { body } => {
            out.push_str(
                "Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\n",
            );
            out.push_str(&qp_latin1(body));
        }
        Part::Base64Text { body } => {
            out.push_str(
                "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n",
            );
            out.push_str(&base64(body.as_bytes()));
        }
        Part::File { ctype, name, data } => {
            out.push_str(&format!(
                "Content-Type: {ctype}; name=\"{n}\"\nContent-Disposition: attachment; filename=\"{n}\"\nContent-Transfer-Encoding: base64\n\n",
                n = word(name)
            ));
            out.push_str(&base64(data));
        }
        Part::Message { data } => {
            out.push_str("Content-Type: message/rfc822\nContent-Disposition: inline\n\n");
            out.push_str(&String::from_utf8_lossy(data));
        }
        Part::Multi {
            subtype,
            boundary,
            parts,
        } => {
            out.push_str(&format!(
                "Content-Type: multipart/{subtype}; boundary=\"{boundary}\"\n\nThis is a multi-part message in MIME format.\n"
            ));
            for p in parts {
                out.push_str(&format!("\n--{boundary}\n"));
                render(p, out);
            }
            out.push_str(&format!("\n--{boundary}--\n"));
        }
    }
}

struct Person {
    name: &'static str,
    addr: &'static str,
    mailer: &'static str,
    host: &'static str,
}

const CLAIRE: Person = Person {
    name: "Claire Dubois",
    addr: "claire.dubois@horizon.example",
    mailer: "X-Mailer: Apple Mail (2.3273)",
    host: "macbook-claire.horizon.example",
};
const CEDRIC: Person = Person {
    name: "Cédric Martin",
    addr: "cedric.martin@horizon.example",
    mailer: "X-Mailer: Microsoft Outlook 16.0",
    host: "pc-tresorerie.horizon.example",
};
const LEA: Person = Person {
    name: "Léa Bernard",
    addr: "lea.bernard@horizon.example",
    mailer: "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:45.0) Gecko/20100101 Thunderbird/45.8.0",
    host: "laptop-lea.horizon.example",
};
const YOUSSEF: Person = Person {
    name: "Youssef El Amrani",
    addr: "youssef.elamrani@horizon.example",
    mailer: "X-Mailer: Microsoft Outlook 16.0",
    host: "pc-youssef.horizon.example",
};
const NADIA: Person = Person {
    name: "نادية حداد",
    addr: "n.haddad@sahafa.example",
    mailer: "X-Mailer: Sahafa Webmail 3.2",
    host: "webmail.sahafa.example",
};
const IMPRIMERIE: Person = Person {
    name: "Imprimerie du Centre",
    addr: "facturation@imprimerie-centre.example",
    mailer: "X-Mailer: Sage 100c",
    host: "erp.imprimerie-centre.example",
};

const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A moment in 2017, local time +0200 (Paris, summer time from 26 March).
#[derive(Clone, Copy)]
struct When {
    month: u32,
    day: u32,
    hour: u32,
    min: u32,
}

impl When {
    fn weekday(&self) -> &'static str {
        // 1 January 2017 was a Sunday.
        let cum = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
        let doy = cum[(self.month - 1) as usize] + self.day - 1;
        DAYS[((doy + 6) % 7) as usize]
    }
    fn rfc2822(&self) -> String {
        format!(
            "{}, {} {} 2017 {:02}:{:02}:00 +0200",
            self.weekday(),
            self.day,
            MONTHS[(self.month - 1) as usize],
            self.hour,
            self.min
        )
    }
    fn mbox(&self) -> String {
        format!(
            "{} {} {:>2} {:02}:{:02}:00 2017",
            self.weekday(),
            MONTHS[(self.month - 1) as usize],
            self.day,
            self.hour,
            self.min
        )
    }
    fn plus_minutes(&self, m: u32) -> When {
        let total = self.hour * 60 + self.min + m;
        When {
            hour: (total / 60) % 24,
            min: total % 60,
            ..*self
        }
    }
    /// Seconds since the epoch (the local time is +0200).
    fn unix(&self) -> i64 {
        let cum = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
        let doy = i64::from(cum[(self.month - 1) as usize] + self.day - 1);
        // 1 January 2017 is day 17167 since 1970-01-01.
        (17_167 + doy) * 86_400 + i64::from(self.hour * 3600 + self.min * 60) - 7200
    }
    fn id(&self) -> String {
        format!(
            "2017{:02}{:02}{:02}{:02}",
            self.month, self.day, self.hour, self.min
        )
    }
}

struct Mail<'a> {
    from: &'a Person,
    to: &'a Person,
    subject: &'a str,
    date: When,
    /// Date header when it differs from the real sending time (a plant).
    date_header: Option<When>,
    in_reply_to: Option<String>,
    body: Part,
}

fn message_id(from: &Person, when: When, n: u32) -> String {
    let domain = from.addr.split('@').nth(1).unwrap_or("horizon.example");
    format!("<{}.{n:04}@{domain}>", when.id())
}

impl Mail<'_> {
    fn id(&self) -> String {
        let n = self
            .subject
            .bytes()
            .fold(7u32, |a, b| a.wrapping_mul(31).wrapping_add(u32::from(b)))
            % 10_000;
        message_id(self.from, self.date, n)
    }

    fn bytes(&self) -> Vec<u8> {
        let mut h = String::new();
        let relay = self.date.plus_minutes(1);
        let mx = self.date.plus_minutes(2);
        let to_domain = self.to.addr.split('@').nth(1).unwrap_or("example");
        h.push_str(&format!(
            "Received: from relay.{d} (relay.{d} [192.0.2.25])\n\tby mx.{to_domain} with ESMTPS id {id}\n\tfor <{to}>; {date}\n",
            d = self.from.addr.split('@').nth(1).unwrap_or("example"),
            id = self.date.id(),
            to = self.to.addr,
            date = mx.rfc2822()
        ));
        h.push_str(&format!(
            "Received: from {host} ([198.51.100.7])\n\tby relay.{d} with ESMTPSA id {id}a;\n\t{date}\n",
            host = self.from.host,
            d = self.from.addr.split('@').nth(1).unwrap_or("example"),
            id = self.date.id(),
            date = relay.rfc2822()
        ));
        h.push_str(&format!(
            "From: {} <{}>\n",
            word(self.from.name),
            self.from.addr
        ));
        h.push_str(&format!("To: {} <{}>\n", word(self.to.name), self.to.addr));
        h.push_str(&format!("Subject: {}\n", word(self.subject)));
        // The printer's ERP clock runs three hours fast, in all its mail:
        // a habit, not a forgery.
        let mut date = self.date_header.unwrap_or(self.date);
        if self.from.addr == IMPRIMERIE.addr {
            date = date.plus_minutes(180);
        }
        h.push_str(&format!("Date: {}\n", date.rfc2822()));
        h.push_str(&format!("Message-ID: {}\n", self.id()));
        if let Some(r) = &self.in_reply_to {
            h.push_str(&format!("In-Reply-To: {r}\nReferences: {r}\n"));
        }
        h.push_str(self.from.mailer);
        h.push('\n');
        h.push_str("MIME-Version: 1.0\n");
        render(&self.body, &mut h);
        if !h.ends_with('\n') {
            h.push('\n');
        }
        h.into_bytes()
    }
}

// ---------------------------------------------------------------- DKIM

/// The campaign's DKIM signing key (Ed25519, RFC 8463), fixed so that the
/// samples are the same on every run. Its public half is written to
/// `samples/dkim-keys.txt`.
fn dkim_key() -> ed25519_dalek::SigningKey {
    ed25519_dalek::SigningKey::from_bytes(&[0x48; 32])
}

const DKIM_SELECTOR: &str = "mai2017";

fn dkim_record() -> String {
    use base64::Engine;
    let p = base64::engine::general_purpose::STANDARD.encode(dkim_key().verifying_key().to_bytes());
    format!("{DKIM_SELECTOR}._domainkey.horizon.example v=DKIM1; k=ed25519; p={p}\n")
}

fn relaxed_header(name: &str, value: &str) -> String {
    let v: String = value.replace(['\r', '\n'], "");
    let v = v
        .split([' ', '\t'])
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    format!("{}:{}", name.to_ascii_lowercase().trim_end(), v.trim())
}

/// Signs a message (LF line endings) as horizon.example's server would:
/// ed25519-sha256, relaxed/relaxed, over From, To, Subject, Date and
/// Message-ID. The DKIM-Signature header is put on top.
fn dkim_sign(msg: &[u8], when: When) -> Vec<u8> {
    use base64::Engine;
    use ed25519_dalek::Signer;
    use sha2::Digest;
    let text = String::from_utf8_lossy(msg).into_owned();
    let (head, body) = text.split_once("\n\n").unwrap_or((&text, ""));
    let mut fields: Vec<(String, String)> = Vec::new();
    for line in head.split('\n') {
        if line.starts_with([' ', '\t']) {
            if let Some(last) = fields.last_mut() {
                last.1.push_str("\r\n");
                last.1.push_str(line);
            }
        } else if let Some((n, v)) = line.split_once(':') {
            fields.push((n.to_string(), v.to_string()));
        }
    }
    // Relaxed body: trailing whitespace off each line, runs squeezed,
    // trailing empty lines dropped, CRLF endings.
    let mut lines: Vec<String> = body
        .split('\n')
        .map(|l| {
            l.split([' ', '\t'])
                .collect::<Vec<_>>()
                .join(" ")
                .trim_end()
                .to_string()
        })
        .collect();
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    let mut canon_body = String::new();
    for l in &lines {
        canon_body.push_str(l);
        canon_body.push_str("\r\n");
    }
    let b64 = base64::engine::general_purpose::STANDARD;
    let bh = b64.encode(sha2::Sha256::digest(canon_body.as_bytes()));
    let signed = ["from", "to", "subject", "date", "message-id"];
    let value = format!(
        " v=1; a=ed25519-sha256; c=relaxed/relaxed; d=horizon.example; s={DKIM_SELECTOR}; t={}; h={}; bh={bh}; b=",
        when.unix(),
        signed.join(":")
    );
    let mut data = String::new();
    for name in signed {
        if let Some((n, v)) = fields
            .iter()
            .rev()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
        {
            data.push_str(&relaxed_header(n, v));
            data.push_str("\r\n");
        }
    }
    data.push_str(&relaxed_header("DKIM-Signature", &value));
    let sig = dkim_key().sign(&sha2::Sha256::digest(data.as_bytes()));
    let mut out = format!("DKIM-Signature:{value}{}\n", b64.encode(sig.to_bytes())).into_bytes();
    out.extend_from_slice(msg);
    out
}

/// Replaces the first header line starting with `prefix` (a plant made
/// after the fact, e.g. by a forger editing a signed message).
fn edit_line(msg: &[u8], prefix: &str, new_line: &str) -> Vec<u8> {
    let text = String::from_utf8_lossy(msg);
    let mut out = String::new();
    let mut done = false;
    for line in text.split_inclusive('\n') {
        if !done && line.starts_with(prefix) {
            out.push_str(new_line);
            out.push('\n');
            done = true;
        } else {
            out.push_str(line);
        }
    }
    out.into_bytes()
}

// ---------------------------------------------------------------- documents

struct DocMeta<'a> {
    title: &'a str,
    creator: &'a str,
    last_modified_by: &'a str,
    created: &'a str,
    modified: &'a str,
    revision: u32,
    company: &'a str,
    total_time: u32,
    rsid_root: &'a str,
}

fn zip_bytes(files: &[(&str, Vec<u8>)], modified: (u16, u8, u8, u8, u8, u8)) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let (y, mo, d, h, mi, s) = modified;
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(
            zip::DateTime::from_date_and_time(y, mo, d, h, mi, s).expect("valid date"),
        );
    for (name, data) in files {
        z.start_file(*name, opts).expect("zip entry");
        z.write_all(data).expect("zip write");
    }
    z.finish().expect("zip finish").into_inner()
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn core_xml(m: &DocMeta<'_>) -> Vec<u8> {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>{}</dc:title><dc:creator>{}</dc:creator><cp:lastModifiedBy>{}</cp:lastModifiedBy><cp:revision>{}</cp:revision><dcterms:created xsi:type="dcterms:W3CDTF">{}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">{}</dcterms:modified></cp:coreProperties>"#,
        xml_escape(m.title),
        xml_escape(m.creator),
        xml_escape(m.last_modified_by),
        m.revision,
        m.created,
        m.modified
    )
    .into_bytes()
}

fn app_xml(app: &str, version: &str, m: &DocMeta<'_>) -> Vec<u8> {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>{app}</Application><AppVersion>{version}</AppVersion><Company>{}</Company><TotalTime>{}</TotalTime></Properties>"#,
        xml_escape(m.company),
        m.total_time
    )
    .into_bytes()
}

const RELS_ROOT: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="{main}"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/></Relationships>"#;

fn content_types(main_part: &str, main_type: &str, extra: &str) -> Vec<u8> {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>{extra}<Override PartName="/{main_part}" ContentType="{main_type}"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>"#
    )
    .into_bytes()
}

fn zip_time(iso: &str) -> (u16, u8, u8, u8, u8, u8) {
    let n = |a: usize, b: usize| iso[a..b].parse::<u16>().unwrap_or(1);
    (
        n(0, 4),
        n(5, 7) as u8,
        n(8, 10) as u8,
        n(11, 13) as u8,
        n(14, 16) as u8,
        n(17, 19) as u8,
    )
}

fn docx(m: &DocMeta<'_>, paragraphs: &[&str], macro_enabled: bool) -> Vec<u8> {
    let body: String = paragraphs
        .iter()
        .map(|p| {
            format!(
                "<w:p><w:r><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>",
                xml_escape(p)
            )
        })
        .collect();
    let doc = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
    );
    let settings = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:rsids><w:rsidRoot w:val="{r}"/><w:rsid w:val="{r}"/></w:rsids></w:settings>"#,
        r = m.rsid_root
    );
    let (main_type, extra) = if macro_enabled {
        (
            "application/vnd.ms-word.document.macroEnabled.main+xml",
            r#"<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>"#,
        )
    } else {
        (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
            "",
        )
    };
    let mut doc_rels = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>"#,
    );
    if macro_enabled {
        doc_rels.push_str(r#"<Relationship Id="rId2" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" Target="vbaProject.bin"/>"#);
    }
    doc_rels.push_str("</Relationships>");
    let mut files = vec![
        (
            "[Content_Types].xml",
            content_types("word/document.xml", main_type, extra),
        ),
        (
            "_rels/.rels",
            RELS_ROOT
                .replace("{main}", "word/document.xml")
                .into_bytes(),
        ),
        ("docProps/core.xml", core_xml(m)),
        (
            "docProps/app.xml",
            app_xml("Microsoft Office Word", "16.0000", m),
        ),
        ("word/document.xml", doc.into_bytes()),
        ("word/_rels/document.xml.rels", doc_rels.into_bytes()),
        ("word/settings.xml", settings.into_bytes()),
    ];
    if macro_enabled {
        // A stand-in for a VBA project: inert bytes, not a macro.
        files.push((
            "word/vbaProject.bin",
            b"leakcheck sample: inert stand-in for a VBA project".to_vec(),
        ));
    }
    zip_bytes(&files, zip_time(m.modified))
}

fn xlsx(m: &DocMeta<'_>, rows: &[(&str, &str)]) -> Vec<u8> {
    let cells: String = rows
        .iter()
        .enumerate()
        .map(|(i, (a, b))| {
            format!(
                r#"<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>{}</t></is></c><c r="B{r}" t="inlineStr"><is><t>{}</t></is></c></row>"#,
                xml_escape(a),
                xml_escape(b),
                r = i + 1
            )
        })
        .collect();
    let sheet = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{cells}</sheetData></worksheet>"#
    );
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
        ("docProps/core.xml", core_xml(m)),
        ("docProps/app.xml", app_xml("Microsoft Excel", "16.0300", m)),
        ("xl/workbook.xml", workbook.as_bytes().to_vec()),
        ("xl/_rels/workbook.xml.rels", wb_rels.as_bytes().to_vec()),
        ("xl/worksheets/sheet1.xml", sheet.into_bytes()),
    ];
    zip_bytes(&files, zip_time(m.modified))
}

/// A PDF string: literal for ASCII, UTF-16BE hex with a BOM otherwise.
fn pdf_str(s: &str) -> String {
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

struct PdfMeta<'a> {
    title: &'a str,
    author: &'a str,
    creator: &'a str,
    producer: &'a str,
    created: &'a str,
    /// XMP values; `None` writes no XMP packet.
    xmp_creator: Option<&'a str>,
    xmp_tool: Option<&'a str>,
}

/// A one-page PDF with an Info dictionary, an optional XMP packet and a
/// correct cross-reference table.
fn pdf(m: &PdfMeta<'_>, lines: &[&str]) -> Vec<u8> {
    let mut text = String::from("BT /F1 12 Tf 72 760 Td 16 TL\n");
    for l in lines {
        text.push_str(&format!("{} Tj T*\n", pdf_str(l)));
    }
    text.push_str("ET\n");
    let pdf_date = format!(
        "D:{}{}{}{}{}{}+02'00'",
        &m.created[0..4],
        &m.created[5..7],
        &m.created[8..10],
        &m.created[11..13],
        &m.created[14..16],
        &m.created[17..19]
    );
    let mut objects: Vec<String> = Vec::new();
    let has_xmp = m.xmp_creator.is_some();
    objects.push(format!(
        "<< /Type /Catalog /Pages 2 0 R{} >>",
        if has_xmp { " /Metadata 5 0 R" } else { "" }
    ));
    objects.push("<< /Type /Pages /Kids [3 0 R] /Count 1 >>".into());
    objects.push("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>".into());
    objects.push(format!(
        "<< /Length {} >>\nstream\n{text}endstream",
        text.len()
    ));
    let xmp = format!(
        r#"<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/"><dc:creator><rdf:Seq><rdf:li>{}</rdf:li></rdf:Seq></dc:creator><dc:title><rdf:Alt><rdf:li xml:lang="x-default">{}</rdf:li></rdf:Alt></dc:title><xmp:CreatorTool>{}</xmp:CreatorTool><xmp:CreateDate>{}+02:00</xmp:CreateDate><pdf:Producer>{}</pdf:Producer></rdf:Description></rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>"#,
        xml_escape(m.xmp_creator.unwrap_or("")),
        xml_escape(m.title),
        xml_escape(m.xmp_tool.unwrap_or(m.creator)),
        m.created,
        xml_escape(m.producer)
    );
    objects.push(if has_xmp {
        format!(
            "<< /Type /Metadata /Subtype /XML /Length {} >>\nstream\n{xmp}\nendstream",
            xmp.len() + 1
        )
    } else {
        "null".into()
    });
    objects.push(format!(
        "<< /Title {} /Author {} /Creator {} /Producer {} /CreationDate ({pdf_date}) /ModDate ({pdf_date}) >>",
        pdf_str(m.title),
        pdf_str(m.author),
        pdf_str(m.creator),
        pdf_str(m.producer)
    ));
    let mut out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    let id = blake3::hash(m.title.as_bytes()).to_hex();
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R /Info 6 0 R /ID [<{}> <{}>] >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1,
            &id[..32],
            &id[..32]
        )
        .as_bytes(),
    );
    out
}

/// Appends an incremental update to a PDF written by [`pdf`]: object 7
/// (`object`), and a new trailer whose /Info is `info` (an object number),
/// chained to the first by /Prev.
fn pdf_update(mut base: Vec<u8>, object: &str, info: u32) -> Vec<u8> {
    let text = String::from_utf8_lossy(&base).into_owned();
    let prev: usize = text
        .rsplit("startxref\n")
        .next()
        .and_then(|s| s.lines().next())
        .and_then(|s| s.trim().parse().ok())
        .expect("startxref");
    let id = text
        .split("/ID [<")
        .nth(1)
        .and_then(|s| s.split('>').next())
        .expect("trailer ID")
        .to_string();
    let offset = base.len();
    base.extend_from_slice(format!("7 0 obj\n{object}\nendobj\n").as_bytes());
    let xref = base.len();
    let second = blake3::hash(object.as_bytes()).to_hex();
    base.extend_from_slice(
        format!(
            "xref\n0 1\n0000000000 65535 f \n7 1\n{offset:010} 00000 n \ntrailer\n<< /Size 8 /Root 1 0 R /Info {info} 0 R /Prev {prev} /ID [<{id}> <{}>] >>\nstartxref\n{xref}\n%%EOF\n",
            &second[..32]
        )
        .as_bytes(),
    );
    base
}

/// A small solid-colour PNG.
fn png(rgb: [u8; 3]) -> Vec<u8> {
    let (w, h) = (16u32, 16u32);
    let mut raw = Vec::new();
    for _ in 0..h {
        // Filter type 0, then the row's pixels.
        raw.extend_from_slice(&[0]);
        raw.extend(rgb.repeat(w as usize));
    }
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(&raw).expect("zlib");
    let idat = z.finish().expect("zlib");
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut chunk = |kind: &[u8], data: &[u8]| {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        out.extend_from_slice(&crc.sum().to_be_bytes());
    };
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(b"IHDR", &ihdr);
    chunk(b"IDAT", &idat);
    chunk(b"IEND", &[]);
    out
}

fn tar_gz(files: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let gz = flate2::GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), flate2::Compression::default());
    let mut tar = tar::Builder::new(gz);
    tar.mode(tar::HeaderMode::Deterministic);
    for (name, data) in files {
        let mut h = tar::Header::new_ustar();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_mtime(1_493_000_000);
        h.set_cksum();
        tar.append_data(&mut h, name, &data[..]).expect("tar entry");
    }
    tar.into_inner().expect("tar").finish().expect("gzip")
}

fn mbox(messages: &[(&Person, When, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (from, when, msg) in messages {
        out.extend_from_slice(format!("From {} {}\n", from.addr, when.mbox()).as_bytes());
        for line in msg.split_inclusive(|&b| b == b'\n') {
            let n = line.iter().take_while(|&&b| b == b'>').count();
            if line[n..].starts_with(b"From ") {
                out.push(b'>');
            }
            out.extend_from_slice(line);
        }
        if !msg.ends_with(b"\n") {
            out.push(b'\n');
        }
        out.push(b'\n');
    }
    out
}

// ---------------------------------------------------------------- the dump

fn at(month: u32, day: u32, hour: u32, min: u32) -> When {
    When {
        month,
        day,
        hour,
        min,
    }
}

fn text(body: &str) -> Part {
    Part::Text {
        body: body.to_string(),
    }
}

fn with_files(body: &str, boundary: &str, files: Vec<Part>) -> Part {
    let mut parts = vec![text(body)];
    parts.extend(files);
    Part::Multi {
        subtype: "mixed",
        boundary: boundary.to_string(),
        parts,
    }
}

fn file(ctype: &str, name: &str, data: &[u8]) -> Part {
    Part::File {
        ctype: ctype.to_string(),
        name: name.to_string(),
        data: data.to_vec(),
    }
}

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A MAPI property value for a `.msg` file.
enum MapiVal {
    /// PtypString (UTF-16LE stream `…001F`).
    Text(String),
    /// PtypBinary (stream `…0102`).
    Bin(Vec<u8>),
    /// PtypInteger32.
    Int(i32),
    /// PtypTime, from seconds since 1970.
    Time(i64),
}

/// One storage of a `.msg`: its properties, attachments (by value) and
/// embedded messages.
struct MsgNode {
    props: Vec<(u16, MapiVal)>,
    /// (long file name, data) or an embedded message.
    attachments: Vec<(String, Result<Vec<u8>, MsgNode>)>,
}

/// Writes a `.msg` (MS-OXMSG) with the cfb crate: property stream (header
/// 32 bytes at the top, 24 in an embedded message, 8 in an attachment)
/// and one stream per variable-size property.
fn msg_bytes(root: &MsgNode, saved: i64) -> Vec<u8> {
    // cfb stamps new storages with the clock; the samples must not change.
    let stamp = std::time::UNIX_EPOCH + std::time::Duration::from_secs(saved as u64);
    let fixed_times = |cf: &mut cfb::CompoundFile<Cursor<Vec<u8>>>, path: &str| {
        cf.set_created_time(path, stamp).expect("set time");
        cf.set_modified_time(path, stamp).expect("set time");
    };
    fn props_stream(
        props: &[(u16, MapiVal)],
        header: Vec<u8>,
    ) -> (Vec<u8>, Vec<(String, Vec<u8>)>) {
        let mut fixed = header;
        let mut streams = Vec::new();
        for (id, v) in props {
            let (ty, value, stream): (u16, [u8; 8], Option<Vec<u8>>) = match v {
                MapiVal::Text(t) => {
                    let mut b: Vec<u8> = t.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
                    b.extend_from_slice(&[0, 0]);
                    let mut val = [0u8; 8];
                    val[..4].copy_from_slice(&(b.len() as u32).to_le_bytes());
                    b.truncate(b.len() - 2);
                    (0x001F, val, Some(b))
                }
                MapiVal::Bin(b) => {
                    let mut val = [0u8; 8];
                    val[..4].copy_from_slice(&(b.len() as u32).to_le_bytes());
                    (0x0102, val, Some(b.clone()))
                }
                MapiVal::Int(i) => {
                    let mut val = [0u8; 8];
                    val[..4].copy_from_slice(&i.to_le_bytes());
                    (0x0003, val, None)
                }
                MapiVal::Time(t) => (
                    (0x0040),
                    ((t + 11_644_473_600) * 10_000_000).to_le_bytes(),
                    None,
                ),
            };
            let tag = (u32::from(*id) << 16) | u32::from(ty);
            fixed.extend_from_slice(&tag.to_le_bytes());
            fixed.extend_from_slice(&6u32.to_le_bytes());
            fixed.extend_from_slice(&value);
            if let Some(b) = stream {
                streams.push((format!("__substg1.0_{tag:08X}"), b));
            }
        }
        (fixed, streams)
    }
    type Cfb = cfb::CompoundFile<Cursor<Vec<u8>>>;
    fn write_node(
        cf: &mut Cfb,
        dir: &str,
        node: &MsgNode,
        top: bool,
        fixed_times: &dyn Fn(&mut Cfb, &str),
    ) {
        let n = node.attachments.len() as u32;
        let mut header = vec![0u8; 8];
        header.extend_from_slice(&0u32.to_le_bytes()); // next recipient id
        header.extend_from_slice(&n.to_le_bytes()); // next attachment id
        header.extend_from_slice(&0u32.to_le_bytes()); // recipients
        header.extend_from_slice(&n.to_le_bytes()); // attachments
        if top {
            header.extend_from_slice(&[0u8; 8]);
        }
        let (fixed, streams) = props_stream(&node.props, header);
        let put = |cf: &mut cfb::CompoundFile<Cursor<Vec<u8>>>, path: String, data: &[u8]| {
            let mut s = cf.create_stream(&path).expect("create stream");
            s.write_all(data).expect("write stream");
        };
        put(cf, format!("{dir}/__properties_version1.0"), &fixed);
        for (name, data) in streams {
            put(cf, format!("{dir}/{name}"), &data);
        }
        for (i, (name, content)) in node.attachments.iter().enumerate() {
            let adir = format!("{dir}/__attach_version1.0_#{i:08X}");
            cf.create_storage(&adir).expect("attachment storage");
            fixed_times(cf, &adir);
            let mut props = vec![
                (0x3707, MapiVal::Text(name.clone())),
                (0x3001, MapiVal::Text(name.clone())),
            ];
            match content {
                Ok(data) => {
                    props.push((0x3705, MapiVal::Int(1)));
                    props.push((0x3701, MapiVal::Bin(data.clone())));
                }
                Err(_) => props.push((0x3705, MapiVal::Int(5))),
            }
            let (fixed, streams) = props_stream(&props, vec![0u8; 8]);
            put(cf, format!("{adir}/__properties_version1.0"), &fixed);
            for (sname, data) in streams {
                put(cf, format!("{adir}/{sname}"), &data);
            }
            if let Err(inner) = content {
                let mdir = format!("{adir}/__substg1.0_3701000D");
                cf.create_storage(&mdir).expect("embedded storage");
                fixed_times(cf, &mdir);
                write_node(cf, &mdir, inner, false, fixed_times);
            }
        }
    }
    let mut cf = cfb::CompoundFile::create(Cursor::new(Vec::new())).expect("create compound file");
    cf.create_storage("/__nameid_version1.0").expect("name map");
    fixed_times(&mut cf, "/__nameid_version1.0");
    write_node(&mut cf, "", root, true, &fixed_times);
    cf.flush().expect("flush");
    cf.into_inner().into_inner()
}

/// The properties Outlook sets when `mail` arrives, with the transport
/// headers as received; delivered two minutes after it was sent.
fn outlook_props(mail: &Mail<'_>, raw: &[u8], body: &str) -> Vec<(u16, MapiVal)> {
    let text = String::from_utf8_lossy(raw);
    let headers = text
        .split("\r\n\r\n")
        .next()
        .unwrap_or("")
        .replace("\r\n", "\n");
    let header = |name: &str| {
        headers
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{name}: ")))
            .unwrap_or("")
            .to_string()
    };
    let delivered = mail.date.plus_minutes(2).unix();
    vec![
        (0x001A, MapiVal::Text("IPM.Note".into())),
        (0x0037, MapiVal::Text(mail.subject.into())),
        (0x0039, MapiVal::Time(mail.date.unix())),
        (
            0x007D,
            MapiVal::Text(format!("{}\r\n\r\n", headers.replace('\n', "\r\n"))),
        ),
        (0x0C1A, MapiVal::Text(mail.from.name.into())),
        (0x0E04, MapiVal::Text(mail.to.name.into())),
        (0x0E06, MapiVal::Time(delivered)),
        (0x1000, MapiVal::Text(body.into())),
        (0x1035, MapiVal::Text(header("Message-ID"))),
        (0x3007, MapiVal::Time(delivered)),
        (0x3008, MapiVal::Time(delivered)),
        (0x5D01, MapiVal::Text(mail.from.addr.into())),
    ]
}

fn main() {
    let out: PathBuf = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| "samples".into());
    let dump = out.join("dump");
    if dump.exists() {
        std::fs::remove_dir_all(&dump).expect("remove old dump");
    }
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut truth: Vec<serde_json::Value> = Vec::new();

    // Documents, genuine.
    let programme_meta = DocMeta {
        title: "Programme — version de travail",
        creator: "Claire Dubois",
        last_modified_by: "Claire Dubois",
        created: "2017-02-20T08:30:00Z",
        modified: "2017-04-02T17:45:00Z",
        revision: 12,
        company: "Mouvement Horizon",
        total_time: 318,
        rsid_root: "00C41A2B",
    };
    let programme_text = [
        "Programme du Mouvement Horizon",
        "1. Transition énergétique : 50 % d'électricité renouvelable en 2030.",
        "2. Éducation : 10 000 postes d'enseignants supplémentaires.",
        "3. Europe : un budget de la zone euro voté par le Parlement.",
    ];
    let programme = docx(&programme_meta, &programme_text, false);
    let devis = pdf(
        &PdfMeta {
            title: "Devis 2017-041 — tracts et affiches",
            author: "Imprimerie du Centre",
            creator: "Sage 100c",
            producer: "Sage PDF Export 3.1",
            created: "2017-04-05T09:12:00",
            xmp_creator: None,
            xmp_tool: None,
        },
        &[
            "Imprimerie du Centre",
            "Devis 2017-041",
            "50 000 tracts A5 recto-verso : 2 150,00 EUR HT",
            "2 000 affiches 60x80 : 1 380,00 EUR HT",
        ],
    );
    let budget_meta = DocMeta {
        title: "Budget de campagne",
        creator: "Cédric Martin",
        last_modified_by: "Cédric Martin",
        created: "2015-11-03T14:00:00Z",
        modified: "2017-03-20T18:05:00Z",
        revision: 41,
        company: "Mouvement Horizon",
        total_time: 1260,
        rsid_root: "",
    };
    let budget = xlsx(
        &budget_meta,
        &[
            ("Poste", "Montant (EUR)"),
            ("Salles", "48 000"),
            ("Impression", "31 500"),
            ("Déplacements", "22 300"),
        ],
    );
    let logo = png([0x1f, 0x6f, 0xb5]);
    let photo = png([0xe0, 0x8a, 0x2c]);

    // --- mail/ : .eml files
    let m1 = Mail {
        from: &CLAIRE,
        to: &LEA,
        subject: "Programme — version de travail",
        date: at(4, 3, 9, 14),
        date_header: None,
        in_reply_to: None,
        body: with_files(
            "Léa,\n\nVoici la version de travail du programme, à ne pas diffuser avant le comité de jeudi.\n\nClaire\n",
            "=_horizon_b1",
            vec![file(DOCX, "programme.docx", &programme)],
        ),
    };
    files.insert("mail/2017-04-03-programme.eml".into(), m1.bytes());

    let m2 = Mail {
        from: &IMPRIMERIE,
        to: &CEDRIC,
        subject: "Devis 2017-041",
        date: at(4, 5, 9, 20),
        date_header: None,
        in_reply_to: None,
        body: with_files(
            "Bonjour Monsieur Martin,\n\nVeuillez trouver ci-joint notre devis pour les tracts et affiches.\n\nCordialement,\nService facturation\n",
            "=_imprimerie_41",
            vec![file("application/pdf", "devis-2017-041.pdf", &devis)],
        ),
    };
    files.insert("mail/2017-04-05-devis.eml".into(), m2.bytes());

    let m3 = Mail {
        from: &CEDRIC,
        to: &CLAIRE,
        subject: "TR: Devis 2017-041",
        date: at(4, 5, 11, 2),
        date_header: None,
        in_reply_to: Some(m2.id()),
        body: with_files(
            "Claire,\n\nLe devis de l'imprimerie, conforme au budget. Je valide ?\n\nCédric\n",
            "=_tresorerie_7",
            vec![file("application/pdf", "devis-2017-041.pdf", &devis)],
        ),
    };
    files.insert("mail/2017-04-05-tr-devis.eml".into(), m3.bytes());

    let m4 = Mail {
        from: &NADIA,
        to: &YOUSSEF,
        subject: "طلب مقابلة مع المرشحة",
        date: at(4, 10, 16, 40),
        date_header: None,
        in_reply_to: None,
        body: Part::Base64Text {
            body: "السيد العمراني،\n\nنود إجراء مقابلة مع المرشحة حول برنامجها الأوروبي قبل الجولة الأولى.\nهل يمكن تحديد موعد الأسبوع المقبل؟\n\nمع التحية،\nنادية حداد\n".into(),
        },
    };
    files.insert("mail/2017-04-10-demande-entretien.eml".into(), m4.bytes());

    let m5 = Mail {
        from: &YOUSSEF,
        to: &NADIA,
        subject: "RE: طلب مقابلة مع المرشحة",
        date: at(4, 11, 10, 5),
        date_header: None,
        in_reply_to: Some(m4.id()),
        body: text(
            "Madame Haddad,\n\nMerci pour votre demande. La candidate peut vous recevoir mardi 18 avril à 15 h.\nشكراً لاهتمامكم.\n\nYoussef El Amrani\n",
        ),
    };
    files.insert(
        "mail/2017-04-11-re-demande-entretien.eml".into(),
        m5.bytes(),
    );

    let m6 = Mail {
        from: &LEA,
        to: &CLAIRE,
        subject: "Revue de presse du 12 avril",
        date: at(4, 12, 8, 0),
        date_header: None,
        in_reply_to: None,
        body: Part::Latin1 {
            body: "Bonjour Claire,\n\nLa revue de presse : trois articles favorables, un éditorial sévère sur le volet européen.\nÀ suivre à la réunion de 10 h.\n\nLéa\n".into(),
        },
    };
    files.insert("mail/2017-04-12-revue-de-presse.eml".into(), m6.bytes());

    // PLANT 1: a macro-enabled Word file attached under a photo's name.
    let fake_receipt = docx(
        &DocMeta {
            title: "Reçu",
            creator: "user",
            last_modified_by: "user",
            created: "2017-04-13T07:00:00Z",
            modified: "2017-04-13T07:02:00Z",
            revision: 1,
            company: "",
            total_time: 2,
            rsid_root: "00F00BA4",
        },
        &["Activez les macros pour afficher le reçu."],
        true,
    );
    let m7 = Mail {
        from: &CEDRIC,
        to: &CLAIRE,
        subject: "Note de frais — reçu taxi",
        date: at(4, 13, 18, 30),
        date_header: None,
        in_reply_to: None,
        body: with_files(
            "Claire,\n\nLe reçu du taxi de lundi pour la note de frais.\n\nCédric\n",
            "=_tresorerie_9",
            vec![file("image/jpeg", "recu-taxi.jpg", &fake_receipt)],
        ),
    };
    files.insert("mail/2017-04-13-note-de-frais.eml".into(), m7.bytes());
    truth.push(json!({
        "path": "mail/2017-04-13-note-de-frais.eml!recu-taxi.jpg",
        "kind": "disguised-macro-document",
        "expected_rule": "type.mismatch",
        "expected_severity": "high",
        "issue": 2,
        "note": "A macro-enabled Word document (.docm structure) attached as recu-taxi.jpg with Content-Type image/jpeg."
    }));

    // PLANT 5: a PDF whose Info dictionary and XMP packet disagree.
    let virement = pdf(
        &PdfMeta {
            title: "Ordre de virement",
            author: "Cédric Martin",
            creator: "Microsoft Word 2016",
            producer: "Microsoft: Print To PDF",
            created: "2017-04-28T10:00:00",
            xmp_creator: Some("Georgy Roshka"),
            xmp_tool: Some("Adobe Acrobat Pro 11.0.19"),
        },
        &[
            "Ordre de virement",
            "Beneficiaire : Atlantic Consulting Ltd",
            "Montant : 250 000,00 EUR",
        ],
    );
    let m8 = Mail {
        from: &CEDRIC,
        to: &CLAIRE,
        subject: "Virement prestataire",
        date: at(4, 28, 10, 30),
        date_header: None,
        in_reply_to: None,
        body: with_files(
            "Claire,\n\nL'ordre de virement pour le prestataire, à signer.\n\nCédric\n",
            "=_tresorerie_12",
            vec![file("application/pdf", "justificatif.pdf", &virement)],
        ),
    };
    files.insert("mail/2017-04-28-virement.eml".into(), m8.bytes());
    truth.push(json!({
        "path": "mail/2017-04-28-virement.eml!justificatif.pdf",
        "kind": "pdf-info-xmp-mismatch",
        "expected_rule": "pdf.info_xmp_disagree",
        "issue": 4,
        "note": "Info /Author 'Cédric Martin' and /Creator 'Microsoft Word 2016' disagree with XMP dc:creator 'Georgy Roshka' and xmp:CreatorTool 'Adobe Acrobat Pro'."
    }));

    // PLANT 6: an altered copy of the programme under the same file name.
    let altered = docx(
        &DocMeta {
            last_modified_by: "Admin",
            modified: "2017-05-02T20:51:00Z",
            revision: 13,
            total_time: 321,
            ..programme_meta
        },
        &[
            programme_text[0],
            programme_text[1],
            "2. Éducation : suppression de 10 000 postes d'enseignants.",
            programme_text[3],
        ],
        false,
    );
    let m9 = Mail {
        from: &CLAIRE,
        to: &LEA,
        subject: "Programme — version finale",
        date: at(5, 2, 23, 10),
        date_header: None,
        in_reply_to: None,
        body: with_files(
            "Léa,\n\nVersion finale du programme.\n\nClaire\n",
            "=_horizon_b9",
            vec![file(DOCX, "programme.docx", &altered)],
        ),
    };
    files.insert("mail/2017-05-02-programme-finale.eml".into(), m9.bytes());
    truth.push(json!({
        "path": "mail/2017-05-02-programme-finale.eml!programme.docx",
        "related": ["mail/2017-04-03-programme.eml!programme.docx"],
        "kind": "altered-near-duplicate",
        "expected_rule": "doc.near_duplicate",
        "issue": 4,
        "note": "Same file name and rsidRoot as the genuine programme, one paragraph reversed, last edited by 'Admin' late at night."
    }));

    // PLANT 16: a statement attached on 7 April that says it was saved on 24 April.
    let releve = xlsx(
        &DocMeta {
            title: "Relevé de compte — mars 2017",
            creator: "Cédric Martin",
            last_modified_by: "Cédric Martin",
            created: "2017-04-03T08:00:00Z",
            modified: "2017-04-24T16:20:00Z",
            revision: 3,
            company: "Mouvement Horizon",
            total_time: 25,
            rsid_root: "",
        },
        &[
            ("Date", "Montant (EUR)"),
            ("02/03 Salle Lyon", "-4 800"),
            ("15/03 Dons en ligne", "+12 350"),
        ],
    );
    let m10 = Mail {
        from: &CEDRIC,
        to: &CLAIRE,
        subject: "Relevé de mars",
        date: at(4, 7, 10, 0),
        date_header: None,
        in_reply_to: None,
        body: with_files(
            "Claire,\n\nLe relevé de mars, comme convenu.\n\nCédric\n",
            "=_tresorerie_7",
            vec![file(XLSX, "releve-banque-mars.xlsx", &releve)],
        ),
    };
    files.insert("mail/2017-04-07-releve.eml".into(), m10.bytes());
    truth.push(json!({
        "path": "mail/2017-04-07-releve.eml!releve-banque-mars.xlsx",
        "kind": "attachment-edited-after-sending",
        "expected_rule": "doc.modified_after_sent",
        "issue": 4,
        "note": "Attached to a message sent on 7 April 2017, but its properties say it was last saved on 24 April 2017."
    }));

    // PLANT 17: a receipt re-edited by incremental update: the update gives
    // the Info dictionary another author and producer, the XMP keeps the
    // original's.
    let recu_meta = PdfMeta {
        title: "Reçu de don 2017-118",
        author: "Youssef El Amrani",
        creator: "Microsoft Word 2016",
        producer: "Microsoft Word 2016",
        created: "2017-04-20T11:05:00",
        xmp_creator: Some("Youssef El Amrani"),
        xmp_tool: Some("Microsoft Word 2016"),
    };
    let recu = pdf_update(
        pdf(
            &recu_meta,
            &[
                "Reçu de don 2017-118",
                "Donateur : M. Alain Perrin",
                "Montant : 7 500,00 EUR",
            ],
        ),
        "<< /Title (Re\\347u de don 2017-118) /Author (Comptabilit\\351) /Creator (Microsoft Word 2016) /Producer (PDF-XChange Editor 7.0.326) /CreationDate (D:20170420110500+02'00') /ModDate (D:20170503214000+02'00') >>",
        7,
    );
    // A signed membership form: updated once to add the signature, the
    // Info dictionary untouched (genuine).
    let adhesion_meta = PdfMeta {
        title: "Bulletin d'adhésion",
        author: "Léa Bernard",
        creator: "LibreOffice 5.3",
        producer: "LibreOffice 5.3",
        created: "2017-04-10T09:00:00",
        xmp_creator: Some("Léa Bernard"),
        xmp_tool: Some("LibreOffice 5.3"),
    };
    let adhesion = pdf_update(
        pdf(
            &adhesion_meta,
            &[
                "Bulletin d'adhésion au Mouvement Horizon",
                "Nom : Perrin    Prénom : Alain",
                "Cotisation annuelle : 30 EUR",
            ],
        ),
        "<< /Type /Annot /Subtype /Widget /FT /Sig /T (Signature1) /Rect [72 100 272 140] >>",
        6,
    );
    let m11 = Mail {
        from: &YOUSSEF,
        to: &CEDRIC,
        subject: "Reçu de don et adhésion — M. Perrin",
        date: at(4, 20, 14, 30),
        date_header: None,
        in_reply_to: None,
        body: with_files(
            "Cédric,\n\nLe reçu du don de M. Perrin et son bulletin d'adhésion signé.\n\nYoussef\n",
            "=_youssef_4",
            vec![
                file("application/pdf", "recu-don-2017-118.pdf", &recu),
                file("application/pdf", "bulletin-adhesion-signe.pdf", &adhesion),
            ],
        ),
    };
    files.insert("mail/2017-04-20-recu-don.eml".into(), m11.bytes());
    truth.push(json!({
        "path": "mail/2017-04-20-recu-don.eml!recu-don-2017-118.pdf",
        "kind": "pdf-edited-by-incremental-update",
        "expected_rule": "pdf.incremental_update",
        "issue": 4,
        "note": "Written by Word for Youssef El Amrani, then updated in place with PDF-XChange Editor: the new Info dictionary names another author and producer, the XMP packet still names the original ones."
    }));

    // An interview brief written by the journalist who asked for the
    // interview (her name is in Arabic script, like her mail): genuine.
    let questions = docx(
        &DocMeta {
            title: "أسئلة المقابلة",
            creator: "نادية حداد",
            last_modified_by: "نادية حداد",
            created: "2017-04-11T07:40:00Z",
            modified: "2017-04-11T08:55:00Z",
            revision: 5,
            company: "Sahafa",
            total_time: 70,
            rsid_root: "004A1B2C",
        },
        &[
            "أسئلة المقابلة مع المرشحة",
            "ما هي أولوياتك في مجال التعليم؟",
            "كيف ستمول برنامجك الاقتصادي؟",
        ],
        false,
    );
    let m12 = Mail {
        from: &NADIA,
        to: &LEA,
        subject: "أسئلة المقابلة",
        date: at(4, 11, 11, 30),
        date_header: None,
        in_reply_to: None,
        body: with_files(
            "السيدة برنار،\n\nتجدين مرفقا أسئلة المقابلة.\n\nنادية\n",
            "=_sahafa_2",
            vec![file(DOCX, "questions-entretien.docx", &questions)],
        ),
    };
    files.insert(
        "mail/2017-04-11-questions-entretien.eml".into(),
        m12.bytes(),
    );

    // --- mailboxes/
    let e1 = Mail {
        from: &LEA,
        to: &CLAIRE,
        subject: "Communiqué — meeting de Lyon",
        date: at(4, 14, 14, 0),
        date_header: None,
        in_reply_to: None,
        body: with_files(
            "Claire,\n\nLe communiqué pour le meeting de Lyon, et la photo retenue.\n\nLéa\n",
            "=_lea_1",
            vec![file("image/png", "photo-lyon.png", &photo)],
        ),
    };
    let e2 = Mail {
        from: &CLAIRE,
        to: &LEA,
        subject: "RE: Communiqué — meeting de Lyon",
        date: at(4, 14, 15, 12),
        date_header: None,
        in_reply_to: Some(e1.id()),
        body: text(
            "Parfait, on envoie.\nFrom now on, les communiqués passent par toi.\n\nClaire\n",
        ),
    };
    let e3 = Mail {
        from: &CEDRIC,
        to: &CLAIRE,
        subject: "Budget à jour",
        date: at(4, 18, 19, 40),
        date_header: None,
        in_reply_to: None,
        body: with_files(
            "Claire,\n\nLe budget à jour après les devis d'avril.\n\nCédric\n",
            "=_tresorerie_15",
            vec![file(XLSX, "budget-campagne.xlsx", &budget)],
        ),
    };
    // A forwarded message, attached whole.
    let e4 = Mail {
        from: &CLAIRE,
        to: &CEDRIC,
        subject: "TR: Revue de presse du 12 avril",
        date: at(4, 19, 9, 30),
        date_header: None,
        in_reply_to: None,
        body: Part::Multi {
            subtype: "mixed",
            boundary: "=_horizon_fwd".into(),
            parts: vec![
                text("Cédric, pour info.\n\nClaire\n"),
                Part::Message { data: m6.bytes() },
            ],
        },
    };
    // PLANT 3: the Date header is two weeks after the message's own Received hops.
    let e5 = Mail {
        from: &YOUSSEF,
        to: &CLAIRE,
        subject: "Financement — contact à Chypre",
        date: at(4, 20, 10, 0),
        date_header: Some(at(5, 4, 22, 47)),
        in_reply_to: None,
        body: text(
            "Claire,\n\nLe contact à Chypre confirme le transfert dont nous avons parlé.\n\nYoussef\n",
        ),
    };
    let e6 = Mail {
        from: &LEA,
        to: &CLAIRE,
        subject: "Planning de la semaine",
        date: at(4, 24, 8, 15),
        date_header: None,
        in_reply_to: None,
        body: text(
            "Bonjour,\n\nLundi : Lille. Mercredi : Marseille. Vendredi : plateau télé.\n\nLéa\n",
        ),
    };
    // PLANT 4: a reply dated before the message it answers (e8).
    let e8 = Mail {
        from: &CLAIRE,
        to: &YOUSSEF,
        subject: "Question sur les dons",
        date: at(4, 26, 17, 0),
        date_header: None,
        in_reply_to: None,
        body: text(
            "Youssef,\n\nPeux-tu me confirmer que tous les dons de plus de 150 EUR ont un reçu ?\n\nClaire\n",
        ),
    };
    let e7 = Mail {
        from: &YOUSSEF,
        to: &CLAIRE,
        subject: "RE: Question sur les dons",
        date: at(4, 25, 9, 0),
        date_header: None,
        in_reply_to: Some(e8.id()),
        body: text(
            "Claire,\n\nNon : une partie des dons est passée en espèces, sans reçu.\n\nYoussef\n",
        ),
    };
    let equipe = mbox(&[
        (&LEA, e1.date, e1.bytes()),
        (&CLAIRE, e2.date, e2.bytes()),
        (&CEDRIC, e3.date, e3.bytes()),
        (&CLAIRE, e4.date, e4.bytes()),
        (&YOUSSEF, e5.date, e5.bytes()),
        (&LEA, e6.date, e6.bytes()),
        (&YOUSSEF, e7.date, e7.bytes()),
        (&CLAIRE, e8.date, e8.bytes()),
    ]);
    files.insert("mailboxes/equipe.mbox".into(), equipe);
    truth.push(json!({
        "path": "mailboxes/equipe.mbox!5",
        "kind": "date-after-received",
        "expected_rule": "date.after_received",
        "issue": 3,
        "note": "Date header 4 May 2017 22:47, Received hops 20 April 2017 10:01-10:02: the Date was rewritten."
    }));
    truth.push(json!({
        "path": "mailboxes/equipe.mbox!7",
        "related": ["mailboxes/equipe.mbox!8"],
        "kind": "reply-before-parent",
        "expected_rule": "thread.reply_before_parent",
        "issue": 3,
        "note": "In-Reply-To points to mailboxes/equipe.mbox!8, which is dated a day and eight hours after the reply."
    }));

    // The same messages also in the press officer's mailbox (genuine: copies).
    let presse = mbox(&[
        (&CLAIRE, m1.date, m1.bytes()),
        (&LEA, e1.date, e1.bytes()),
        (&CLAIRE, e2.date, e2.bytes()),
        (&LEA, e6.date, e6.bytes()),
    ]);
    files.insert("mailboxes/presse.mbox".into(), presse);

    // Routine March traffic: the bulk of genuine mail that habits are learnt from.
    let mut routine = Vec::new();
    let topics = [
        (
            &LEA,
            &CLAIRE,
            "Agenda de la semaine",
            "Lundi : équipe. Mardi : radio à 8 h. Jeudi : déplacement à Nantes.",
        ),
        (
            &CEDRIC,
            &CLAIRE,
            "Point trésorerie",
            "Solde au 1er mars : 412 000 EUR. Dons du mois : 38 500 EUR.",
        ),
        (
            &CLAIRE,
            &LEA,
            "Éléments de langage",
            "Sur l'Europe : insister sur le budget de la zone euro.",
        ),
        (
            &YOUSSEF,
            &CLAIRE,
            "Réunion associations",
            "Douze associations confirmées pour samedi à Saint-Denis.",
        ),
        (
            &LEA,
            &YOUSSEF,
            "Traduction du tract",
            "Peux-tu relire la version arabe du tract ? Merci.",
        ),
        (
            &YOUSSEF,
            &LEA,
            "RE: Traduction du tract",
            "Relu : deux corrections, le reste est bon. الترجمة جيدة.",
        ),
        (
            &CEDRIC,
            &IMPRIMERIE,
            "Commande de mars",
            "Merci de lancer la commande 2017-032 aux conditions du devis.",
        ),
        (
            &IMPRIMERIE,
            &CEDRIC,
            "RE: Commande de mars",
            "Commande 2017-032 lancée, livraison le 20 mars.",
        ),
        (
            &CLAIRE,
            &CEDRIC,
            "Plafond des dépenses",
            "Rappel : nous sommes à 61 % du plafond légal.",
        ),
        (
            &LEA,
            &CLAIRE,
            "Demandes d'interview",
            "Trois demandes : France Inter, Le Monde, une radio locale.",
        ),
        (
            &CEDRIC,
            &CLAIRE,
            "Reçus des dons",
            "Tous les reçus de février sont partis.",
        ),
        (
            &CLAIRE,
            &YOUSSEF,
            "Meeting de Saint-Denis",
            "Merci pour samedi, très belle salle.",
        ),
    ];
    for (i, (from, to, subject, line)) in topics.iter().enumerate() {
        let day = 1 + (i as u32) * 2;
        let when = at(3, day, 9 + (i as u32 % 8), (i as u32 * 7) % 60);
        let body = if i == 2 {
            Part::Multi {
                subtype: "alternative",
                boundary: "=_horizon_alt".into(),
                parts: vec![
                    text(&format!("{line}\n\nClaire\n")),
                    Part::Html {
                        body: format!("<html><body><p>{line}</p><p>Claire</p></body></html>\n"),
                    },
                ],
            }
        } else {
            text(&format!("Bonjour,\n\n{line}\n\n{}\n", from.name))
        };
        let m = Mail {
            from,
            to,
            subject,
            date: when,
            date_header: None,
            in_reply_to: None,
            body,
        };
        routine.push((*from, when, m.bytes()));
    }
    files.insert("mailboxes/mars-2017.mbox".into(), mbox(&routine));

    // April traffic of the campaign team, signed by horizon.example's
    // server (DKIM): threads of requests and replies, every parent kept.
    // Each person's program writes its own MIME boundaries.
    let april_topics = [
        "Salle de Bordeaux",
        "Tract santé",
        "Bénévoles du week-end",
        "Affiches",
        "Budget déplacements",
        "Presse régionale",
        "Sondage interne",
        "Meeting de Lille",
        "Dons en ligne",
        "Plateau télé",
        "Transport des militants",
        "Réseaux sociaux",
        "Agenda de mai",
        "Tribune",
        "Logistique",
        "Comptes de campagne",
        "Permanence",
        "Porte-à-porte",
    ];
    let team: [(&Person, &str); 4] = [
        (&CLAIRE, "Apple-Mail=_"),
        (&CEDRIC, "=_tresorerie_"),
        (&LEA, "------------"),
        (&YOUSSEF, "=_pole_assoc_"),
    ];
    let tag = |person: &Person| {
        team.iter()
            .find(|(p, _)| p.addr == person.addr)
            .map(|(_, t)| *t)
            .unwrap_or("=_")
    };
    let mut april: Vec<(&Person, When, Vec<u8>)> = Vec::new();
    let mut april_ids = Vec::new();
    for (i, topic) in april_topics.iter().enumerate() {
        let i = i as u32;
        let (asker, _) = team[(i % 4) as usize];
        let (answerer, _) = team[((i + 1) % 4) as usize];
        let when = at(4, 1 + i, 9 + i % 5, (i * 11) % 50);
        let ask = Mail {
            from: asker,
            to: answerer,
            subject: topic,
            date: when,
            date_header: None,
            in_reply_to: None,
            body: Part::Multi {
                subtype: "alternative",
                boundary: format!("{}{:04}", tag(asker), 100 + i),
                parts: vec![
                    text(&format!(
                        "Bonjour,\n\nOù en est-on : {topic} ?\n\n{}\n",
                        asker.name
                    )),
                    Part::Html {
                        body: format!("<p>Où en est-on : {topic} ?</p><p>{}</p>\n", asker.name),
                    },
                ],
            },
        };
        let reply_when = when.plus_minutes(95);
        let reply_subject = format!("RE: {topic}");
        let reply = Mail {
            from: answerer,
            to: asker,
            subject: &reply_subject,
            date: reply_when,
            date_header: None,
            in_reply_to: Some(ask.id()),
            body: Part::Multi {
                subtype: "alternative",
                boundary: format!("{}{:04}", tag(answerer), 500 + i),
                parts: vec![
                    text(&format!(
                        "C'est en cours, je m'en occupe.\n\n{}\n",
                        answerer.name
                    )),
                    Part::Html {
                        body: format!(
                            "<p>C'est en cours, je m'en occupe.</p><p>{}</p>\n",
                            answerer.name
                        ),
                    },
                ],
            },
        };
        april_ids.push(ask.id());
        april.push((asker, when, dkim_sign(&ask.bytes(), when)));
        april.push((answerer, reply_when, dkim_sign(&reply.bytes(), reply_when)));
    }
    // Two more orders to the printer, whose clock runs fast (benign).
    for (k, day) in [(1u32, 19u32), (2, 21)] {
        let when = at(4, day, 14, 5);
        let order_subject = format!("Commande d'avril n°{k}");
        let order = Mail {
            from: &IMPRIMERIE,
            to: &CEDRIC,
            subject: &order_subject,
            date: when,
            date_header: None,
            in_reply_to: None,
            body: text("Bonjour,\n\nVotre commande est prête.\n\nImprimerie du Centre\n"),
        };
        april.push((&IMPRIMERIE, when, order.bytes()));
    }
    // A message to the team's mailing list: signed by horizon.example, then
    // the list added a subject tag, a footer and its headers (benign: the
    // signature breaks innocently).
    let list_when = at(4, 27, 11, 30);
    let list_msg = Mail {
        from: &CLAIRE,
        to: &LEA,
        subject: "Consignes pour le débat",
        date: list_when,
        date_header: None,
        in_reply_to: None,
        body: text("Bonjour à tous,\n\nPas de déclaration à la presse avant le débat.\n\nClaire\n"),
    };
    let signed = dkim_sign(&list_msg.bytes(), list_when);
    let mut listed = String::from_utf8_lossy(&signed).into_owned();
    listed = listed.replacen(
        "\nSubject: ",
        "\nList-Id: Equipe Horizon <equipe.listes.horizon.example>\nList-Post: <mailto:equipe@listes.horizon.example>\nSubject: [equipe] ",
        1,
    );
    listed.push_str("\n-- \nListe equipe@listes.horizon.example\n");
    april.push((&CLAIRE, list_when, listed.into_bytes()));

    // PLANT 7: a signed message whose body was edited after signing.
    let p7_when = at(4, 21, 16, 20);
    let p7 = Mail {
        from: &CEDRIC,
        to: &CLAIRE,
        subject: "Virement association",
        date: p7_when,
        date_header: None,
        in_reply_to: None,
        body: Part::Multi {
            subtype: "alternative",
            boundary: "=_tresorerie_0900".into(),
            parts: vec![
                text("Claire,\n\nLe virement de 1 500 EUR à l'association est fait.\n\nCédric\n"),
                Part::Html {
                    body: "<p>Le virement de 1 500 EUR à l'association est fait.</p>\n".into(),
                },
            ],
        },
    };
    let p7_bytes = String::from_utf8_lossy(&dkim_sign(&p7.bytes(), p7_when))
        .replace("1 500 EUR", "150 000 EUR")
        .into_bytes();
    files.insert("mail/2017-04-21-virement-association.eml".into(), p7_bytes);
    truth.push(json!({
        "path": "mail/2017-04-21-virement-association.eml",
        "kind": "dkim-body-altered",
        "expected_rule": "dkim.body_changed",
        "issue": 3,
        "note": "Signed by horizon.example; the amount in the body was changed from 1 500 to 150 000 EUR afterwards."
    }));

    // PLANT 8: a signed message whose Subject was edited after signing.
    let p8_when = at(4, 22, 10, 5);
    let p8 = Mail {
        from: &YOUSSEF,
        to: &LEA,
        subject: "Réunion de quartier",
        date: p8_when,
        date_header: None,
        in_reply_to: None,
        body: text("Léa,\n\nLa réunion est confirmée pour jeudi.\n\nYoussef\n"),
    };
    let p8_bytes = edit_line(
        &dkim_sign(&p8.bytes(), p8_when),
        "Subject:",
        "Subject: Réunion avec le financier de Chypre",
    );
    files.insert("mail/2017-04-22-reunion.eml".into(), p8_bytes);
    truth.push(json!({
        "path": "mail/2017-04-22-reunion.eml",
        "kind": "dkim-header-altered",
        "expected_rule": "dkim.headers_changed",
        "issue": 3,
        "note": "Signed by horizon.example; the Subject was rewritten afterwards."
    }));

    // PLANT 9: Received hops that run backwards (forged relay line).
    let p9_when = at(4, 12, 15, 0);
    let p9 = Mail {
        from: &LEA,
        to: &CLAIRE,
        subject: "Invitations presse",
        date: p9_when,
        date_header: None,
        in_reply_to: None,
        body: text("Claire,\n\nLes invitations presse sont parties.\n\nLéa\n"),
    };
    let p9_bytes = String::from_utf8_lossy(&p9.bytes())
        .replacen(
            &p9_when.plus_minutes(1).rfc2822(),
            &p9_when.plus_minutes(6 * 60 + 1).rfc2822(),
            1,
        )
        .into_bytes();
    april.push((&LEA, p9_when, p9_bytes));

    // PLANT 10: a Date with a time zone that exists nowhere.
    let p10_when = at(4, 13, 10, 40);
    let p10 = Mail {
        from: &CLAIRE,
        to: &CEDRIC,
        subject: "Facture du traiteur",
        date: p10_when,
        date_header: None,
        in_reply_to: None,
        body: text("Cédric,\n\nPeux-tu régler la facture du traiteur ?\n\nClaire\n"),
    };
    let p10_bytes = edit_line(
        &p10.bytes(),
        "Date:",
        &format!("Date: {}", p10_when.rfc2822().replace("+0200", "+2600")),
    );
    april.push((&CLAIRE, p10_when, p10_bytes));

    // PLANT 11: a message made from a genuine one, keeping its Message-ID.
    let p11_when = at(4, 3, 9, 11);
    let p11_src = Mail {
        from: team[2].0,
        to: team[3].0,
        subject: april_topics[2],
        date: at(4, 3, 11, 22),
        date_header: None,
        in_reply_to: None,
        body: text(
            "Youssef,\n\nMerci de virer 20 000 EUR en espèces au contact de Chypre.\n\nLéa\n",
        ),
    };
    let p11_bytes = edit_line(
        &p11_src.bytes(),
        "Message-ID:",
        &format!("Message-ID: {}", april_ids[2]),
    );
    april.push((&LEA, p11_when, p11_bytes));

    // PLANT 12: dated months after the dump's last activity.
    let p12_when = at(8, 21, 10, 0);
    let p12 = Mail {
        from: &YOUSSEF,
        to: &CLAIRE,
        subject: "Rappel : la somme promise",
        date: p12_when,
        date_header: None,
        in_reply_to: None,
        body: text("Claire,\n\nLe contact attend toujours la somme promise.\n\nYoussef\n"),
    };
    april.push((&YOUSSEF, p12_when, p12.bytes()));

    // PLANT 13: "from" the treasurer, but not written with his program.
    let p13_when = at(4, 25, 21, 50);
    let p13 = Mail {
        from: &CEDRIC,
        to: &LEA,
        subject: "Comptes à détruire",
        date: p13_when,
        date_header: None,
        in_reply_to: None,
        body: Part::Multi {
            subtype: "alternative",
            boundary: "b1_6f8e2c4a9d0b7e3f5a1c".into(),
            parts: vec![
                text("Léa,\n\nIl faut détruire les comptes de mars avant le contrôle.\n\nCédric\n"),
                Part::Html {
                    body: "<p>Il faut détruire les comptes de mars avant le contrôle.</p>\n".into(),
                },
            ],
        },
    };
    let p13_bytes = edit_line(
        &edit_line(
            &p13.bytes(),
            "X-Mailer:",
            "X-Mailer: PHPMailer 5.2.9 (https://github.com/PHPMailer/PHPMailer)",
        ),
        "Message-ID:",
        "Message-ID: <a3f9c1e07b2d45e8@mail.protonmail.example>",
    );
    april.push((&CEDRIC, p13_when, p13_bytes));

    // PLANT 14: a reply to a message nobody has, where every other reply's
    // parent is in the dump.
    let p14_when = at(4, 26, 18, 30);
    let p14 = Mail {
        from: &YOUSSEF,
        to: &CEDRIC,
        subject: "RE: Espèces",
        date: p14_when,
        date_header: None,
        in_reply_to: Some("<201704251702.7731@horizon.example>".into()),
        body: text("Cédric,\n\nD'accord, je passe les prendre ce soir.\n\nYoussef\n"),
    };
    april.push((&YOUSSEF, p14_when, p14.bytes()));

    let april_mbox = mbox(&april);
    files.insert("mailboxes/avril-2017.mbox".into(), april_mbox);
    let index_of = |marker: &str| -> usize {
        april
            .iter()
            .position(|(_, _, b)| String::from_utf8_lossy(b).contains(marker))
            .map(|i| i + 1)
            .expect("planted message present")
    };
    for (marker, kind, rule, note) in [
        (
            "Invitations presse",
            "received-out-of-order",
            "received.out_of_order",
            "The relay hop says it received the message six hours after the next server did.",
        ),
        (
            "Facture du traiteur",
            "impossible-time-zone",
            "date.impossible_zone",
            "Date header with the offset +2600.",
        ),
        (
            "20 000 EUR",
            "message-id-reused",
            "message_id.reused",
            "Carries the Message-ID of a genuine message of this mailbox (Bénévoles du week-end), with another body.",
        ),
        (
            "la somme promise",
            "outside-time-window",
            "time.outside_window",
            "Dated 21 August 2017, months after the dump's last activity (mid-May 2017).",
        ),
        (
            "détruire les comptes",
            "sender-habit-mismatch",
            "habit.sender_mismatch",
            "From the treasurer, but with another mail program, Message-ID and boundary style than all his other mail.",
        ),
        (
            "je passe les prendre",
            "missing-parent",
            "thread.missing_parent",
            "Replies to a Message-ID found nowhere, where every other reply's parent is in the dump.",
        ),
    ] {
        truth.push(json!({
            "path": format!("mailboxes/avril-2017.mbox!{}", index_of(marker)),
            "kind": kind,
            "expected_rule": rule,
            "issue": 3,
            "note": note
        }));
    }
    std::fs::write(out.join("dkim-keys.txt"), dkim_record()).expect("write DKIM keys");

    // --- outlook/ : messages saved from Outlook (.msg)
    // A genuine one, with a picture and the message it answers embedded.
    let o1_prev = Mail {
        from: &LEA,
        to: &CLAIRE,
        subject: "Point presse jeudi ?",
        date: at(4, 18, 8, 30),
        date_header: None,
        in_reply_to: None,
        body: text("Claire,\n\nOn maintient le point presse jeudi ?\n\nLéa\n"),
    };
    let o1 = Mail {
        from: &CLAIRE,
        to: &LEA,
        subject: "RE: Point presse jeudi ?",
        date: at(4, 18, 9, 5),
        date_header: None,
        in_reply_to: None,
        body: text("Léa,\n\nOui, jeudi 11 h, avec le nouveau logo.\n\nClaire\n"),
    };
    let o1_prev_raw = dkim_sign(&o1_prev.bytes(), o1_prev.date);
    let o1_raw = dkim_sign(&o1.bytes(), o1.date);
    let o1_msg = msg_bytes(
        &MsgNode {
            props: outlook_props(
                &o1,
                &o1_raw,
                "Léa,\n\nOui, jeudi 11 h, avec le nouveau logo.\n\nClaire\n",
            ),
            attachments: vec![
                ("logo.png".into(), Ok(logo.clone())),
                (
                    "Point presse jeudi ?".into(),
                    Err(MsgNode {
                        props: outlook_props(
                            &o1_prev,
                            &o1_prev_raw,
                            "Claire,\n\nOn maintient le point presse jeudi ?\n\nLéa\n",
                        ),
                        attachments: vec![],
                    }),
                ),
            ],
        },
        o1.date.plus_minutes(2).unix(),
    );
    files.insert("outlook/2017-04-18-point-presse.msg".into(), o1_msg);

    // PLANT 15: a .msg whose displayed subject and text were edited with a
    // MAPI property editor; the transport headers still say what was sent.
    let o2 = Mail {
        from: &CEDRIC,
        to: &YOUSSEF,
        subject: "Ordre du jour du comité",
        date: at(4, 19, 17, 45),
        date_header: None,
        in_reply_to: None,
        body: text("Youssef,\n\nVoici l'ordre du jour du comité de vendredi.\n\nCédric\n"),
    };
    let o2_raw = dkim_sign(&o2.bytes(), o2.date);
    let mut o2_props = outlook_props(&o2, &o2_raw, "");
    for (id, v) in o2_props.iter_mut() {
        match *id {
            0x0037 => *v = MapiVal::Text("Ordre de virement — 45 000 EUR".into()),
            0x1000 => {
                *v = MapiVal::Text(
                    "Youssef,\n\nMerci d'exécuter le virement de 45 000 EUR vers Chypre avant vendredi.\n\nCédric\n"
                        .into(),
                )
            }
            _ => {}
        }
    }
    files.insert(
        "outlook/2017-04-19-ordre-de-virement.msg".into(),
        msg_bytes(
            &MsgNode {
                props: o2_props,
                attachments: vec![],
            },
            o2.date.plus_minutes(2).unix(),
        ),
    );
    truth.push(json!({
        "path": "outlook/2017-04-19-ordre-de-virement.msg",
        "kind": "outlook-properties-edited",
        "expected_rule": "outlook.properties_disagree",
        "issue": 3,
        "note": "Outlook shows the subject 'Ordre de virement — 45 000 EUR' and a transfer order; the transport headers it kept say 'Ordre du jour du comité'."
    }));

    // --- archives/
    // PLANT 2: two spreadsheets last edited minutes apart by an outsider.
    let foreign = |title: &'static str, modified: &'static str, rows: &[(&str, &str)]| {
        xlsx(
            &DocMeta {
                title,
                creator: "Cédric Martin",
                last_modified_by: "Рошка Георгий Петрович",
                created: "2014-06-11T09:30:00Z",
                modified,
                revision: 7,
                company: "",
                total_time: 3,
                rsid_root: "",
            },
            rows,
        )
    };
    let prev = foreign(
        "Prévisionnel avril",
        "2017-03-27T10:14:00Z",
        &[
            ("Poste", "Montant (EUR)"),
            ("Conseil Atlantic Consulting", "250 000"),
            ("Salles", "48 000"),
        ],
    );
    let dep = foreign(
        "Dépenses mars",
        "2017-03-27T10:17:00Z",
        &[
            ("Poste", "Montant (EUR)"),
            ("Espèces non tracées", "92 000"),
            ("Impression", "12 400"),
        ],
    );
    let factures = zip_bytes(
        &[
            ("devis-2017-041.pdf", devis.clone()),
            ("logo.png", logo.clone()),
        ],
        (2017, 4, 6, 12, 0, 0),
    );
    let tresorerie = zip_bytes(
        &[
            ("budget/budget-campagne.xlsx", budget.clone()),
            ("budget/previsionnel-avril.xlsx", prev),
            ("budget/depenses-mars.xlsx", dep),
            ("factures.zip", factures),
            (
                "notes/lisez-moi.txt",
                "Dossier trésorerie — ne pas diffuser.\n"
                    .as_bytes()
                    .to_vec(),
            ),
            ("courriels/devis.eml", m2.bytes()),
        ],
        (2017, 4, 30, 20, 0, 0),
    );
    files.insert("archives/tresorerie.zip".into(), tresorerie);
    for p in [
        "archives/tresorerie.zip!budget/previsionnel-avril.xlsx",
        "archives/tresorerie.zip!budget/depenses-mars.xlsx",
    ] {
        truth.push(json!({
            "path": p,
            "kind": "foreign-editor-burst",
            "expected_rule": "doc.edit_burst",
            "issue": 4,
            "note": "Created by the treasurer in 2014, last modified within the same four minutes of 27 March 2017 by 'Рошка Георгий Петрович', a Cyrillic name seen nowhere else in the corpus."
        }));
    }
    let communique = docx(
        &DocMeta {
            title: "Communiqué de presse",
            creator: "Léa Bernard",
            last_modified_by: "Léa Bernard",
            created: "2017-04-14T11:00:00Z",
            modified: "2017-04-14T13:40:00Z",
            revision: 4,
            company: "Mouvement Horizon",
            total_time: 96,
            rsid_root: "00D5E6F7",
        },
        &[
            "Communiqué de presse",
            "Meeting de Lyon : 6 000 personnes réunies autour de la candidate.",
        ],
        false,
    );
    let kit = tar_gz(&[
        ("kit-presse/communique.docx", communique),
        ("kit-presse/logo.png", logo),
        (
            "kit-presse/lisez-moi.txt",
            "Kit presse — Mouvement Horizon.\nContact : lea.bernard@horizon.example\n"
                .as_bytes()
                .to_vec(),
        ),
    ]);
    files.insert("archives/kit-presse.tar.gz".into(), kit);

    // Three old press documents re-saved in one sitting by the campaign
    // director before the archive was handed over: a burst by someone who
    // is part of the corpus (genuine).
    let resaved =
        |title: &'static str, created: &'static str, modified: &'static str, text: &[&str]| {
            docx(
                &DocMeta {
                    title,
                    creator: "Léa Bernard",
                    last_modified_by: "Claire Dubois",
                    created,
                    modified,
                    revision: 9,
                    company: "Mouvement Horizon",
                    total_time: 140,
                    rsid_root: "",
                },
                text,
                false,
            )
        };
    let communication = zip_bytes(
        &[
            (
                "communication/charte-graphique.docx",
                resaved(
                    "Charte graphique",
                    "2016-11-02T10:00:00Z",
                    "2017-04-29T16:02:00Z",
                    &[
                        "Charte graphique",
                        "Bleu Horizon : #1F6FB5. Police : Source Sans.",
                    ],
                ),
            ),
            (
                "communication/elements-de-langage.docx",
                resaved(
                    "Éléments de langage",
                    "2016-12-14T15:30:00Z",
                    "2017-04-29T16:05:00Z",
                    &[
                        "Éléments de langage",
                        "Parler d'avenir, de travail et d'Europe.",
                    ],
                ),
            ),
            (
                "communication/contacts-presse.docx",
                resaved(
                    "Contacts presse",
                    "2017-01-09T09:15:00Z",
                    "2017-04-29T16:07:00Z",
                    &["Contacts presse", "Agences, quotidiens régionaux, radios."],
                ),
            ),
        ],
        (2017, 4, 29, 18, 10, 0),
    );
    files.insert("archives/communication.zip".into(), communication);

    for (path, data) in &files {
        let p = dump.join(path);
        std::fs::create_dir_all(p.parent().unwrap_or(Path::new("."))).expect("mkdir");
        std::fs::write(&p, data).expect("write sample");
    }
    let gt = json!({
        "dump": "dump",
        "description": "Planted forgeries in samples/dump. Every item not listed here is genuine. 'expected_rule' is set once the issue that detects the kind has landed.",
        "forgeries": truth,
    });
    let mut s = serde_json::to_string_pretty(&gt).expect("json");
    s.push('\n');
    std::fs::write(out.join("ground-truth.json"), s).expect("write ground truth");
    eprintln!("wrote {} files under {}", files.len(), dump.display());
}
