//! The rule catalogue: every rule a finding can name, what it checks, why
//! it matters and when it is known to fire on genuine material.
//!
//! `leakcheck explain RULE` prints an entry; the SARIF report's
//! `tool.driver.rules[]` and the HTML report's rule help are drawn from it;
//! the suspicion score ([`crate::report::score`]) reads each rule's
//! [`RuleKind`] to know whether it speaks against an item, for it, or
//! only about what the scan could read. A test asserts every rule id
//! written in `src/` has an entry here.

/// What a rule's findings say about an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleKind {
    /// A contradiction that bears on authenticity: counted in the
    /// suspicion score.
    Authenticity,
    /// Evidence that the item is genuine (a DKIM pass, consistent
    /// metadata): lowers the score, never below half of it.
    Support,
    /// What the scan could not read or chose not to read (limits, damage,
    /// links, internal errors): reported, never counted as a doubt.
    Coverage,
}

impl RuleKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RuleKind::Authenticity => "authenticity",
            RuleKind::Support => "support",
            RuleKind::Coverage => "coverage",
        }
    }
}

/// One rule.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// The id findings carry, e.g. `dkim.body_changed`.
    pub id: &'static str,
    pub kind: RuleKind,
    /// One line: what a finding of this rule says (SARIF shortDescription).
    pub title: &'static str,
    /// What the rule checks and how it decides its severity.
    pub checks: &'static str,
    /// Why it matters when judging a leak.
    pub why: &'static str,
    /// When it fires on genuine material, and what to look at before
    /// trusting it.
    pub false_positives: &'static str,
}

/// Every rule, sorted by id.
pub static RULES: &[Rule] = &[
    Rule {
        id: "archive.duplicate_name",
        kind: RuleKind::Coverage,
        title: "A container lists the same member name more than once.",
        checks: "Fires when a container (in practice a zip, tar or 7z archive) hands the scan a member name it has already listed. From the second occurrence on, the member is listed as entry<N> (N being its position in the container, entry<N>-2 and so on if that is taken), its stored name is kept in metadata.name, and the finding names both the renamed member and the container. A zip reader keeps only the last copy of a name, so the earlier copies are looked up in the zip's central directory and read from their own headers; when they cannot be located, one finding on the zip says so and they are not read. Always low.",
        why: "Two members with one name compete for the same place when the archive is unpacked, and different tools show different ones: a known trick to show one reader one file and another reader another. Every copy is listed and hashed here, so the copies can be compared.",
        false_positives: "tar archives updated with tar -r or -u legitimately hold an older and a newer copy of a file under one name (the last one wins on unpacking), and some backup and zip tools append instead of rewriting. Compare the copies' hashes, sizes and dates: an older and a newer version of one document is ordinary; two unrelated contents under one name deserve a closer look.",
    },
    Rule {
        id: "check.internal_error",
        kind: RuleKind::Coverage,
        title: "A family of checks crashed, so its findings are missing from the report.",
        checks: "Each check (type, dkim, received, time, message_id, thread, outlook, habit, doc, pdf) runs over the whole dump; when one fails with an internal error (a bug in leakcheck) the scan goes on without that check's findings, and this low finding says which check failed, with the error text in evidence.panic. It is attached to the first item of the report only because a finding needs a path: it says nothing about that item.",
        why: "It says nothing about authenticity, but it says the report is incomplete: the rules of that check did not run on any item, so the absence of their findings means nothing.",
        false_positives: "Never a finding about the material. It is a leakcheck bug: report it with the panic text, and do not rely on the missing check until a fixed version has re-scanned the dump.",
    },
    Rule {
        id: "date.after_received",
        kind: RuleKind::Authenticity,
        title: "The Date header is later than the time the first mail server received the message.",
        checks: "Compares the Date header with the oldest timestamped Received header (the first server that took the message), after subtracting the sender's habitual offset: for a From address with at least three messages carrying both times, the median of Date minus first hop. Medium when the Date is still more than an hour later than the first hop, high when more than a day later. Skipped when the Date's time zone is impossible (see date.impossible_zone).",
        why: "A message is written before it is sent, so a Date well after the first server's stamp means the Date was changed afterwards or the Received headers come from another message. Server times are set by the mail provider, not by the sender, and are harder to fake convincingly.",
        false_positives: "A sender's clock or time zone set wrong for this one message (a new device, a laptop after travel) while their other mail is right, and a first server with a wrong clock (compare with the other hops' times). Look at the sender's other messages around the same date.",
    },
    Rule {
        id: "date.before_received",
        kind: RuleKind::Authenticity,
        title: "The Date header is days earlier than the time the first mail server received the message.",
        checks: "Compares the Date header with the oldest timestamped Received header, after subtracting the sender's habitual offset (the median of Date minus first hop, for senders with at least three such messages). Low when the Date is more than 3 days earlier, medium when more than 30 days earlier. Skipped when the Date's time zone is impossible.",
        why: "Back-dating is the commonest edit to an email: making a message look as though it was written before some event. The first server's stamp is when the message really left; a Date weeks before it needs an explanation.",
        false_positives: "Mail that sat in an outbox (an offline laptop, a phone without signal), drafts sent days later by programs that keep the draft's date, and a sender whose clock was wrong for a while. Check whether the sender's other mail from that period shows the same lag.",
    },
    Rule {
        id: "date.impossible_zone",
        kind: RuleKind::Authenticity,
        title: "The Date header's time-zone offset does not exist anywhere.",
        checks: "Medium when the numeric zone of the Date header is outside -1200..+1400 or not a whole, half or three-quarter hour (+2500, +0217). Zone names (GMT, EST…) are accepted. The comparisons of the Date with the Received headers are then skipped, since the real offset is unknown.",
        why: "Mail programs take the offset from the operating system, which only knows real zones; an impossible offset was typed by hand or produced by a script, which is what editing a Date in a text editor looks like.",
        false_positives: "Badly written scripts, bulk mailers and old or home-made mail software do write broken offsets. If every message from that sender or program has the same odd zone, it is their habit, not an edit.",
    },
    Rule {
        id: "dkim.body_changed",
        kind: RuleKind::Authenticity,
        title: "The message body no longer matches its DKIM signature: it was changed after signing.",
        checks: "Recomputes the hash of the body as the signature's canonicalization says and compares it with the bh= value of the DKIM-Signature; this needs no key. High when they differ; low when the message carries mailing-list headers (List-Id, List-Post, List-Unsubscribe, Mailing-List, X-Mailman-Version) or another DKIM signature on it verifies. Not checked on Outlook messages (.msg, .pst, TNEF), which do not keep the body as sent.",
        why: "DKIM is a signature the sending domain's mail server puts on a message as it leaves; the body hash in it was computed at that moment. A body that no longer hashes to it was changed afterwards: text, links or attachments. It is one of the strongest single signs of a doctored email, because it depends on no one's clock or habits.",
        false_positives: "Mailing lists that add footers, security gateways that append disclaimers or rewrite links, relays that re-encode the message (8-bit to quoted-printable) after signing, and export or archiving tools that re-wrap or re-encode bodies all break the hash innocently. Check whether other messages that took the same route or came through the same export also fail; one failure among passing siblings is the meaningful case.",
    },
    Rule {
        id: "dkim.headers_changed",
        kind: RuleKind::Authenticity,
        title: "The body matches its DKIM signature but the signed headers do not.",
        checks: "Fires when the body hash matches but the signature over the headers listed in h= (typically From, To, Subject, Date) does not verify with the key supplied with --dkim-keys; a second From header added above the signed one also breaks it. High on ordinary messages; low when the message has mailing-list headers or another signature on it verifies. On an Outlook message, whose body cannot be checked, medium, or low when the signature uses 'simple' header canonicalization, which any re-folding of long header lines by the mail store breaks.",
        why: "The headers a reader relies on (who sent it, to whom, when, about what) were signed by the sending server. A failure with an intact body usually means one of them was edited: changing the Date, Subject or recipients of a genuine message is the classic forgery.",
        false_positives: "A wrong key: if the domain rotated its key but kept the selector name, or the key file holds another key, every genuine message of that selector fails this way, so check whether they all do. Mailing lists rewrite subjects, some gateways re-fold or re-encode headers, and Outlook stores keep headers as text they may have re-folded. One failure among passing messages of the same selector and period is the meaningful case.",
    },
    Rule {
        id: "dkim.headers_verified",
        kind: RuleKind::Support,
        title: "An Outlook message's DKIM signature verifies over the headers Outlook kept; its body could not be checked.",
        checks: "For messages from .msg, .pst or TNEF files, whose body Outlook keeps re-encoded rather than as sent, the body hash cannot be checked; this supporting finding is given when the signature over the headers verifies with the key supplied with --dkim-keys. It lowers the item's suspicion score (8 points, never by more than half).",
        why: "It shows that the signed headers (typically sender, recipients, subject and date) are as the signing domain sent them. It says nothing about the body or the attachments, which could have been changed in the store.",
        false_positives: "A pass is only as good as the key. For Outlook messages a key under 1024 bits gets no dkim.weak_key finding, so read the key size in the signature's reason; a pass means little if the signer's private key leaked or was published after it was retired (some providers publish old keys on purpose). Headers not listed in h= are not covered.",
    },
    Rule {
        id: "dkim.signed_late",
        kind: RuleKind::Authenticity,
        title: "The DKIM signature says it was made more than 10 hours after the message arrived.",
        checks: "On a verified signature, compares its t= tag (when the signer says it signed) with the message's arrival: the newest timestamped Received header, else the Date. Low when t= is more than 10 hours later.",
        why: "A server signs a message as it sends it. A signature dated after the message reached its destination was not made on the way: the message or its signature was produced later, for example by passing a stored or edited message through a signing server again.",
        false_positives: "A signing server with a wrong clock; forwarding and re-sending services that sign again long after; and, for a message without Received headers, a Date that is when the message was written rather than sent. Compare t= with other messages signed by the same domain around the same date.",
    },
    Rule {
        id: "dkim.unsigned_body",
        kind: RuleKind::Authenticity,
        title: "A verified DKIM signature covers only the start of the body (l=); the rest is unsigned.",
        checks: "On a verified signature with an l= body length, counts the body bytes after that length. Medium when there are any; low when the message carries mailing-list headers.",
        why: "Whatever comes after the signed length (extra text, a link, another attachment) could have been added by anyone without breaking the signature, so a verified message may still carry forged content at its end.",
        false_positives: "Mailing lists append footers, which is why some senders use l= at all, and gateways add disclaimers. Look at what the unsigned bytes are: a footer or disclaimer is harmless, new text or an attachment is not.",
    },
    Rule {
        id: "dkim.unsigned_headers",
        kind: RuleKind::Authenticity,
        title: "A verified DKIM signature does not cover the From, Subject or Date header.",
        checks: "On a verified signature, lists which of From, Subject and Date are present in the message but missing from the signature's h= list. Low.",
        why: "Headers outside the signature can be changed without breaking it, so the pass says nothing about them: the sender, subject or date a reader sees may not be the signed ones.",
        false_positives: "Some signers leave Date or Subject out of h= by configuration, and then every message of that domain shows it. It is a limit of what the signature proves, not a sign of editing in itself: compare the unsigned values with the Received times and with replies.",
    },
    Rule {
        id: "dkim.unusable",
        kind: RuleKind::Authenticity,
        title: "A DKIM signature or its key cannot be used, so the signature was not verified.",
        checks: "Info, with the reason: the signature is malformed (a missing tag, bad base64, an identity outside the signing domain, an unknown algorithm, canonicalization or version), the key supplied is revoked (empty p=), unparsable or of another type than the signature, the signature had expired (x=) more than 10 hours before the message arrived or expires before it was made, the header block holds lines that are not header fields, or the message has more than 16 signatures (the rest are not checked). Signatures whose key was not supplied are not reported here; the summary counts them as key unavailable.",
        why: "An unusable signature neither proves nor disproves anything. A few reasons deserve a look: lines in the header block that are not headers are what hand-editing often leaves, and a signature that had expired long before the message's own time does not fit the story the headers tell.",
        false_positives: "Expired and revoked keys are routine for old mail (providers rotate keys and set short expiry on purpose), and broken signatures come from buggy senders. Treat it as 'not checked', not as a doubt.",
    },
    Rule {
        id: "dkim.verified",
        kind: RuleKind::Support,
        title: "A DKIM signature verifies: the signed headers and body are as the signing domain sent them.",
        checks: "The body hash (bh=) matches and the signature over the signed headers verifies with the public key supplied with --dkim-keys (keys are never fetched from the network). One supporting finding per passing signature, with domain, selector, algorithm and key size; a weak key, an l= limit and unsigned From, Subject or Date are reported separately (dkim.weak_key, dkim.unsigned_body, dkim.unsigned_headers). It lowers the item's suspicion score (16 points, never by more than half).",
        why: "It is the strongest evidence for an email that a newsroom can check itself: only the holder of the domain's private key could have made the signature, so the signed content left that domain's mail server as it is now.",
        false_positives: "It proves which domain sent the message, not that what it says is true. It is only as good as the key: check that the key supplied was the one published at the message's date; keys under 1024 bits can be forged; and some providers publish retired private keys on purpose, after which anyone can sign old-looking mail. Headers not in h= and bytes past l= are not covered.",
    },
    Rule {
        id: "dkim.weak_key",
        kind: RuleKind::Authenticity,
        title: "A DKIM signature verifies, but with an RSA key shorter than 1024 bits.",
        checks: "Low, on a verified signature (not an Outlook headers-only pass) whose RSA key has fewer than 1024 bits, with the key size.",
        why: "Keys that short can be factored with modest computing power, so someone other than the domain could have made a valid signature: the pass is weak evidence.",
        false_positives: "Many domains used 512- or 768-bit keys for years, so genuine mail signed with them is common. It does not make the message suspect, only the pass less convincing.",
    },
    Rule {
        id: "doc.consistent",
        kind: RuleKind::Support,
        title: "A document's metadata fits its carrier and the corpus.",
        checks: "Supporting, for a document with metadata on which the documents check raised no medium or high doubt (doc.modified_after_sent, doc.outside_window), when at least one holds: its last editor (else its author) is a From or To name in the dump's mail (compared ignoring case, accents and word order), or it was last saved before the email carrying it was sent. It lowers the item's suspicion score slightly (2 points).",
        why: "A document saved by someone in the correspondence, before the mail that carries it, has the timeline a genuine attachment has.",
        false_positives: "Weak evidence: names and dates are easy to write into a forged file, two people can share a name, and the rule does not see other rules' findings on the same document (near-duplicates, PDF metadata, foreign authors, edit bursts).",
    },
    Rule {
        id: "doc.created_after_modified",
        kind: RuleKind::Authenticity,
        title: "A document says it was created after its last save.",
        checks: "Compares the creation time with the last-save time (Office core or summary properties, ODF meta, PDF CreationDate and ModDate, EXIF DateTimeOriginal and DateTime), allowing 14 hours each way for times without a zone. Low when the creation is still more than a minute after the last save.",
        why: "Programs set both times themselves and creation comes first; the reverse order appears when dates are edited by hand or a file is assembled by a tool.",
        false_positives: "Frequent in genuine dumps: copying and conversion tools reset the creation time and keep the save time, cameras and photo editors write the two EXIF dates from different sources, and third-party software fills old Office properties carelessly. Weigh it only together with other signs.",
    },
    Rule {
        id: "doc.edit_burst",
        kind: RuleKind::Authenticity,
        title: "Several documents were last saved within ten minutes by someone outside the corpus.",
        checks: "Groups documents by last editor (the same name ignoring case, accents and word order), for editors who are not part of the corpus: not a From or To name in the mail, and saving or creating documents on fewer than three distinct days. Byte-identical copies count once. Documents last saved within 10 minutes of the first of a run form a cluster, which counts when it holds at least two distinct documents (by title and creation time) for a name in another script than the dump's main one, or three otherwise, and when at least one of them was authored by someone else or created more than 30 days before that save. Medium, one finding per document, each naming the whole cluster.",
        why: "Genuine work rarely looks like a stranger opening other people's old files and saving them one after another within minutes; someone preparing a batch of doctored documents does exactly that, and leaves their own name as last editor.",
        false_positives: "An IT or records person converting, re-saving or redacting a folder; an assistant finalising colleagues' papers; anyone whose mail is not in the dump, including people only ever copied (Cc) on mail. Find out who the editor is before weighing it.",
    },
    Rule {
        id: "doc.edit_time_impossible",
        kind: RuleKind::Authenticity,
        title: "A document records more editing time than the time between its creation and its last save.",
        checks: "Compares the total editing time (Office TotalTime, OLE EditTime, ODF editing-duration) with the span from the earliest possible creation to the latest possible last save. Low when the editing time exceeds that span by more than an hour. Unset values (0, or Office's -1) and documents saved before they were created are skipped.",
        why: "A document cannot have been edited for longer than it existed; dates edited by hand often leave the editing counter behind.",
        false_positives: "Common in genuine files: a document made from another (Save As, a copy, a template) can keep the other's editing time with a new creation date, and the counter runs while a file sits open unattended. Treat it as weak unless other dates disagree too.",
    },
    Rule {
        id: "doc.foreign_author",
        kind: RuleKind::Authenticity,
        title: "A document names someone outside the corpus, in a script few people in the dump write their names in.",
        checks: "Finds the writing system (Latin, Cyrillic, Greek, Arabic, Hebrew, Chinese/Japanese/Korean…) of every person's name in the dump's mail (From and To display names) and documents (authors, last editors). With at least five people, a script other than the main one used by at most 10% of them (or by one person) is foreign. Medium when a document's last editor, author, company or the user folder in its template path is written in a foreign script and belongs to no one in the corpus (no matching From or To name, and documents on fewer than three days). A rare Office language (see doc.rare_language) is added to the message.",
        why: "Whoever handles a file leaves their name, company or Windows user name in it. In a dump whose people write their names in one alphabet, a name in another alphabet from someone who never appears in the correspondence is a lead on who else touched the file.",
        false_positives: "Translators, foreign partners, subcontractors and consultants whose mail is not in the dump (or who were only copied, Cc); names transliterated differently in mail and documents; company or software names in another script; template paths from a second-hand machine. Check whether the person or company has a legitimate link to the material.",
    },
    Rule {
        id: "doc.modified_after_sent",
        kind: RuleKind::Authenticity,
        title: "A document attached to an email says it was written after that email was sent.",
        checks: "For a document inside an email (directly or inside an attached archive), takes the latest of its last-save time, creation time and, for Office files, the newest time on its zip entries, and compares it with when the nearest carrying email was sent (the later of its Date and its first Received hop). Fires when that time, less 14 hours for a time without a zone, is still more than 10 minutes after sending. Medium; low for images, whose camera clocks are often wrong. evidence.carrier names the email.",
        why: "A file cannot change after it was attached: if the attachment says it was written later, its dates were edited, the email's were, or the attachment was swapped into an existing email. It is one of the clearest signs of a planted document.",
        false_positives: "A wrong clock on the machine or camera that saved the file, software that writes local time labelled as UTC, and an email whose own Date and Received times are wrong (look for date.* and received.* findings on the carrier). Compare with other copies of the document in the dump.",
    },
    Rule {
        id: "doc.near_duplicate",
        kind: RuleKind::Authenticity,
        title: "Two different documents have nearly the same text: a revision or an altered copy.",
        checks: "Compares documents that share a file name, a Word rsidRoot or a title, or whose text fingerprints (SimHash) share a 16-bit band. A pair is near when their texts are at least 80% similar but not the same, or, for documents without text, when their TLSH distance is 30 or less; byte-identical copies are left to the duplicates list. The copy that entered the dump later (its carrying email's send time, else its last save) is set against the earlier: medium, on the later copy, when both have the same detected type and its last editor is a different person who is not part of the corpus (no mail in the dump, documents on fewer than two days), or its last-save time is not later than the earlier copy's, or (without save times) its revision number did not change although its text did; otherwise low, naming both.",
        why: "An altered copy next to its original shows exactly what was changed. Real edits move the save time and the revision; text changed without a trace in the metadata, or by an outsider, is how a doctored copy of a genuine document looks.",
        false_positives: "Revisions, templates and form letters are near-duplicates by nature (low). The medium case also fires when an older version is sent again after a newer one (the later-sent copy then has the earlier save time), when a file is changed by a tool that leaves the metadata alone (a PDF editor, a form-filling script), or when a colleague whose mail is not in the dump edits it. Open both copies and compare the texts.",
    },
    Rule {
        id: "doc.outside_window",
        kind: RuleKind::Authenticity,
        title: "A document was last saved after the end of the dump's time window.",
        checks: "Compares every document's last-save time, less 14 hours when it has no zone, with the end of the time window: the one given with --window, or the one inferred from the dump's dated emails (their 2nd to 98th percentile widened by a tenth of that span and at least three days; none with fewer than ten dated emails). Medium when it is later. Documents saved before the window are not reported.",
        why: "The window is when the dump's correspondence was alive; a document saved after it was touched after the material's last genuine activity, possibly while the leak was being prepared.",
        false_positives: "The inferred window comes from emails only, so files from shared drives or archives in the dump can legitimately be newer than the mail; a source or intermediary who opened, converted or saved files while collecting them makes them newer too. Give --window when the period of the material is known.",
    },
    Rule {
        id: "doc.rare_language",
        kind: RuleKind::Authenticity,
        title: "A document was saved by an Office set to a language few of the dump's documents use.",
        checks: "Takes each document's primary language (dc:language, else the Office interface language betrayed by its HeadingPairs labels, or Word's language id). Low when, among at least ten documents with a known language, at most 5% use this one. Not reported on its own when the document has a doc.foreign_author finding, which then mentions the language.",
        why: "The language an Office copy is set to follows the machine that saved the file: a lone Russian-language Office among a French campaign's files points to a machine from outside the organisation.",
        false_positives: "Documents from partners abroad, multilingual organisations, English-language Office installed in non-English countries, and files whose language tag describes the text rather than the software. Treat it as a pointer to where a file came from.",
    },
    Rule {
        id: "doc.rsid_link",
        kind: RuleKind::Authenticity,
        title: "Documents are linked by Word's editing-session ids: copies of one original, or edited together.",
        checks: "Word stamps a .docx with a random id for the session that created it (rsidRoot) and one for each session that edited it. Info: one finding per rsidRoot shared by two or more distinct documents (byte-identical copies count once), and one per pair of documents with different rsidRoots that share at least two editing sessions, ignoring sessions found in more than 20 documents (a template's).",
        why: "It shows which files belong together and where an altered copy came from: documents sharing a root started as copies of one file, and documents sharing sessions were open in the same Word session on one machine. That can tie a suspicious file to its source, or to whoever edited both.",
        false_positives: "Documents started from one template or boilerplate file share ids without being copies in any meaningful sense. The link is a lead for research, not a doubt.",
    },
    Rule {
        id: "doc.zip_times_disagree",
        kind: RuleKind::Authenticity,
        title: "An Office file's package was written at a time its own properties do not record.",
        checks: "For OOXML files (docx, xlsx, pptx…), compares the times on the zip entries (local time without zone, leaving out Office's constant 1980-01-01) with the document's properties, allowing 14 hours for the missing zone. Low when the newest entry was written more than a day after the last save recorded in core.xml, or else when the oldest entry was written more than a day before the document's creation.",
        why: "Office writes the properties and the package together. A package rewritten later without its properties being updated was opened and re-zipped by another tool, which is what hand-editing the XML inside a .docx looks like.",
        false_positives: "Tools that legitimately rewrite packages: document-management systems, mail gateways that strip macros or metadata, redaction and conversion tools, and non-Microsoft software that stamps entries with the time of export. Look at the application field and at other files from the same source.",
    },
    Rule {
        id: "document.unreadable",
        kind: RuleKind::Coverage,
        title: "A document's metadata could not be read.",
        checks: "Low, when the metadata reader for the detected type (OOXML, OLE2, ODF, PDF, images) fails on the content: a damaged package, unparsable XML or PDF structure, an unsupported variant, or a crash of the reader (its message then starts 'internal error'). The item is still hashed; the document rules (doc.*, pdf.*) skip it.",
        why: "No rule about authorship, dates or PDF history looked at this file, so the absence of such findings on it means nothing.",
        false_positives: "Not a doubt: damaged downloads, truncated attachments and unusual but genuine producers are common. Open the file with the program that made it before reading anything into the damage.",
    },
    Rule {
        id: "fs.special_file",
        kind: RuleKind::Coverage,
        title: "A FIFO, socket or device file in the dump was listed but not opened.",
        checks: "Info, for entries under a scanned root that are neither regular files, folders nor symbolic links. They are listed as items of kind special and never opened, since reading them could block or read a device.",
        why: "Such entries hold no document content. They usually mean the dump was copied from a live system, which says something about how it was gathered.",
        false_positives: "Not a doubt about any item: copies of home folders and system images routinely contain sockets and pipes.",
    },
    Rule {
        id: "fs.symlink",
        kind: RuleKind::Coverage,
        title: "A symbolic link in the dump was listed and not followed.",
        checks: "Info, for each symbolic link under a scanned root when --follow-symlinks is not given; the target is in evidence.target. What the link points to is not scanned unless it is in the dump anyway. Links inside tar and zip archives are listed as items without a finding.",
        why: "A link may point to material outside the dump, or to somewhere on the machine running the scan; it is noted so the reader knows what was not read.",
        false_positives: "Not a doubt: dumps copied from Unix systems keep their links. Scan again with --follow-symlinks if the targets belong to the material.",
    },
    Rule {
        id: "habit.sender_mismatch",
        kind: RuleKind::Authenticity,
        title: "A message does not look like its sender's other messages: it was probably written with another program.",
        checks: "Profiles each From address with at least five other messages in the dump on five features: mail program (X-Mailer or User-Agent, versions ignored), Message-ID shape and domain, MIME boundary shape, time-zone offset, and hours (day 07:00–20:59 local, or night). A habit is a value shared by at least 60% of the sender's other messages; this message breaks it when its own value occurs in at most 5% of them (a missing header counts as a value). Medium when it breaks all three program-made habits (program, Message-ID, boundary), low when it breaks two. Broken time-zone and hours habits are listed as observed and expected values but never raise the severity.",
        why: "Each mail program writes its own kind of Message-ID and MIME boundary and names itself in the headers. A message forged with other software, or assembled by hand, rarely reproduces all three of someone's habits.",
        false_positives: "People change software: a new phone, webmail while travelling, an upgrade that changes the boundary format, calendar invitations and messages sent by a service on their behalf. Several messages breaking the same habits from one date on is a change of program; one lone message among consistent ones is the case to check.",
    },
    Rule {
        id: "ingest.damaged_container",
        kind: RuleKind::Coverage,
        title: "A container could not be read to its end; what was listed before the damage is reported.",
        checks: "Low, when a zip, tar, gzip, bzip2, 7z, mbox, email, Outlook .msg or .pst, or TNEF container fails while its members are being listed (truncated or corrupt); the members listed before the failure stand. Also for a file that starts like an OLE2 compound file (.msg, .doc, .xls) but cannot be opened as one (it is hashed, nothing inside is read), and for each folder of a .pst store that cannot be opened (evidence.folder).",
        why: "Members after the damage were not listed, hashed or checked, so the report does not cover them. A truncated container may also be an incomplete copy.",
        false_positives: "Not a doubt about authenticity: interrupted downloads, copy errors and old or unusual writers produce damaged containers. Try to obtain another copy.",
    },
    Rule {
        id: "ingest.internal_error",
        kind: RuleKind::Coverage,
        title: "leakcheck failed on a file or member (a bug); the rest was still read.",
        checks: "Low, when reading a file on disk or one member crashes inside leakcheck, with the error text in evidence.panic. For a file, what was read before the failure is kept; for a member, the rest of its container is still read.",
        why: "The item, and anything inside it, may be missing from the report or only partly checked. It says nothing about the item's authenticity.",
        false_positives: "Always a leakcheck bug, never a property of the material. Report it with the panic text and, if possible, a sample.",
    },
    Rule {
        id: "ingest.read_error",
        kind: RuleKind::Coverage,
        title: "A file or member could not be read; it is listed but not hashed.",
        checks: "Low, when a file on disk cannot be opened or read (permissions, I/O error), a path cannot be walked (including a symbolic-link loop with --follow-symlinks), or a member's content fails part-way: a decompression or checksum error, or fewer bytes than the container declares. Also for each member after the one that hit the per-archive limit (see limit.archive_bytes). The item carries the error.",
        why: "The item has no hash and no rule looked at its content, so the report is incomplete there.",
        false_positives: "Not a doubt in itself: permissions on the copy, bad sectors and truncated archives are common. A checksum error or size mismatch inside an otherwise sound archive can mean a member was altered without updating the archive's records, so compare with another copy when possible.",
    },
    Rule {
        id: "ingest.unreadable_member",
        kind: RuleKind::Coverage,
        title: "A member is listed by its container but its content cannot be read.",
        checks: "Low, for members whose content the scan cannot get at: password-protected zip members (name, sizes and CRC are still recorded), unsupported compression methods, 7z members the decoder did not reach, tar entries for devices or FIFOs, email parts whose encoding cannot be decoded, gzip or bzip2 payloads too damaged to start, Outlook attachments and .pst messages that cannot be read, and earlier copies of a repeated zip name whose headers cannot be found. The item is listed with its declared size and the reason.",
        why: "The member's content was neither hashed nor checked; an encrypted member in particular can hold anything.",
        false_positives: "Not a doubt: encrypted archives are common in leaks and the source may know the password. Obtain it and scan again if the member matters.",
    },
    Rule {
        id: "limit.archive_bytes",
        kind: RuleKind::Coverage,
        title: "Everything under one file on disk decompressed past the per-archive limit; reading stopped.",
        checks: "Counts the decompressed bytes read under each file on disk, all nesting levels together. When a member pushes the total past --max-archive-bytes (default 16 GiB), reading stops: that member is not hashed and gets this low finding, once per file on disk, with the limit and the bytes read; every later member of that file is listed unread with an ingest.read_error naming the limit.",
        why: "Members past that point were not hashed or checked. A total far beyond the file's own size is also the mark of a nested decompression bomb, built to exhaust the tools that open it.",
        false_positives: "Large genuine dumps (mail stores, disk images, backups) exceed the default. Raise --max-archive-bytes if the machine has room, and scan again.",
    },
    Rule {
        id: "limit.depth",
        kind: RuleKind::Coverage,
        title: "A container nested deeper than the depth limit was listed but not opened.",
        checks: "A file on disk is at depth 0, its members at depth 1, theirs at 2, and so on. Low when a container's members would be deeper than --max-depth (default 32): the container itself is listed and hashed, its members are not.",
        why: "What is inside was not listed, hashed or checked. Genuine material is rarely nested more than a few levels; very deep nesting is a trick to exhaust or evade scanners.",
        false_positives: "Long chains of forwarded messages with attachments, and backups of mail stores inside archives inside archives, nest deeply. Raise --max-depth and scan again if needed.",
    },
    Rule {
        id: "limit.items_per_container",
        kind: RuleKind::Coverage,
        title: "A container lists more members than the per-container limit; the rest were counted but not read.",
        checks: "Low, once per container, when it lists more than --max-items-per-container members (default 100,000): members past the limit are counted in the container's members_listed but are not listed as items, hashed or checked. Also low when a message has more than twice that many lines that may start a MIME part: it is parsed only up to there (the evidence says how far), because the parser spends far more memory on a part than the part's bytes.",
        why: "The report covers only part of that container.",
        false_positives: "Big mail stores and archives of whole shared drives exceed it legitimately. Raise the limit and scan again.",
    },
    Rule {
        id: "limit.member_bytes",
        kind: RuleKind::Coverage,
        title: "A member decompresses past the per-member size limit; reading stopped, so it is not hashed.",
        checks: "Low when one member's decompressed content exceeds --max-member-bytes (default 4 GiB): reading stops, the item's size is the bytes read so far, it has no hash and is neither opened nor checked.",
        why: "The member was not hashed or checked. A member far larger than its compressed size can also be a decompression bomb.",
        false_positives: "Disk images, videos and database exports are often larger. Raise the limit and scan again if they matter.",
    },
    Rule {
        id: "limit.parse_bytes",
        kind: RuleKind::Coverage,
        title: "An item is too large to be held in memory and parsed; it was hashed but not opened.",
        checks: "Low when an item that must be held whole in memory to be parsed is larger than --max-parse-bytes (default 256 MiB): a document (its metadata is not read), an email, .msg or TNEF file on disk, or any container nested inside another (its members are not listed). The item is still hashed whole; the finding gives its size and the limit.",
        why: "The item's contents or metadata were not checked; an oversized email gets no header checks at all (no DKIM, dates or threads).",
        false_positives: "Not a doubt: large presentations, scanned PDFs and mail with big attachments exceed the default. Raise --max-parse-bytes and scan again if the machine has the memory.",
    },
    Rule {
        id: "limit.ratio",
        kind: RuleKind::Coverage,
        title: "A member expands far more than ordinary files do (a decompression-bomb guard); reading stopped.",
        checks: "For members whose container records a compressed size, once more than 16 MiB has come out, reading stops when the decompressed size divided by the compressed size exceeds --max-ratio (default 200). Low; the item's size is the bytes read so far, it has no hash and is neither opened nor checked.",
        why: "Ratios like that are what decompression bombs are built for. The member was not hashed or checked.",
        false_positives: "Highly repetitive genuine data (empty disk images, sparse files, padded logs or database dumps) can compress beyond 200:1. Raise --max-ratio and scan again if the member matters.",
    },
    Rule {
        id: "message_id.domain",
        kind: RuleKind::Authenticity,
        title: "The Message-ID's domain is not the one this sender's messages normally use.",
        checks: "For each From address with at least five messages that have a Message-ID (this one included), looks at the domain after the @ of each ID. Medium when this message's ID domain appears in none of the sender's other messages while one other domain covers at least 80% of them.",
        why: "The domain in a Message-ID is written by the sender's mail program or server (the company's Exchange server, a webmail service, a phone app). An ID from somewhere the sender never sends from suggests the message was made elsewhere: with another program, or another account.",
        false_positives: "The same person sending from a phone, webmail or another of their accounts; calendar invitations and automated messages sent on their behalf; mail-server migrations; shared mailboxes. Check whether the odd domain belongs to a service the sender plausibly used.",
    },
    Rule {
        id: "message_id.malformed",
        kind: RuleKind::Authenticity,
        title: "The Message-ID is not of the form <unique@domain> that mail programs write.",
        checks: "Flags a Message-ID that is not <local@domain> with a non-empty local part and domain and no spaces or extra angle brackets. Severity by how rare that is among the dump's messages: medium when at most 2% of them have a malformed ID (or only one among twenty or more), low when at most 10%, info otherwise. Messages without a Message-ID are not flagged.",
        why: "Mail programs generate Message-IDs automatically in a standard form; a broken one is typical of a message typed or assembled by hand or by a script, unless the whole dump is full of them.",
        false_positives: "Old or home-made mail software, bulk mailers, some gateways and exporters write odd IDs; when many messages share the defect it is the dump's normal (hence info). Check which program the message says it came from.",
    },
    Rule {
        id: "message_id.reused",
        kind: RuleKind::Authenticity,
        title: "Two messages carry the same Message-ID but differ in their body, subject, sender or date.",
        checks: "Groups messages by Message-ID and compares each later copy with the first: the body (by hash; not compared when either copy comes from an Outlook store), the decoded Subject, the From address and the Date. Identical copies are normal in a leak and not reported. High when they differ; low when either copy carries mailing-list headers. The finding is on the later copy and names the first.",
        why: "A Message-ID is made once for each message; two different messages with one ID mean one was made from the other, and editing a genuine message is the usual way to forge one.",
        false_positives: "Mailing-list copies (tagged subjects, footers); gateways that add disclaimers or re-encode the body between the sender's copy and the recipient's; the same message exported by different tools that re-encode it. Compare the two copies side by side: a changed footer or encoding is benign, changed words are not.",
    },
    Rule {
        id: "message_id.time_mismatch",
        kind: RuleKind::Authenticity,
        title: "The time a mail program wrote into the Message-ID disagrees with the Date header.",
        checks: "Recognises Message-ID styles that embed the time they were made: YYYYMMDDhhmm[ss] (mutt and others; local time, so 14 hours are allowed), Unix seconds (Evolution style), Outlook's FILETIME in hex, Netscape and Thunderbird hex seconds, and Python's make_msgid centiseconds. Fires when that time is more than a day (plus 14 hours for the YYYYMMDD style, plus a minute for the others) away from the Date, but less than five years away (beyond that the digits are taken not to be a time). Medium; high beyond 30 days.",
        why: "The program wrote that time itself when it made the message, and someone editing the Date rarely knows it is there: a Date that moved while the ID kept the old time is a direct sign the Date was changed.",
        false_positives: "An ID that only looks like one of these styles (a number of the right length), a draft whose ID was made days before it was sent, and a clock set wrong when the ID was made. Check which program the message says it came from, and whether its other messages' IDs match their Dates.",
    },
    Rule {
        id: "name.path_traversal",
        kind: RuleKind::Coverage,
        title: "A member name would write outside the folder it is unpacked to (absolute path, drive letter, '..' or NUL).",
        checks: "Low, for any member name in any container that contains a NUL byte, starts with / or \\, starts with a drive letter (C:), or has a '..' path segment. The member is still listed and read; leakcheck never unpacks anything to disk.",
        why: "Harmless to leakcheck, but a sign the archive was crafted to attack whoever unpacks it, or is badly damaged: unpack it only with a tool that refuses such names, and be wary of where it came from.",
        false_positives: "Some old archivers and backup tools store absolute paths (tar -P, some Windows zip tools); that is careless, not hostile.",
    },
    Rule {
        id: "outlook.properties_disagree",
        kind: RuleKind::Authenticity,
        title: "What Outlook displays for a message disagrees with the transport headers it kept.",
        checks: "For Outlook messages (.msg, .pst, TNEF) that kept their original transport headers, medium for each disagreement: the displayed subject (PR_SUBJECT) differs from the Subject header (whitespace aside); the sender address in the properties (the sender's, else the sent-representing one) differs from the From address and does not appear in the From header; the client's submit time (PR_CLIENT_SUBMIT_TIME) is more than 2 minutes from the Date; or the delivery time (PR_MESSAGE_DELIVERY_TIME) is more than an hour before the newest Received header. evidence.field, observed and expected say which.",
        why: "Outlook fills these properties from the headers when a message arrives, and nothing in normal use changes one without the other. Editing a .msg with a MAPI property editor, the easy way to doctor one, changes what Outlook shows but leaves the headers, the DKIM signature and the Received chain as they were.",
        false_positives: "Messages sent by a delegate or through a mailing list, whose Sender differs from From: Outlook's sender property then holds the delegate or list address. Also subjects in a mislabelled character set that decode differently, and delayed or scheduled sending, where the two send times are stamped at different moments. Open the message in Outlook and compare with its raw headers.",
    },
    Rule {
        id: "pdf.incremental_update",
        kind: RuleKind::Authenticity,
        title: "The PDF was saved more than once: an update was appended after it was first written.",
        checks: "Counts the revisions in the PDF's cross-reference chain (startxref and /Prev, less the extra section of a linearized file). Fires when there is more than one: medium when the Producer recorded in the revisions changed, or when the Info dictionary and XMP metadata disagree (any pdf.info_xmp_disagree, even a low one); info otherwise.",
        why: "An incremental update keeps the original bytes and appends the changes, so an edited PDF often still contains its earlier version, which can be extracted and compared. A change of Producer shows another program made the edit.",
        false_positives: "Filling in a form, signing, annotating or commenting in Acrobat and similar readers all append updates, sometimes under another producer name: everyday use. Extract the earlier revision (the file up to its first %%EOF) and compare what changed.",
    },
    Rule {
        id: "pdf.info_xmp_disagree",
        kind: RuleKind::Authenticity,
        title: "The PDF's Info dictionary and its XMP metadata tell different stories.",
        checks: "Compares the old Info dictionary with the XMP packet, ignoring case, punctuation and trademark signs and accepting one value containing the other: /Author against dc:creator (medium); /Creator against xmp:CreatorTool (medium, or low when /Producer differs too, the mark of a converter that rewrote Info); /Producer against pdf:Producer and /Title against dc:title (low); CreationDate and ModDate against xmp:CreateDate and xmp:ModifyDate more than 2 minutes apart beyond any zone uncertainty (low). The worst disagreement sets the severity; all are listed.",
        why: "Programs that write PDFs set both copies of the metadata together. A tool that edits one and not the other (a quick Info editor, a forger's script) leaves them disagreeing, and the XMP side often still shows the original author or program.",
        false_positives: "Document servers and converters that rewrite Info but not XMP, PDF optimisers and print-to-PDF drivers, and XMP copied from a template. Low date or title differences are common. Compare with other PDFs from the same source.",
    },
    Rule {
        id: "received.consistent",
        kind: RuleKind::Support,
        title: "The Received chain is in order and agrees with the Date header.",
        checks: "Supporting, for a message with at least two Received headers, all timestamped and in order (no hop stamped more than 10 minutes after the hop that followed it), and a Date with a real zone that raised neither date.after_received nor date.before_received (at most an hour after and three days before the first hop, after the sender's habitual offset). It lowers the item's suspicion score slightly (2 points).",
        why: "A chain of server timestamps that runs forward and fits the Date is what a message that really travelled looks like.",
        false_positives: "Weak evidence: Received headers are plain text and can be copied along with a message. The rule does not look at whether the hops connect (received.disconnected) or have impossible zones (received.impossible_zone), so it can appear beside those findings, and a Date up to three days before the first hop still counts as agreeing.",
    },
    Rule {
        id: "received.disconnected",
        kind: RuleKind::Authenticity,
        title: "The Received chain does not connect: a server says it got the message from a host other than the previous server.",
        checks: "For each pair of consecutive Received headers, compares the host that took the older hop ('by') with the host the next hop says the message came from ('from'); names match when equal or when they share their last two labels (mx1.example.org and smtp.example.org). Severity follows how rare broken pairs are across the whole dump: medium when at most 2% of pairs are broken (or only one among twenty or more), low when at most 10%, info otherwise.",
        why: "Each server records whom it received the message from; a gap in the chain means a hop is missing or a header was inserted or copied from another message, which is what splicing headers together leaves behind.",
        false_positives: "The 'from' name is what the sending machine calls itself, often a bare machine name, an IP address or 'localhost' (content filters and antivirus relays on the same server); one organisation's hosts on different domains; forwarding services. If the same pair of hosts breaks in many messages, it is how that infrastructure works.",
    },
    Rule {
        id: "received.impossible_zone",
        kind: RuleKind::Authenticity,
        title: "A Received header's time-zone offset does not exist anywhere.",
        checks: "Medium, one finding per Received header whose numeric zone is outside -1200..+1400 or not a whole, half or three-quarter hour.",
        why: "Mail servers take the offset from their operating system, which only knows real zones; an impossible one was typed by hand or written by a script, as when Received headers are made up.",
        false_positives: "Misconfigured or home-made mail servers can write broken offsets; if one server does it in all its messages, it is that server, not an edit.",
    },
    Rule {
        id: "received.out_of_order",
        kind: RuleKind::Authenticity,
        title: "The Received chain runs backwards: a server received the message before the previous server sent it on.",
        checks: "For each pair of consecutive timestamped Received headers, fires when the older hop's time is more than 10 minutes later than the newer hop's. High when the inversion exceeds 6 hours, medium otherwise; info when the receiving server does so in at least half of its hop pairs in the dump (with at least three), since its clock is simply wrong.",
        why: "Servers stamp the time as they receive a message; a chain that runs backwards by hours means headers were reordered, edited or taken from different messages.",
        false_positives: "A server with a wrong clock that handles too few messages in the dump to be recognised as habitual, and relays that write local time with a wrong offset. Compare with other messages that passed through the same servers.",
    },
    Rule {
        id: "thread.missing_parent",
        kind: RuleKind::Authenticity,
        title: "A reply's parent message is not in the dump, although nearly every other reply's parent is.",
        checks: "A reply is a message whose In-Reply-To (else its last References entry) names another Message-ID. When the dump has at least ten replies and at least 90% of them have their parent in it, each reply whose parent is absent is flagged: medium when the replies with a parent make up at least 98% of the other replies, low otherwise.",
        why: "In a dump that holds almost whole conversations, a reply to a message nobody has is odd: the parent may never have existed, which is how a fabricated reply slipped into a real thread looks.",
        false_positives: "Replies to messages that were deleted, sent only to people outside the dump, or kept in a mailbox that was not leaked; a first message in a thread written from another account; replies to mailing-list posts. Ask whether the parent's sender or recipients are covered by the dump.",
    },
    Rule {
        id: "thread.missing_parents",
        kind: RuleKind::Coverage,
        title: "The dump is partial: many replies answer messages that are not in it.",
        checks: "Info, one note per scan, when some replies' parents are missing and the dump does not qualify for thread.missing_parent (fewer than ten replies, or fewer than 90% of them with their parent). It gives the count and names up to 20 of those replies.",
        why: "The dump holds fragments of conversations, so a missing parent says nothing about any single message.",
        false_positives: "Not a doubt about any item: a leak of one mailbox, or a selection of messages, is naturally partial.",
    },
    Rule {
        id: "thread.reply_before_parent",
        kind: RuleKind::Authenticity,
        title: "A reply is dated before the message it answers.",
        checks: "Finds the parent named by In-Reply-To (else the last References entry) in the dump and compares the two times: each Date less its sender's habitual offset (the median of Date minus first Received hop, for senders with three or more such messages), or the first hop's time when a message has no Date. Medium when the reply is more than 15 minutes before its parent, high when more than 3 hours before.",
        why: "A reply cannot be written before the message it answers, so one of the two dates is false: often a re-dated original or a fabricated reply.",
        false_positives: "A sender's clock or time zone wrong for a while without it being their habit (a laptop after travel, a phone set by hand), and a Date rewritten by a gateway. Compare both messages' Received times, which come from servers.",
    },
    Rule {
        id: "time.outside_window",
        kind: RuleKind::Authenticity,
        title: "An email is dated outside the dump's time window.",
        checks: "Uses the window given with --window, or infers one from the dump's dated emails (at least ten): their 2nd to 98th percentile, widened by a tenth of that span and at least three days, so a few planted dates cannot stretch it. An email's time is its Date, else its first Received hop. Medium when after the window, low when before it.",
        why: "An email dated after the material's last genuine activity was either added later or carries a wrong date; both are worth checking.",
        false_positives: "Old mail kept, quoted or forwarded into the period (why earlier dates are only low), messages with a wrong Date (look for date.* findings), a dump that really spans several periods, and an inferred window that is too narrow. Give --window when the period of the material is known.",
    },
    Rule {
        id: "type.mismatch",
        kind: RuleKind::Authenticity,
        title: "The content's real type differs from the type its name or declared Content-Type claims.",
        checks: "Compares the type detected from the content (magic bytes and, for zip and OLE2 files, their inner structure) with the type claimed by the file name's extension and, for attachments, by the declared Content-Type; the worse disagreement is reported. High when the content can run code (a Windows, Linux or macOS program, an installer, a macro-enabled Office file) and the claim does not; medium when the claimed format is one leakcheck can recognise and the content is another binary format (a 'PDF' that is a JPEG); low within one family (a PNG named .jpg, a .docx named .doc, a plain zip named .docx) or when text stands where a binary format was promised. Scripts count as text. Generic claims (application/octet-stream), formats without a reliable signature, unknown or empty content, unreadable items and links say nothing.",
        why: "A disguised file is a classic way to slip a harmful program past a reader or to pass one file off as another; genuine senders rarely rename a macro-enabled document to .jpg. Do not open a high finding on a newsroom machine.",
        false_positives: "Mail programs sometimes declare a wrong Content-Type; an error page or a failed download saved under a .pdf or .docx name gives a low finding; old Office files saved under a newer extension (a .doc that is really RTF or .docx) are common and harmless. Compare with other copies of the file in the dump.",
    },
];

/// The catalogue entry of `id`.
pub fn find(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// What a finding of rule `id` says. An id missing from the catalogue (a
/// test forbids it) counts by its family: limits, reading and file-system
/// rules are coverage, anything else bears on authenticity.
pub fn kind_of(id: &str) -> RuleKind {
    if let Some(r) = find(id) {
        return r.kind;
    }
    const COVERAGE: [&str; 7] = [
        "limit.",
        "ingest.",
        "fs.",
        "check.",
        "name.",
        "archive.",
        "document.",
    ];
    if COVERAGE.iter().any(|p| id.starts_with(p)) {
        RuleKind::Coverage
    } else {
        RuleKind::Authenticity
    }
}

/// The text `leakcheck explain RULE` prints, wrapped for a terminal.
pub fn explain_text(rule: &Rule) -> String {
    let mut out = format!("{} ({})\n", rule.id, rule.kind.as_str());
    for line in wrap(rule.title, 76) {
        out.push_str("  ");
        out.push_str(&line);
        out.push('\n');
    }
    for (head, body) in [
        ("What it checks", rule.checks),
        ("Why it matters", rule.why),
        ("Known false positives", rule.false_positives),
    ] {
        out.push_str(&format!("\n{head}:\n"));
        for line in wrap(body, 76) {
            out.push_str("  ");
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

/// Greedy word wrap at `width` characters.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::{Path, PathBuf};

    #[test]
    fn ids_are_sorted_unique_and_texts_are_single_paragraphs() {
        for w in RULES.windows(2) {
            assert!(
                w[0].id < w[1].id,
                "RULES must be sorted by id without repeats: '{}' comes before '{}'",
                w[0].id,
                w[1].id
            );
        }
        for r in RULES {
            assert!(id_shaped(r.id), "'{}' is not of the form family.name", r.id);
            for (field, text) in [
                ("title", r.title),
                ("checks", r.checks),
                ("why", r.why),
                ("false_positives", r.false_positives),
            ] {
                assert!(!text.trim().is_empty(), "{}: empty {field}", r.id);
                assert!(
                    !text.contains(['\n', '\r']),
                    "{}: {field} must be one paragraph without newlines",
                    r.id
                );
                assert_eq!(text, text.trim(), "{}: {field} has stray whitespace", r.id);
            }
            assert!(r.title.ends_with('.'), "{}: the title is a sentence", r.id);
            assert_eq!(find(r.id).map(|f| f.id), Some(r.id));
            assert_eq!(kind_of(r.id), r.kind);
        }
    }

    #[test]
    fn coverage_families_are_coverage() {
        // kind_of's fallback for ids missing from the catalogue must agree
        // with the catalogue itself.
        for r in RULES {
            let family = r.id.split('.').next().unwrap_or_default();
            if matches!(
                family,
                "limit" | "ingest" | "fs" | "check" | "name" | "archive" | "document"
            ) {
                assert_eq!(r.kind, RuleKind::Coverage, "{}", r.id);
            }
        }
        assert_eq!(kind_of("limit.not_yet_catalogued"), RuleKind::Coverage);
        assert_eq!(kind_of("doc.not_yet_catalogued"), RuleKind::Authenticity);
    }

    #[test]
    fn explain_text_fits_a_terminal() {
        for r in RULES {
            let text = explain_text(r);
            assert!(text.starts_with(&format!("{} ({})\n", r.id, r.kind.as_str())));
            for line in text.lines() {
                assert!(
                    line.chars().count() <= 78,
                    "{}: line too long: {line}",
                    r.id
                );
            }
        }
    }

    /// `family.name`, both parts `[a-z_]+`.
    fn id_shaped(s: &str) -> bool {
        let part =
            |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
        matches!(s.split_once('.'), Some((f, n)) if part(f) && part(n))
    }

    /// Literals of a rule family that are not rule ids. None today; if a
    /// string like "doc.json" ever has to be written in `src/`, add it here
    /// with a comment saying where it is and why it is not a rule.
    const NOT_RULES: &[&str] = &[];

    /// Calls whose first argument is a rule id: `Finding::new`,
    /// `Finding::support`, the ingest sinks' `finding` / `error_finding`,
    /// the received check's `finding` closure and the DKIM check's `base`.
    /// An id-shaped literal there counts whatever its family, so a finding
    /// of a brand-new family is caught too.
    const RULE_CALLS: &[&str] = &["Finding::new(", "Finding::support(", "finding(", "base(m,"];

    /// The rule ids written in `source`: every literal `"family.name"` whose
    /// family is one of `families`, and every id-shaped literal that is the
    /// first argument of a call in [`RULE_CALLS`]. Also returns the ids
    /// given to `Finding::support`.
    fn rule_literals(
        source: &str,
        families: &BTreeSet<&str>,
    ) -> (BTreeSet<String>, BTreeSet<String>) {
        let mut ids = BTreeSet::new();
        let mut supports = BTreeSet::new();
        // Any double quote may open a literal: read the id-shaped run after
        // it and require the closing quote right after the run.
        for (i, _) in source.match_indices('"') {
            let rest = &source[i + 1..];
            let run = rest
                .find(|c: char| !(c.is_ascii_lowercase() || c == '_' || c == '.'))
                .map_or(rest, |end| &rest[..end]);
            if !rest[run.len()..].starts_with('"') || !id_shaped(run) || NOT_RULES.contains(&run) {
                continue;
            }
            let family = run.split('.').next().unwrap_or_default();
            if families.contains(family) {
                ids.insert(run.to_string());
            }
        }
        for call in RULE_CALLS {
            for (i, _) in source.match_indices(call) {
                let arg = source[i + call.len()..].trim_start();
                let Some(arg) = arg.strip_prefix('"') else {
                    continue;
                };
                let Some(end) = arg.find('"') else { continue };
                let lit = &arg[..end];
                if id_shaped(lit) && !NOT_RULES.contains(&lit) {
                    ids.insert(lit.to_string());
                    if *call == "Finding::support(" {
                        supports.insert(lit.to_string());
                    }
                }
            }
        }
        (ids, supports)
    }

    fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
            .map(|e| e.expect("directory entry").path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                rust_files(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }

    fn families() -> BTreeSet<&'static str> {
        RULES
            .iter()
            .map(|r| r.id.split('.').next().unwrap_or_default())
            .collect()
    }

    #[test]
    fn the_scanner_finds_rule_ids_and_nothing_else() {
        let source = r#"
            let a = Finding::new("doc.new_rule", Severity::Low, paths, "m");
            sink.finding(
                "zipbomb.detected",
                Severity::Low,
                msg,
            );
            let b = Finding::support("received.consistent", paths, "ok");
            let c = parse(xml).map_err(|e| format!("docProps/core.xml: {e}"))?;
            let d = "core.xml";
            let e = "ivan.petrov";
            let f = "limit.depth";
            let g = "escaped \"doc.quoted\" text";
            fn finding(rule: &str) {}
        "#;
        let (ids, supports) = rule_literals(source, &families());
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        assert_eq!(
            ids,
            [
                "doc.new_rule",
                "limit.depth",
                "received.consistent",
                "zipbomb.detected"
            ]
        );
        assert_eq!(
            supports.into_iter().collect::<Vec<_>>(),
            ["received.consistent"]
        );
    }

    #[test]
    fn every_rule_in_the_sources_has_an_entry_and_every_entry_is_used() {
        let src = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src"));
        let this = src.join("rules.rs");
        let mut files = Vec::new();
        rust_files(src, &mut files);
        let families = families();
        let mut used: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut supported: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for f in files.iter().filter(|f| **f != this) {
            let text = std::fs::read_to_string(f)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", f.display()));
            let shown = f.strip_prefix(src).unwrap_or(f).display().to_string();
            let (ids, supports) = rule_literals(&text, &families);
            for id in ids {
                used.entry(id).or_default().push(shown.clone());
            }
            for id in supports {
                supported.entry(id).or_default().push(shown.clone());
            }
        }
        let missing: Vec<String> = used
            .iter()
            .filter(|(id, _)| find(id).is_none())
            .map(|(id, files)| format!("{id} (in {})", files.join(", ")))
            .collect();
        let stale: Vec<&str> = RULES
            .iter()
            .map(|r| r.id)
            .filter(|id| !used.contains_key(*id))
            .collect();
        assert!(
            missing.is_empty() && stale.is_empty(),
            "rule ids without a catalogue entry in src/rules.rs: {missing:?} (if one is not a rule id, add it to NOT_RULES); catalogue entries no source file writes: {stale:?}"
        );
        let not_support: Vec<String> = supported
            .iter()
            .filter(|(id, _)| kind_of(id) != RuleKind::Support)
            .map(|(id, files)| format!("{id} (in {})", files.join(", ")))
            .collect();
        assert!(
            not_support.is_empty(),
            "rules given to Finding::support must be of kind Support: {not_support:?}"
        );
    }
}
