//! `serve`: a DNS server on loopback that answers the endpoint name as one client's resolver
//! chain would, so real tools (`dig`, `kubectl` with a resolver override, a test harness)
//! can be pointed at the simulated answer. The answer is the analysis's own
//! ([`crate::dns::Resolution`]): `NOERROR` with its A and AAAA records, `SERVFAIL` where the
//! resolution fails, `REFUSED` for any other name (eksflow simulates one name). Messages are
//! hickory-proto's; nothing here decides an answer.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use hickory_proto::op::{Message, MessageType, OpCode, ResponseCode};
use hickory_proto::rr::{Name, Record, RecordType};

use crate::analysis::Flow;

/// The largest DNS message over UDP read or written (EDNS0's common ceiling); longer
/// datagrams are cut by the kernel and fail to decode.
const UDP_SIZE: usize = 4096;
/// How long a blocking wait lasts before the server looks at its stop flag again.
const POLL: Duration = Duration::from_millis(50);
/// A TCP client that sends nothing for this long is dropped (RFC 7766 suggests seconds).
const TCP_IDLE: Duration = Duration::from_secs(2);
/// Messages answered on one TCP connection before it is closed.
const TCP_MESSAGES: usize = 64;

/// What one client's resolver chain answers for the endpoint name.
#[derive(Debug, Clone)]
pub struct Answers {
    name: Name,
    records: Vec<Record>,
    failed: bool,
}

impl Answers {
    /// The answers of `flow` for the endpoint `name`.
    pub fn of(name: Name, flow: &Flow<'_>) -> Self {
        Answers {
            name,
            records: flow.dns.records.clone(),
            failed: flow.dns.failure.is_some(),
        }
    }

    /// The response to one query message in wire format, or `None` when the bytes are not a
    /// DNS query (no response is better than a guess at the ID).
    pub fn respond(&self, query: &[u8]) -> Option<Vec<u8>> {
        let query = Message::from_vec(query).ok()?;
        if query.metadata.message_type != MessageType::Query {
            return None;
        }
        let mut response = Message::new(
            query.metadata.id,
            MessageType::Response,
            query.metadata.op_code,
        );
        response.metadata.recursion_desired = query.metadata.recursion_desired;
        response.metadata.recursion_available = true;
        let question = query.queries.first().cloned();
        if let Some(question) = &question {
            response.add_query(question.clone());
        }
        response.metadata.response_code = match (&question, query.metadata.op_code) {
            (_, code) if code != OpCode::Query => ResponseCode::NotImp,
            (None, _) => ResponseCode::FormErr,
            (Some(question), _) if question.name() != &self.name => ResponseCode::Refused,
            (Some(_), _) if self.failed => ResponseCode::ServFail,
            (Some(question), _) => {
                let kind = question.query_type();
                let matching = self
                    .records
                    .iter()
                    .filter(|record| kind == RecordType::ANY || record.record_type() == kind);
                response.add_answers(matching.cloned());
                ResponseCode::NoError
            }
        };
        response.to_vec().ok()
    }
}

/// How long the server runs.
#[derive(Debug, Clone, Copy, Default)]
pub struct Budget {
    /// Stop after answering this many queries (tests).
    pub max_queries: Option<u64>,
}

/// The sockets of a server, bound and ready.
#[derive(Debug)]
pub struct Server {
    udp: UdpSocket,
    tcp: TcpListener,
}

impl Server {
    /// Binds UDP and TCP on `listen` (port 0: a free port, the same for both).
    pub fn bind(listen: SocketAddr) -> io::Result<Server> {
        let udp = UdpSocket::bind(listen)?;
        let tcp = TcpListener::bind(udp.local_addr()?)?;
        udp.set_read_timeout(Some(POLL))?;
        tcp.set_nonblocking(true)?;
        Ok(Server { udp, tcp })
    }

    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.udp.local_addr()
    }

    /// Answers queries until `stop` is set or the budget is spent; returns how many were
    /// answered.
    pub fn run(&self, answers: &Answers, budget: Budget, stop: &AtomicBool) -> io::Result<u64> {
        let mut answered = 0;
        let mut buffer = vec![0u8; UDP_SIZE];
        let spent = |answered: u64| budget.max_queries.is_some_and(|max| answered >= max);
        while !stop.load(Ordering::Relaxed) && !spent(answered) {
            match self.udp.recv_from(&mut buffer) {
                Ok((size, peer)) => {
                    if let Some(response) =
                        buffer.get(..size).and_then(|query| answers.respond(query))
                    {
                        // A peer that went away is its own problem, not the server's.
                        let _ = self.udp.send_to(&response, peer);
                        answered += 1;
                    }
                }
                Err(error)
                    if matches!(
                        error.kind(),
                        io::ErrorKind::WouldBlock
                            | io::ErrorKind::TimedOut
                            | io::ErrorKind::Interrupted
                    ) => {}
                Err(error) => return Err(error),
            }
            match self.tcp.accept() {
                Ok((stream, _)) => {
                    let left = budget.max_queries.map(|max| max.saturating_sub(answered));
                    answered += tcp_session(stream, answers, left);
                }
                Err(error) if error.kind() == io::ErrorKind::WouldBlock => {}
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => return Err(error),
            }
        }
        Ok(answered)
    }
}

/// DNS over TCP (RFC 1035 4.2.2: each message after a two-byte length): answers up to
/// `left` (and at most [`TCP_MESSAGES`]) messages, then closes.
fn tcp_session(mut stream: TcpStream, answers: &Answers, left: Option<u64>) -> u64 {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(TCP_IDLE));
    let mut answered = 0;
    for _ in 0..TCP_MESSAGES {
        if left.is_some_and(|left| answered >= left) {
            break;
        }
        let mut length = [0u8; 2];
        if stream.read_exact(&mut length).is_err() {
            break;
        }
        let mut query = vec![0u8; usize::from(u16::from_be_bytes(length))];
        if stream.read_exact(&mut query).is_err() {
            break;
        }
        let Some(response) = answers.respond(&query) else {
            break;
        };
        let Ok(size) = u16::try_from(response.len()) else {
            break;
        };
        if stream.write_all(&size.to_be_bytes()).is_err() || stream.write_all(&response).is_err() {
            break;
        }
        answered += 1;
    }
    answered
}
