//! Live DNS lookups of DKIM keys, only when asked (`--dns FILE`).
//!
//! Offline keys come first; a name they do not hold is asked of one
//! resolver over UDP (TCP when the answer is truncated), once per scan,
//! and every answer — the key, NXDOMAIN, or the failure — is kept so the
//! caller can write it as a key file: the next run, and CI, read that file
//! with `--dkim-keys` and get the same results without the network.
//!
//! DNS messages are built and parsed with `hickory-proto` (the DNS crate of
//! the Hickory project, without its async runtime); the transport is a
//! plain blocking socket, because lookups are few (one per selector).

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::sync::Mutex;
use std::time::Duration;

use hickory_proto::op::{Edns, Message, MessageType, OpCode, Query, ResponseCode};
use hickory_proto::rr::{Name, RData, RecordType};

use super::keys::Record;

/// How long one query waits for its answer.
pub const TIMEOUT: Duration = Duration::from_secs(3);
/// Tries per name before it is recorded as failed.
pub const TRIES: u32 = 2;

/// A resolver and the answers it gave during this scan.
#[derive(Debug)]
pub struct Live {
    server: SocketAddr,
    answers: Mutex<BTreeMap<String, Record>>,
    /// One lock per name, held while its question is out: two workers
    /// wanting one key ask once, and different keys are asked side by side.
    asking: Mutex<BTreeMap<String, std::sync::Arc<Mutex<()>>>>,
}

impl Live {
    pub fn new(server: SocketAddr) -> Live {
        Live {
            server,
            answers: Mutex::new(BTreeMap::new()),
            asking: Mutex::new(BTreeMap::new()),
        }
    }

    /// The first `nameserver` of `/etc/resolv.conf` (port 53).
    pub fn system_server() -> Option<SocketAddr> {
        let text = std::fs::read_to_string("/etc/resolv.conf").ok()?;
        text.lines()
            .filter_map(|l| l.trim().strip_prefix("nameserver"))
            .filter_map(|ip| ip.trim().parse::<std::net::IpAddr>().ok())
            .map(|ip| SocketAddr::new(ip, 53))
            .next()
    }

    /// The TXT record of `name`, asked once per scan.
    pub fn lookup(&self, name: &str) -> Record {
        if let Some(r) = self.lock().get(name) {
            return r.clone();
        }
        // One question per name at a time: whoever waited finds the answer
        // the other worker got.
        let gate = self
            .asking
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(name.to_string())
            .or_default()
            .clone();
        let _asking = gate.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(r) = self.lock().get(name) {
            return r.clone();
        }
        let record = self.ask(name);
        self.lock()
            .entry(name.to_string())
            .or_insert(record)
            .clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Record>> {
        // A panic elsewhere while holding the lock leaves a usable map.
        self.answers.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Every answer given so far, as key-file records.
    pub fn answers(&self) -> BTreeMap<String, Record> {
        self.lock().clone()
    }

    fn ask(&self, name: &str) -> Record {
        let mut last = String::new();
        for _ in 0..TRIES {
            match query(self.server, name) {
                Ok(r) => return r,
                Err(e) => last = e,
            }
        }
        Record::Failed(format!("DNS lookup failed: {last}"))
    }
}

fn request(name: &str) -> Result<(u16, Vec<u8>), String> {
    let qname = Name::from_ascii(format!("{name}.")).map_err(|e| format!("bad name: {e}"))?;
    let id = std::process::id() as u16 ^ (name.len() as u16).rotate_left(7);
    let mut m = Message::new(id, MessageType::Query, OpCode::Query);
    m.metadata.recursion_desired = true;
    m.add_query(Query::query(qname, RecordType::TXT));
    let mut edns = Edns::new();
    edns.set_max_payload(1232);
    m.set_edns(edns);
    Ok((id, m.to_vec().map_err(|e| e.to_string())?))
}

fn query(server: SocketAddr, name: &str) -> Result<Record, String> {
    let (id, bytes) = request(name)?;
    let bind = if server.is_ipv4() {
        "0.0.0.0:0"
    } else {
        "[::]:0"
    };
    let sock = UdpSocket::bind(bind).map_err(|e| e.to_string())?;
    sock.set_read_timeout(Some(TIMEOUT))
        .map_err(|e| e.to_string())?;
    sock.send_to(&bytes, server).map_err(|e| e.to_string())?;
    let mut buf = vec![0u8; 4096];
    let reply = loop {
        let (n, from) = sock.recv_from(&mut buf).map_err(|e| e.to_string())?;
        if from != server {
            continue; // not our resolver
        }
        let m = Message::from_vec(&buf[..n]).map_err(|e| format!("malformed answer: {e}"))?;
        if m.metadata.id == id {
            break m;
        }
    };
    let reply = if reply.metadata.truncation {
        query_tcp(server, &bytes, id)?
    } else {
        reply
    };
    answer(&reply)
}

fn query_tcp(server: SocketAddr, bytes: &[u8], id: u16) -> Result<Message, String> {
    let mut s = TcpStream::connect_timeout(&server, TIMEOUT).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(TIMEOUT))
        .map_err(|e| e.to_string())?;
    let len = u16::try_from(bytes.len()).map_err(|_| "query too long".to_string())?;
    s.write_all(&len.to_be_bytes()).map_err(|e| e.to_string())?;
    s.write_all(bytes).map_err(|e| e.to_string())?;
    let mut len = [0u8; 2];
    s.read_exact(&mut len).map_err(|e| e.to_string())?;
    let mut buf = vec![0u8; usize::from(u16::from_be_bytes(len))];
    s.read_exact(&mut buf).map_err(|e| e.to_string())?;
    let m = Message::from_vec(&buf).map_err(|e| format!("malformed answer: {e}"))?;
    if m.metadata.id != id {
        return Err("answer to another query".into());
    }
    Ok(m)
}

fn answer(m: &Message) -> Result<Record, String> {
    match m.metadata.response_code {
        ResponseCode::NoError => {}
        ResponseCode::NXDomain => return Ok(Record::NxDomain),
        other => return Err(format!("{other}")),
    }
    // One TXT record's strings are joined (RFC 6376 §3.6.2.2).
    let txt = m.answers.iter().find_map(|r| match &r.data {
        RData::TXT(t) => Some(
            t.txt_data
                .iter()
                .map(|s| String::from_utf8_lossy(s).into_owned())
                .collect::<String>(),
        ),
        _ => None,
    });
    Ok(match txt {
        Some(t) => Record::Txt(t),
        // The name exists but has no TXT record.
        None => Record::NxDomain,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_read_from_the_message() {
        let mut m = Message::new(7, MessageType::Response, OpCode::Query);
        m.metadata.response_code = ResponseCode::NXDomain;
        assert_eq!(answer(&m), Ok(Record::NxDomain));
        m.metadata.response_code = ResponseCode::ServFail;
        assert!(answer(&m).is_err());
        let (_, q) = request("s1._domainkey.example.org").expect("request");
        let parsed = Message::from_vec(&q).expect("parses");
        assert_eq!(parsed.queries.len(), 1);
        assert!(request("a..b").is_err(), "an empty label is refused");
    }
}
