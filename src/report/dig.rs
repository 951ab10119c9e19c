//! `resolve`: a dig-style answer built from a real DNS message.
//!
//! The answer is assembled as a hickory-proto `Message`, encoded to DNS wire format and
//! decoded back before printing, so what is shown is what a resolver would put on the wire.

use std::fmt::Write;

use hickory_proto::op::{Message, MessageType, OpCode, Query, ResponseCode};
use hickory_proto::rr::{DNSClass, RData, RecordType};

use crate::analysis::{Analysis, Flow};

/// The wire-format round trip of the answer to one client's query.
pub fn message(analysis: &Analysis<'_>, flow: &Flow) -> Result<(Message, usize), String> {
    let name = analysis.scenario.cluster.endpoint.clone();
    let mut message = Message::new(0, MessageType::Response, OpCode::Query);
    message.metadata.recursion_desired = true;
    message.metadata.recursion_available = true;
    message.metadata.response_code = if flow.dns.failure.is_some() {
        ResponseCode::ServFail
    } else {
        ResponseCode::NoError
    };
    message.add_query(Query::query(name, RecordType::A));
    message.add_answers(flow.dns.records.iter().cloned());
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

pub fn text(analysis: &Analysis<'_>, flow: &Flow, short: bool) -> Result<String, String> {
    let (message, size) = message(analysis, flow)?;
    let mut out = String::new();
    if short {
        for record in &message.answers {
            if let RData::A(a) = &record.data {
                let _ = writeln!(out, "{}", a.0);
            }
        }
        return Ok(out);
    }
    let question = message.queries.first();
    let qname = question.map(|q| q.name().to_string()).unwrap_or_default();
    let _ = writeln!(
        out,
        "; <<>> eksflow {} <<>> {qname} A (client {}, mode {})",
        env!("CARGO_PKG_VERSION"),
        flow.client.name,
        analysis.mode
    );
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
    let _ = writeln!(out);
    let server = &flow.dns.server;
    if server == "public-dns" {
        let _ = writeln!(out, ";; SERVER: public DNS (a public recursive resolver)");
    } else {
        let _ = writeln!(
            out,
            ";; SERVER: {server}#53({server}) — {}",
            flow.dns.server_label
        );
    }
    let _ = writeln!(out, ";; ANSWERED BY: {}", flow.dns.answered_by.as_str());
    if let Some(failure) = &flow.dns.failure {
        let _ = writeln!(
            out,
            ";; FAILURE: {}: {}",
            failure.reason, failure.blocked_by
        );
    }
    let _ = writeln!(
        out,
        ";; WHEN: simulated offline by eksflow (nothing was sent)"
    );
    let _ = writeln!(out, ";; MSG SIZE  rcvd: {size}");
    Ok(out)
}
