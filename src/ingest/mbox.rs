//! mbox files, split the way Python's `mailbox.mbox` splits them, so that a
//! message's bytes (and so its hashes) are what `get_bytes()` returns:
//!
//! * every line that starts with `From ` opens a message (mboxo, mboxrd,
//!   Thunderbird's `From - …`); the separator line itself is not part of it;
//! * the message runs to the next separator or the end of the file, less
//!   one empty line (`\n`) just before that point if there is one;
//! * nothing is unescaped here: `>From ` lines are unescaped only when the
//!   message is parsed (mboxo and mboxrd cannot be told apart reliably).
//!
//! A CRLF file's blank line is `\r\n`, which Python does not take for the
//! empty line, so it stays in the message; we do the same.
//!
//! Messages are streamed line by line, so a huge message (or a file with no
//! line breaks) never has to fit in memory.

use std::io::{self, BufRead, Read};

use serde_json::Value;

use super::{Content, Format, Member, MemberContent, Sink};
use crate::detect;
use crate::item::ItemKind;

pub(crate) struct Mbox;

/// Longest line piece held at once; a longer line is passed on in pieces.
const LINE_CAP: usize = 1 << 20;

impl Format for Mbox {
    fn name(&self) -> &'static str {
        "mbox"
    }

    fn opens(&self, detected: &str, _: ItemKind) -> bool {
        detected == detect::MBOX
    }

    fn list(&self, content: &Content<'_>, sink: &mut Sink<'_, '_>) -> Result<(), String> {
        let mut lines = Lines::new(content.stream().map_err(|e| e.to_string())?);
        // Skip to the first separator; bytes before it belong to no message.
        let mut preamble = 0u64;
        let mut separator = loop {
            match lines.next().map_err(|e| e.to_string())? {
                None => return Ok(()),
                Some(l) if l.is_separator() => break l.bytes,
                Some(l) => preamble += l.bytes.len() as u64,
            }
        };
        if preamble > 0 {
            sink.container_metadata("bytes_before_first_separator", preamble);
        }
        let mut number = 0u64;
        loop {
            number += 1;
            let mut msg = Message {
                lines: &mut lines,
                out: Vec::new(),
                pos: 0,
                pending_empty: false,
                next_separator: None,
                ended: false,
            };
            let mut m = Member::new(
                number.to_string(),
                ItemKind::Email,
                MemberContent::Bytes(&[]),
            );
            let sep = String::from_utf8_lossy(&separator);
            m.metadata
                .insert("mbox_separator".into(), Value::from(sep.trim_end()));
            m.content = MemberContent::Reader(&mut msg);
            sink.member(m);
            // Whatever the reader left unread (a limit was hit) is skipped.
            io::copy(&mut msg, &mut io::sink()).map_err(|e| e.to_string())?;
            match msg.next_separator.take() {
                Some(s) => separator = s,
                None => return Ok(()),
            }
        }
    }
}

/// A piece of a line: a whole line, or a part of an over-long one.
struct Line {
    bytes: Vec<u8>,
    /// Whether the piece starts at the beginning of a line.
    at_start: bool,
}

impl Line {
    fn is_separator(&self) -> bool {
        self.at_start && self.bytes.starts_with(b"From ")
    }
}

struct Lines<R> {
    r: R,
    at_start: bool,
}

impl<R: BufRead> Lines<R> {
    fn new(r: R) -> Lines<R> {
        Lines { r, at_start: true }
    }

    fn next(&mut self) -> io::Result<Option<Line>> {
        let mut bytes = Vec::new();
        loop {
            let buf = match self.r.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if buf.is_empty() {
                break;
            }
            let room = LINE_CAP - bytes.len();
            let (take, done) = match memchr(b'\n', &buf[..buf.len().min(room)]) {
                Some(i) => (i + 1, true),
                None => (
                    buf.len().min(room),
                    bytes.len() + buf.len().min(room) >= LINE_CAP,
                ),
            };
            bytes.extend_from_slice(&buf[..take]);
            self.r.consume(take);
            if done {
                break;
            }
        }
        if bytes.is_empty() {
            return Ok(None);
        }
        let at_start = self.at_start;
        self.at_start = bytes.ends_with(b"\n");
        Ok(Some(Line { bytes, at_start }))
    }
}

fn memchr(needle: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|&b| b == needle)
}

/// Reads one message: its lines up to the next separator, holding back a
/// trailing empty line until it is known not to be the last.
struct Message<'a, R> {
    lines: &'a mut Lines<R>,
    out: Vec<u8>,
    pos: usize,
    pending_empty: bool,
    next_separator: Option<Vec<u8>>,
    ended: bool,
}

impl<R: BufRead> Message<'_, R> {
    fn refill(&mut self) -> io::Result<()> {
        self.out.clear();
        self.pos = 0;
        while self.out.is_empty() && !self.ended {
            match self.lines.next()? {
                None => self.ended = true,
                Some(l) if l.is_separator() => {
                    self.next_separator = Some(l.bytes);
                    self.ended = true;
                }
                Some(l) => {
                    if self.pending_empty {
                        self.out.push(b'\n');
                        self.pending_empty = false;
                    }
                    if l.at_start && l.bytes == b"\n" {
                        self.pending_empty = true;
                    } else {
                        self.out.extend_from_slice(&l.bytes);
                    }
                }
            }
        }
        Ok(())
    }
}

impl<R: BufRead> Read for Message<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pos >= self.out.len() {
            self.refill()?;
        }
        let n = (self.out.len() - self.pos).min(buf.len());
        buf[..n].copy_from_slice(&self.out[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(data: &[u8]) -> Vec<Vec<u8>> {
        let mut lines = Lines::new(data);
        let mut out = Vec::new();
        let mut started = false;
        loop {
            if !started {
                match lines.next().unwrap() {
                    None => return out,
                    Some(l) if l.is_separator() => started = true,
                    Some(_) => continue,
                }
            }
            let mut msg = Message {
                lines: &mut lines,
                out: Vec::new(),
                pos: 0,
                pending_empty: false,
                next_separator: None,
                ended: false,
            };
            let mut v = Vec::new();
            msg.read_to_end(&mut v).unwrap();
            let more = msg.next_separator.is_some();
            out.push(v);
            if !more {
                return out;
            }
        }
    }

    #[test]
    fn python_semantics() {
        let mbox = b"From a Mon\nSubject: 1\n\nbody\n\nFrom b Tue\nSubject: 2\n\n>From x\n\n\n";
        let msgs = split(mbox);
        assert_eq!(msgs.len(), 2);
        assert_eq!(msgs[0], b"Subject: 1\n\nbody\n");
        // Only the last empty line is dropped, as Python does.
        assert_eq!(msgs[1], b"Subject: 2\n\n>From x\n\n");
    }

    #[test]
    fn no_blank_line_before_separator_and_crlf() {
        let msgs = split(b"From a\r\nX: 1\r\n\r\nFrom b\r\nX: 2\r\n");
        assert_eq!(msgs, vec![b"X: 1\r\n\r\n".to_vec(), b"X: 2\r\n".to_vec()]);
    }

    #[test]
    fn long_lines_are_streamed_in_pieces() {
        let mut data = b"From a\n".to_vec();
        data.extend(std::iter::repeat_n(b'x', LINE_CAP * 2 + 10));
        data.extend_from_slice(b"From not a separator\n");
        let msgs = split(&data);
        assert_eq!(msgs.len(), 1);
        assert_eq!(msgs[0].len(), LINE_CAP * 2 + 10 + 21);
    }
}
