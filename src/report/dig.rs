//! `resolve`: a dig-style answer built from a real DNS message.
//!
//! The answer is assembled as a hickory-proto `Message`, encoded to DNS wire format and
//! decoded back before printing, so what is shown is what a resolver would put on the wire.

use std::fmt::Write;

use hickory_proto::op::{Message, MessageType, OpCode, Query, ResponseCode};
use hickory_proto::rr::{DNSClass, Name, RData, Record, RecordType};

use crate::analysis::{Analysis, Flow};
use crate::escape;

/// The wire-format round trip of the answer to one client's `A` query.
pub fn message(analysis: &Analysis<'_>, flow: &Flow) -> Result<(Message, usize), String> {
    message_of(analysis, flow, RecordType::A)
}

/// The wire-format round trip of the answer to one client's query of type `kind` (`A`, or
/// `AAAA` for a dual-stack endpoint): the resolution's records of that type.
pub fn message_of(
    analysis: &Analysis<'_>,
    flow: &Flow,
    kind: RecordType,
) -> Result<(Message, usize), String> {
    let name = analysis.scenario.cluster.endpoint.clone();
    let records = flow
        .dns
        .records
        .iter()
        .filter(|record| record.record_type() == kind)
        .cloned();
    let answer = answer_of(name, kind, records, flow.dns.failure.is_some());
    round_trip(&answer)
}

/// The response to an `A` query for `name`: recursion desired and available, `records` as
/// the answer section, SERVFAIL when resolution `failed`.
pub fn answer(name: Name, records: impl IntoIterator<Item = Record>, failed: bool) -> Message {
    answer_of(name, RecordType::A, records, failed)
}

/// The response to a query of type `kind` for `name`.
pub fn answer_of(
    name: Name,
    kind: RecordType,
    records: impl IntoIterator<Item = Record>,
    failed: bool,
) -> Message {
    let mut message = Message::new(0, MessageType::Response, OpCode::Query);
    message.metadata.recursion_desired = true;
    message.metadata.recursion_available = true;
    message.metadata.response_code = if failed {
        ResponseCode::ServFail
    } else {
        ResponseCode::NoError
    };
    message.add_query(Query::query(name, kind));
    message.add_answers(records);
    message
}

/// Encodes a message to DNS wire format and decodes it back: the decoded message and the
/// size of the wire form.
pub fn round_trip(message: &Message) -> Result<(Message, usize), String> {
    let wire = message
        .to_vec()
        .map_err(|error| format!("cannot encode the DNS answer: {error}"))?;
    let decoded = Message::from_vec(&wire)
        .map_err(|error| format!("cannot decode the DNS answer: {error}"))?;
    Ok((decoded, wire.len()))
}

fn status(code: ResponseCode) -> String {
    match code {
        ResponseCode::NoError => "NOERROR".to_owned(),
        ResponseCode::ServFail => "SERVFAIL".to_owned(),
        ResponseCode::NXDomain => "NXDOMAIN".to_owned(),
        other => other.to_string().to_uppercase(),
    }
}

fn class(class: DNSClass) -> &'static str {
    match class {
        DNSClass::IN => "IN",
        _ => "CLASS?",
    }
}

/// What `resolve` prints: the `A` query's answer, then on a dual-stack endpoint the `AAAA`
/// query's (SPEC 7.7: "resolve prints AAAA records after the A records").
pub fn text(analysis: &Analysis<'_>, flow: &Flow, short: bool) -> Result<String, String> {
    let mut out = text_of(analysis, flow, short, RecordType::A)?;
    if analysis.scenario.cluster.dual_stack {
        if !short {
            out.push('\n');
        }
        out.push_str(&text_of(analysis, flow, short, RecordType::AAAA)?);
    }
    Ok(out)
}

fn text_of(
    analysis: &Analysis<'_>,
    flow: &Flow,
    short: bool,
    kind: RecordType,
) -> Result<String, String> {
    let (message, size) = message_of(analysis, flow, kind)?;
    if short {
        return Ok(short_answers(&message));
    }
    let mut out = String::new();
    let question = message.queries.first();
    let qname = question.map(|q| q.name().to_string()).unwrap_or_default();
    let _ = writeln!(
        out,
        "; <<>> eksflow {} <<>> {qname} {kind} (client {}, mode {})",
        env!("CARGO_PKG_VERSION"),
        escape::text(&flow.client.name),
        analysis.mode
    );
    out.push_str(&sections(&message));
    let _ = writeln!(out);
    // dig's own tabs are kept, so each value from the input is escaped where it is placed
    // (the endpoint name is a hickory `Name`, whose Display escapes what is not printable).
    let server = escape::text(&flow.dns.server);
    if server == "public-dns" {
        let _ = writeln!(out, ";; SERVER: public DNS (a public recursive resolver)");
    } else {
        let _ = writeln!(
            out,
            ";; SERVER: {server}#53({server}) — {}",
            escape::text(&flow.dns.server_label)
        );
    }
    let _ = writeln!(out, ";; ANSWERED BY: {}", flow.dns.answered_by.as_str());
    if let Some(failure) = &flow.dns.failure {
        let _ = writeln!(
            out,
            ";; FAILURE: {}: {}",
            failure.reason,
            escape::text(&failure.blocked_by)
        );
    }
    let _ = writeln!(
        out,
        ";; WHEN: simulated offline by eksflow (nothing was sent)"
    );
    let _ = writeln!(out, ";; MSG SIZE  rcvd: {size}");
    Ok(out)
}

/// `+short`: the addresses of the answer's A (or AAAA) records, one a line.
pub fn short_answers(message: &Message) -> String {
    let mut out = String::new();
    for record in &message.answers {
        match &record.data {
            RData::A(a) => {
                let _ = writeln!(out, "{}", a.0);
            }
            RData::AAAA(aaaa) => {
                let _ = writeln!(out, "{}", aaaa.0);
            }
            _ => {}
        }
    }
    out
}

/// The header, question and answer sections of a message, as dig prints them.
pub fn sections(message: &Message) -> String {
    let mut out = String::new();
    let _ = writeln!(out, ";; Got answer:");
    let meta = &message.metadata;
    let _ = writeln!(
        out,
        ";; ->>HEADER<<- opcode: QUERY, status: {}, id: {}",
        status(meta.response_code),
        meta.id
    );
    let mut flags = vec!["qr"];
    if meta.authoritative {
        flags.push("aa");
    }
    if meta.recursion_desired {
        flags.push("rd");
    }
    if meta.recursion_available {
        flags.push("ra");
    }
    let _ = writeln!(
        out,
        ";; flags: {}; QUERY: {}, ANSWER: {}, AUTHORITY: {}, ADDITIONAL: {}",
        flags.join(" "),
        message.queries.len(),
        message.answers.len(),
        message.authorities.len(),
        message.additionals.len()
    );
    let _ = writeln!(out, "\n;; QUESTION SECTION:");
    for query in &message.queries {
        let _ = writeln!(
            out,
            ";{}\t\t{}\t{}",
            query.name(),
            class(query.query_class()),
            query.query_type()
        );
    }
    if !message.answers.is_empty() {
        let _ = writeln!(out, "\n;; ANSWER SECTION:");
        for record in &message.answers {
            let data = match &record.data {
                RData::A(a) => a.0.to_string(),
                RData::AAAA(aaaa) => aaaa.0.to_string(),
                other => other.to_string(),
            };
            let _ = writeln!(
                out,
                "{}\t{}\t{}\t{}\t{data}",
                record.name,
                record.ttl,
                class(record.dns_class),
                record.record_type()
            );
        }
    }
    out
}
