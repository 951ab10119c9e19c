//! `eksflow serve`: a DNS server on loopback answering as one client's resolver chain. Each
//! test starts the binary on an ephemeral port with `--max-queries`, so it stops by itself,
//! and queries it with hickory-proto messages (and the real `dig` when it is installed).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream, UdpSocket};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use hickory_proto::op::{Message, MessageType, OpCode, Query, ResponseCode};
use hickory_proto::rr::{Name, RData, RecordType};

fn eksflow() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_eksflow"));
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

/// A running server and the address it listens on.
struct Served {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(file: &str, client: &str, max_queries: u32) -> Served {
    let mut child = eksflow()
        .args(["serve", file, "--client", client, "--listen", "127.0.0.1:0"])
        .args(["--max-queries", &max_queries.to_string()])
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stderr.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .strip_prefix("listening on ")
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .parse()
        .unwrap();
    Served { child, addr }
}

fn query(name: &str, kind: RecordType, id: u16) -> Vec<u8> {
    let mut message = Message::new(id, MessageType::Query, OpCode::Query);
    message.metadata.recursion_desired = true;
    message.add_query(Query::query(Name::from_ascii(name).unwrap(), kind));
    message.to_vec().unwrap()
}

fn ask_udp(addr: SocketAddr, name: &str, kind: RecordType) -> Message {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    socket.send_to(&query(name, kind, 0x4242), addr).unwrap();
    let mut buffer = [0u8; 4096];
    let (size, _) = socket.recv_from(&mut buffer).unwrap();
    let response = Message::from_vec(&buffer[..size]).unwrap();
    assert_eq!(
        response.metadata.id, 0x4242,
        "the response carries the query's ID"
    );
    response
}

fn ask_tcp(addr: SocketAddr, name: &str, kind: RecordType) -> Message {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let wire = query(name, kind, 7);
    stream
        .write_all(&u16::try_from(wire.len()).unwrap().to_be_bytes())
        .unwrap();
    stream.write_all(&wire).unwrap();
    let mut length = [0u8; 2];
    stream.read_exact(&mut length).unwrap();
    let mut response = vec![0u8; usize::from(u16::from_be_bytes(length))];
    stream.read_exact(&mut response).unwrap();
    Message::from_vec(&response).unwrap()
}

fn addresses(message: &Message) -> Vec<IpAddr> {
    message
        .answers
        .iter()
        .filter_map(|record| match &record.data {
            RData::A(a) => Some(IpAddr::V4(a.0)),
            RData::AAAA(aaaa) => Some(IpAddr::V6(aaaa.0)),
            _ => None,
        })
        .collect()
}

/// What `resolve --short` prints for the client: the same analysis `serve` answers from.
fn resolved(file: &str, client: &str) -> Vec<IpAddr> {
    let output = eksflow()
        .args(["resolve", file, "--client", client, "--short"])
        .output()
        .unwrap();
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .filter_map(|line| line.trim().parse().ok())
        .collect()
}

fn endpoint(file: &str) -> String {
    let output = eksflow()
        .args(["check", file, "--format", "json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    json[0]["endpoint"].as_str().unwrap().to_owned()
}

#[test]
fn an_office_client_gets_the_private_hosted_zones_answer_over_udp_and_tcp() {
    let file = "scenarios/vpn-office-resolver-inbound.yaml";
    let name = endpoint(file);
    let served = serve(file, "admin", 3);
    let udp = ask_udp(served.addr, &name, RecordType::A);
    assert_eq!(udp.metadata.response_code, ResponseCode::NoError);
    assert_eq!(addresses(&udp), resolved(file, "admin"));
    assert!(!addresses(&udp).is_empty());
    let tcp = ask_tcp(served.addr, &name, RecordType::A);
    assert_eq!(addresses(&tcp), addresses(&udp));
    // Any other name is not simulated.
    let other = ask_udp(served.addr, "example.com.", RecordType::A);
    assert_eq!(other.metadata.response_code, ResponseCode::Refused);
}

#[test]
fn a_dual_stack_endpoint_answers_aaaa_with_the_ipv6_addresses() {
    let file = "scenarios/dual-stack.yaml";
    let name = endpoint(file);
    let served = serve(file, "node-b", 2);
    let a = ask_udp(served.addr, &name, RecordType::A);
    let aaaa = ask_udp(served.addr, &name, RecordType::AAAA);
    assert!(addresses(&a).iter().all(IpAddr::is_ipv4));
    assert!(!addresses(&aaaa).is_empty());
    assert!(addresses(&aaaa).iter().all(IpAddr::is_ipv6));
    let mut both = addresses(&a);
    both.extend(addresses(&aaaa));
    let mut expected = resolved(file, "node-b");
    both.sort();
    expected.sort();
    assert_eq!(both, expected);
}

#[test]
fn a_resolution_that_fails_is_servfail() {
    // enableDnsSupport off in the cluster VPC: its clients' Resolver does not answer.
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/private.yaml"
    ))
    .unwrap()
    .replace("enableDnsSupport: true", "enableDnsSupport: false");
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("serve-dns-off-{}.yaml", std::process::id()));
    std::fs::write(&path, text).unwrap();
    let file = path.to_str().unwrap();
    let name = endpoint(file);
    let served = serve(file, "node-c", 1);
    let response = ask_udp(served.addr, &name, RecordType::A);
    assert_eq!(response.metadata.response_code, ResponseCode::ServFail);
    assert!(response.answers.is_empty());
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let taken = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let output = eksflow()
        .args(["serve", "scenarios/private.yaml", "--client", "node-c"])
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("address is in use"), "{stderr}");
}

#[test]
fn an_unknown_client_is_named_with_a_suggestion() {
    let output = eksflow()
        .args([
            "serve",
            "scenarios/private.yaml",
            "--client",
            "node-x",
            "--listen",
            "127.0.0.1:0",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("did you mean `node-c`?"));
}

#[test]
fn the_real_dig_gets_the_simulated_answer() {
    if Command::new("dig").arg("-v").output().is_err() {
        eprintln!("dig is not installed (Debian: dnsutils): skipping the real-dig test");
        return;
    }
    let file = "scenarios/private.yaml";
    let name = endpoint(file);
    let served = serve(file, "node-c", 1);
    let output = Command::new("dig")
        .args([
            &format!("@{}", served.addr.ip()),
            "-p",
            &served.addr.port().to_string(),
            "+short",
            "+tries=1",
            "+time=5",
            &name,
            "A",
        ])
        .output()
        .unwrap();
    let answered: Vec<IpAddr> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .filter_map(|line| line.trim().parse().ok())
        .collect();
    assert_eq!(answered, resolved(file, "node-c"));
}
