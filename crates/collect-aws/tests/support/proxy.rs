//! A fault-injecting HTTP proxy on 127.0.0.1 in front of moto, for the
//! tests of partial failure: it answers a share of calls with throttling
//! errors and 500s, denies whole services with AccessDenied in the error
//! shape of each AWS protocol, serves canned answers for APIs moto lacks,
//! and logs every call. Shared by the collector and CLI tests (included
//! with `#[path]`); std only, one thread per connection.

#![allow(dead_code)]

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A response the proxy serves itself instead of forwarding.
#[derive(Debug, Clone)]
pub struct Canned {
    /// The signing name of the service (`access-analyzer`).
    pub service: String,
    /// The request path starts with this (`/analyzer`).
    pub path_prefix: String,
    pub status: u16,
    pub body: String,
}

/// What the proxy does to the traffic.
#[derive(Debug, Clone, Default)]
pub struct Rules {
    /// Fault one distinct request in this many (none when 0), alternating
    /// a throttling error and a 500. A request is faulted at most once, so
    /// the SDK's retry always gets through.
    pub fault_one_in: usize,
    /// Signing names of services whose every call is denied.
    pub deny: Vec<String>,
    pub canned: Vec<Canned>,
}

/// One call seen by the proxy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// The signing name from the Authorization header (`kms`, `s3`).
    pub service: String,
    /// `X-Amz-Target`, the query `Action`, or `METHOD /path`.
    pub operation: String,
    /// What the proxy did: `forwarded`, `throttled`, `failed`, `denied`, `canned`.
    pub outcome: &'static str,
}

#[derive(Default)]
struct State {
    seen: HashSet<String>,
    distinct: usize,
    calls: Vec<Call>,
}

pub struct Proxy {
    pub endpoint: String,
    stop: Arc<AtomicBool>,
    state: Arc<Mutex<State>>,
    port: u16,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

impl Proxy {
    /// Starts a proxy to `upstream` (`http://127.0.0.1:PORT`).
    pub fn start(upstream: &str, rules: Rules) -> Proxy {
        let upstream = upstream
            .strip_prefix("http://")
            .expect("an http:// upstream")
            .to_owned();
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the proxy");
        let port = listener.local_addr().expect("proxy address").port();
        let stop = Arc::new(AtomicBool::new(false));
        let state = Arc::new(Mutex::new(State::default()));
        let rules = Arc::new(rules);
        {
            let stop = Arc::clone(&stop);
            let state = Arc::clone(&state);
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let (state, rules, upstream) =
                        (Arc::clone(&state), Arc::clone(&rules), upstream.clone());
                    std::thread::spawn(move || serve(stream, &state, &rules, &upstream));
                }
            });
        }
        Proxy {
            endpoint: format!("http://127.0.0.1:{port}"),
            stop,
            state,
            port,
        }
    }

    /// Every call so far, in arrival order.
    pub fn calls(&self) -> Vec<Call> {
        self.state.lock().expect("proxy state").calls.clone()
    }

    /// How many calls had `outcome`.
    pub fn count(&self, outcome: &str) -> usize {
        self.calls().iter().filter(|c| c.outcome == outcome).count()
    }
}

struct Request {
    head: Vec<String>,
    body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.iter().skip(1).find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim()
                .eq_ignore_ascii_case(name)
                .then_some(value.trim())
        })
    }

    fn method_and_path(&self) -> (&str, &str) {
        let mut parts = self.head[0].split(' ');
        (
            parts.next().unwrap_or_default(),
            parts.next().unwrap_or_default(),
        )
    }

    /// The SigV4 signing name: `Credential=KEY/DATE/REGION/SERVICE/aws4_request`.
    fn service(&self) -> String {
        self.header("authorization")
            .and_then(|a| a.split("Credential=").nth(1))
            .and_then(|c| c.split('/').nth(3))
            .unwrap_or_default()
            .to_owned()
    }

    fn operation(&self) -> String {
        if let Some(target) = self.header("x-amz-target") {
            return target.to_owned();
        }
        let body = String::from_utf8_lossy(&self.body);
        if let Some(action) = body
            .split('&')
            .find_map(|pair| pair.strip_prefix("Action="))
        {
            return action.to_owned();
        }
        let (method, path) = self.method_and_path();
        format!("{method} {path}")
    }
}

fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Request> {
    let mut head = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end_matches(['\r', '\n']).to_owned();
        if line.is_empty() {
            break;
        }
        head.push(line);
    }
    let mut request = Request {
        head,
        body: Vec::new(),
    };
    let length: usize = request
        .header("content-length")
        .and_then(|l| l.parse().ok())
        .unwrap_or(0);
    request.body = vec![0; length];
    reader.read_exact(&mut request.body).ok()?;
    Some(request)
}

fn serve(stream: TcpStream, state: &Mutex<State>, rules: &Rules, upstream: &str) {
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let mut client = stream;
    while let Some(request) = read_request(&mut reader) {
        let (outcome, response) = decide(&request, state, rules);
        let response = match response {
            Some(response) => response,
            None => match forward(&request, upstream) {
                Some(response) => response,
                None => return,
            },
        };
        state.lock().expect("proxy state").calls.push(Call {
            service: request.service(),
            operation: request.operation(),
            outcome,
        });
        if client.write_all(&response).is_err() {
            return;
        }
    }
}

/// What to do with a request: `None` forwards it.
fn decide(
    request: &Request,
    state: &Mutex<State>,
    rules: &Rules,
) -> (&'static str, Option<Vec<u8>>) {
    let service = request.service();
    let (_, path) = request.method_and_path();
    if let Some(canned) = rules
        .canned
        .iter()
        .find(|c| c.service == service && path.starts_with(&c.path_prefix))
    {
        let head = format!(
            "HTTP/1.1 {} OK\r\ncontent-type: application/json",
            canned.status
        );
        return ("canned", Some(respond(&head, &canned.body)));
    }
    if rules.deny.contains(&service) {
        return ("denied", Some(error(request, &service, Failure::Denied)));
    }
    if rules.fault_one_in > 0 {
        let (method, path) = request.method_and_path();
        let key = format!(
            "{method} {path} {:?} {}",
            request.header("x-amz-target"),
            String::from_utf8_lossy(&request.body)
        );
        let mut state = state.lock().expect("proxy state");
        if state.seen.insert(key) {
            state.distinct += 1;
            let n = state.distinct;
            if n.is_multiple_of(rules.fault_one_in) {
                let failure = if (n / rules.fault_one_in).is_multiple_of(2) {
                    Failure::Throttled
                } else {
                    Failure::ServerError
                };
                drop(state);
                let outcome = match failure {
                    Failure::Throttled => "throttled",
                    _ => "failed",
                };
                return (outcome, Some(error(request, &service, failure)));
            }
        }
    }
    ("forwarded", None)
}

#[derive(Debug, Clone, Copy)]
enum Failure {
    Denied,
    Throttled,
    ServerError,
}

/// An error response in the shape the service's protocol uses.
fn error(request: &Request, service: &str, failure: Failure) -> Vec<u8> {
    let message = "injected by the test proxy";
    let json = request.header("x-amz-target").is_some();
    let query = String::from_utf8_lossy(&request.body).contains("Action=");
    let rest_xml = matches!(service, "s3" | "route53" | "cloudfront");
    let (status, code) = match failure {
        Failure::Denied if service == "ec2" => (403, "UnauthorizedOperation"),
        Failure::Denied if json => (400, "AccessDeniedException"),
        Failure::Denied if query || rest_xml => (403, "AccessDenied"),
        Failure::Denied => (403, "AccessDeniedException"),
        Failure::Throttled if service == "ec2" => (503, "RequestLimitExceeded"),
        Failure::Throttled if service == "s3" => (503, "SlowDown"),
        Failure::Throttled if query => (400, "Throttling"),
        Failure::Throttled => (400, "ThrottlingException"),
        Failure::ServerError => (500, "InternalFailure"),
    };
    if json {
        let head = format!("HTTP/1.1 {status} Error\r\ncontent-type: application/x-amz-json-1.1");
        respond(
            &head,
            &format!(r#"{{"__type":"{code}","message":"{message}"}}"#),
        )
    } else if service == "ec2" {
        let head = format!("HTTP/1.1 {status} Error\r\ncontent-type: text/xml");
        respond(
            &head,
            &format!(
                "<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors><RequestID>proxy</RequestID></Response>"
            ),
        )
    } else if service == "s3" {
        let head = format!("HTTP/1.1 {status} Error\r\ncontent-type: application/xml");
        respond(
            &head,
            &format!("<Error><Code>{code}</Code><Message>{message}</Message></Error>"),
        )
    } else if query || rest_xml {
        let head = format!("HTTP/1.1 {status} Error\r\ncontent-type: text/xml");
        respond(
            &head,
            &format!(
                "<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>proxy</RequestId></ErrorResponse>"
            ),
        )
    } else {
        let head = format!(
            "HTTP/1.1 {status} Error\r\ncontent-type: application/json\r\nx-amzn-errortype: {code}"
        );
        respond(&head, &format!(r#"{{"message":"{message}"}}"#))
    }
}

fn respond(head: &str, body: &str) -> Vec<u8> {
    format!(
        "{head}\r\ncontent-length: {}\r\nconnection: keep-alive\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Sends the request to moto on a fresh connection and returns moto's
/// response with a length the client can frame (moto closes after it).
fn forward(request: &Request, upstream: &str) -> Option<Vec<u8>> {
    let mut moto = TcpStream::connect(upstream).ok()?;
    moto.set_read_timeout(Some(Duration::from_secs(60))).ok()?;
    let mut out = Vec::new();
    for line in &request.head {
        let name = line.split(':').next().unwrap_or_default().trim();
        if name.eq_ignore_ascii_case("connection") {
            continue;
        }
        out.extend_from_slice(line.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"connection: close\r\n\r\n");
    out.extend_from_slice(&request.body);
    moto.write_all(&out).ok()?;
    let mut raw = Vec::new();
    moto.read_to_end(&mut raw).ok()?;
    let _ = moto.shutdown(Shutdown::Both);
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut body = raw[split + 4..].to_vec();
    let mut lines: Vec<&str> = Vec::new();
    let mut chunked = false;
    for line in head.split("\r\n") {
        let name = line.split(':').next().unwrap_or_default().trim();
        if name.eq_ignore_ascii_case("transfer-encoding") {
            chunked = line.to_ascii_lowercase().contains("chunked");
            continue;
        }
        if name.eq_ignore_ascii_case("connection") || name.eq_ignore_ascii_case("content-length") {
            continue;
        }
        lines.push(line);
    }
    if chunked {
        body = dechunk(&body)?;
    }
    let mut response = lines.join("\r\n").into_bytes();
    response.extend_from_slice(
        format!(
            "\r\ncontent-length: {}\r\nconnection: keep-alive\r\n\r\n",
            body.len()
        )
        .as_bytes(),
    );
    response.extend_from_slice(&body);
    Some(response)
}

fn dechunk(mut raw: &[u8]) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let end = raw.windows(2).position(|w| w == b"\r\n")?;
        let size_text = String::from_utf8_lossy(&raw[..end]);
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        raw = &raw[end + 2..];
        if size == 0 {
            return Some(body);
        }
        body.extend_from_slice(raw.get(..size)?);
        raw = raw.get(size + 2..)?;
    }
}
