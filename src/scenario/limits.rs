//! How much input eksflow accepts. A scenario comes from anyone who can open a pull request,
//! so every size that drives time or memory has a ceiling, and crossing one is an ordinary
//! invalid-input error (exit 2) that names the limit — never a hang, a crash or an
//! out-of-memory kill. The README's "Limits" section lists these with their reasons.
//!
//! Where AWS has a quota, the limit is AWS's own ceiling, so no real configuration is refused.

use super::model::Scenario;
use super::spans::Position;
use crate::diagnostic::{Diagnostic, LoadCode};

/// The largest scenario file eksflow reads. A hand-written or imported scenario is a few
/// kilobytes; the 10,000 clients of [`MAX_CLIENTS`] fit in about 1 MiB.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// The longest line. No field of a scenario needs more than a few hundred bytes; a longer
/// line is a minified or generated file, which YAML (or JSON) can spread over lines.
pub const MAX_LINE_BYTES: usize = 1024 * 1024;

/// The deepest `[`/`{` flow nesting. The scenario format is under ten levels deep. libyaml,
/// which serde_yaml uses, takes time quadratic in flow depth: 100,000 levels is 40 seconds.
pub const MAX_FLOW_DEPTH: usize = 64;

/// Clients per scenario, node-group clients included. A scenario checks the handful of
/// places traffic comes from; past this the table is unreadable anyway.
pub const MAX_CLIENTS: usize = 10_000;

/// Routes per route table: AWS's quota is 50, adjustable to at most 1,000 (Amazon VPC user
/// guide, "Amazon VPC quotas", route tables).
pub const MAX_ROUTES: usize = 1_000;

/// Inbound or outbound rules per network ACL: AWS's quota is 20, adjustable to at most 40
/// (Amazon VPC quotas, network ACLs).
pub const MAX_NACL_RULES: usize = 40;

/// Inbound or outbound rules per security group: AWS caps rules per group times groups per
/// interface at 1,000 (Amazon VPC quotas, security groups).
pub const MAX_SG_RULES: usize = 1_000;

/// Servers one name resolution may ask, across forwarding and failover. A chain is at most
/// [`crate::dns::MAX_FORWARD_HOPS`] long, but servers that each forward to several others fan
/// out exponentially; real DNS gives up long before.
pub const MAX_DNS_QUERIES: usize = 64;

/// Addresses in one answer for the endpoint name: `cluster.enis` and
/// `cluster.publicEndpointIps` each. EKS creates 2–4 ENIs ("Amazon EKS creates 2–4 elastic
/// network interfaces in the subnets that you specify", EKS user guide, network-reqs), and an
/// endpoint answer is at most four A and four AAAA records (SPEC 8.4). Between 5 and this
/// many ENIs the scenario loads and EKS011 reports it; past it, every client would trace
/// thousands of addresses no endpoint answers with.
pub const MAX_ENDPOINT_ADDRESSES: usize = 8;

/// Target IPs per Route 53 Resolver forward rule: AWS allows 6 ("IP addresses per rule: 6",
/// Route 53 developer guide, "Quotas on Route 53 Resolver").
pub const MAX_RULE_TARGETS: usize = 6;

/// Targets per conditional forwarder of a DNS server in `dnsServers`. No AWS quota applies
/// (the server is the customer's); one resolution asks at most [`MAX_DNS_QUERIES`] servers,
/// so a target past that could never be asked.
pub const MAX_FORWARDER_TARGETS: usize = MAX_DNS_QUERIES;

/// Scenario documents per file. One file describes a few clusters; 10,000 small documents
/// cost `compare --format json` 590 MiB, because every report is held until printed.
pub const MAX_DOCUMENTS: usize = 1_000;

/// Client × address pairs per file, summed over its documents: each client traces every
/// address of the answer it gets (up to the larger of `enis` and `publicEndpointIps`), and
/// `compare` does so in three modes, holding every hop until printed. This is
/// [`MAX_CLIENTS`] times the 4 ENIs EKS creates: the largest real scenario, 10,000 clients of
/// a 4-ENI cluster, is 717 MiB for `compare --format json`.
pub const MAX_TRACED_PAIRS: usize = MAX_CLIENTS * 4;

/// The client × address pairs one scenario traces in each mode (see [`MAX_TRACED_PAIRS`]).
pub fn traced_pairs(scenario: &Scenario) -> usize {
    let cluster = &scenario.cluster;
    let addresses = cluster
        .enis
        .len()
        .max(cluster.public_endpoint_ips.len())
        .max(1);
    scenario.clients.len().saturating_mul(addresses)
}

/// What one file's documents have used of the per-file limits, while the file loads.
#[derive(Debug, Default)]
pub struct FileBudget {
    documents: usize,
    pairs: usize,
}

impl FileBudget {
    /// The problem that ends the file when one more document would be past
    /// [`MAX_DOCUMENTS`]; `start` finds where that document begins.
    pub fn next_document(
        &mut self,
        file: &str,
        start: impl FnOnce() -> Option<Position>,
    ) -> Option<Diagnostic> {
        self.documents += 1;
        (self.documents > MAX_DOCUMENTS).then(|| Diagnostic {
            code: LoadCode::LimitExceeded,
            file: file.to_owned(),
            position: start(),
            path: String::new(),
            message: format!(
                "more than {MAX_DOCUMENTS} scenario documents in one file: eksflow reads at most {MAX_DOCUMENTS}; split the file"
            ),
        })
    }

    /// Charges a loaded scenario's client × address pairs against [`MAX_TRACED_PAIRS`]; past
    /// it, the scenario is refused with a problem at its `clients`.
    pub fn charge(&mut self, scenario: Scenario) -> Result<Scenario, Vec<Diagnostic>> {
        let pairs = traced_pairs(&scenario);
        self.pairs = self.pairs.saturating_add(pairs);
        if self.pairs <= MAX_TRACED_PAIRS {
            return Ok(scenario);
        }
        let addresses = pairs.checked_div(scenario.clients.len()).unwrap_or(0);
        let before = self.pairs.saturating_sub(pairs);
        let earlier = if before > 0 {
            format!(", {before} more in the file's earlier documents")
        } else {
            String::new()
        };
        Err(vec![Diagnostic {
            code: LoadCode::LimitExceeded,
            file: scenario.source.file.clone(),
            position: scenario.source.spans.key("clients"),
            path: "clients".to_owned(),
            message: format!(
                "{} clients × {addresses} endpoint addresses = {pairs} flows to trace{earlier}: eksflow traces at most {MAX_TRACED_PAIRS} per file ({MAX_CLIENTS} clients × the 4 ENIs EKS creates); split the scenario or the file",
                scenario.clients.len()
            ),
        }])
    }
}

/// All the JSON files of one AWS CLI output directory together; each is also capped at
/// [`MAX_FILE_BYTES`]. `scripts/collect-aws.sh` writes about 30 files, a few MiB for a large
/// account. Importing costs about 16 times the input (26 MB of route tables: 428 MiB), so
/// without a total 20 files of 100,000 route tables took 941 MiB and more.
pub const MAX_AWS_DIRECTORY_BYTES: u64 = 2 * MAX_FILE_BYTES;

/// Text that CloudFormation intrinsic functions (`Fn::Sub`, `Fn::Join`, `Ref`, ...) may
/// produce for one template, counted as string bytes plus the size of each value made.
/// CloudFormation accepts templates of at most 1 MB ("Template body size in an Amazon S3
/// object: 1 MB", CloudFormation user guide, quotas) and parameter values of at most 4,096
/// bytes; `Fn::Sub: "${Big}"` 10,000 times over a 100 KB default made 1.6 GB.
pub const MAX_INTRINSIC_OUTPUT_BYTES: usize = 16 * 1024 * 1024;

/// Checks the raw text before any YAML parser sees it: line length and flow nesting depth.
/// Both scans are linear and allocation-free.
pub fn check_text(file: &str, text: &str) -> Result<(), Diagnostic> {
    for (number, line) in text.split('\n').enumerate() {
        if line.len() > MAX_LINE_BYTES {
            return Err(at(
                file,
                number + 1,
                MAX_LINE_BYTES + 1,
                format!(
                    "line longer than {} MiB, the most eksflow reads; spread the YAML over several lines",
                    MAX_LINE_BYTES / 1024 / 1024
                ),
            ));
        }
    }
    if let Some((line, column)) = too_deep(text) {
        return Err(at(
            file,
            line,
            column,
            format!(
                "`[`/`{{` nested more than {MAX_FLOW_DEPTH} levels deep; the scenario format needs fewer than ten"
            ),
        ));
    }
    Ok(())
}

fn at(file: &str, line: usize, column: usize, message: String) -> Diagnostic {
    Diagnostic {
        code: LoadCode::LimitExceeded,
        file: file.to_owned(),
        position: Some(Position { line, column }),
        path: String::new(),
        message,
    }
}

/// The line and column where flow nesting first passes [`MAX_FLOW_DEPTH`]. Brackets inside
/// quoted strings and comments do not count; a bracket in a plain scalar (`a[b`) does, which
/// can only make a file with dozens of them fail early — none does in practice.
fn too_deep(text: &str) -> Option<(usize, usize)> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        Plain,
        Single,
        Double,
        Comment,
    }
    let mut state = State::Plain;
    let mut depth = 0usize;
    let mut line = 1;
    let mut line_start = 0;
    let mut previous = b'\n';
    let mut escaped = false;
    for (i, &byte) in text.as_bytes().iter().enumerate() {
        match state {
            State::Plain => match byte {
                b'[' | b'{' => {
                    depth += 1;
                    if depth > MAX_FLOW_DEPTH {
                        return Some((line, i - line_start + 1));
                    }
                }
                b']' | b'}' => depth = depth.saturating_sub(1),
                b'\'' => state = State::Single,
                b'"' => state = State::Double,
                b'#' if previous.is_ascii_whitespace() => state = State::Comment,
                _ => {}
            },
            State::Single if byte == b'\'' => state = State::Plain,
            State::Double if escaped => escaped = false,
            State::Double if byte == b'\\' => escaped = true,
            State::Double if byte == b'"' => state = State::Plain,
            State::Comment if byte == b'\n' => state = State::Plain,
            _ => {}
        }
        if byte == b'\n' {
            line += 1;
            line_start = i + 1;
        }
        previous = byte;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flow_nesting_counts_brackets_outside_strings_and_comments() {
        let deep = format!("a: {}{}", "[".repeat(65), "]".repeat(65));
        assert_eq!(too_deep(&deep), Some((1, 68)));
        let fine = format!("a: {}{}", "[".repeat(64), "]".repeat(64));
        assert_eq!(too_deep(&fine), None);
        let quoted = format!(
            "a: '{}'\nb: \"{}\\\"{}\"\n# {}",
            "[".repeat(99),
            "{".repeat(99),
            "[".repeat(99),
            "[".repeat(99)
        );
        assert_eq!(too_deep(&quoted), None);
        // Closing brackets bring the depth back down: siblings do not add up.
        let siblings = "a: [[1], [2], [3]]\n".repeat(1000);
        assert_eq!(too_deep(&siblings), None);
    }

    #[test]
    fn a_long_line_is_refused_with_its_line_number() {
        let text = format!("version: 1\nname: {}\n", "a".repeat(MAX_LINE_BYTES));
        let error = check_text("f.yaml", &text).unwrap_err();
        assert_eq!(error.position.map(|p| p.line), Some(2));
        assert!(
            error.message.contains("longer than 1 MiB"),
            "{}",
            error.message
        );
    }
}
