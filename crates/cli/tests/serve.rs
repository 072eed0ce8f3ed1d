//! `posture serve` and `posture admin` as an operator runs them: the first
//! start prints one-time credentials that work, `--demo` populates a tenant,
//! SIGTERM shuts down cleanly, and admin commands write to the same store.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn posture() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_posture"));
    command
        .env_remove("POSTURE_SECRET_KEY")
        .env_remove("POSTURE_DATA_DIR")
        .env("POSTURE_LOG", "warn");
    command
}

struct Serving {
    child: Child,
    address: String,
    output: Vec<String>,
}

/// Starts `posture serve` on a free port and reads its start-up lines.
fn serve(data_dir: &std::path::Path, extra: &[&str]) -> Serving {
    let mut child = posture()
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(data_dir)
        .args(extra)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("start posture serve");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    let mut output = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    let address = loop {
        assert!(Instant::now() < deadline, "no address in {output:?}");
        let line = lines
            .next()
            .expect("posture serve printed its address")
            .expect("text");
        if let Some(rest) = line.strip_prefix("posture serving on http://") {
            break rest
                .split_whitespace()
                .next()
                .expect("an address")
                .to_string();
        }
        output.push(line);
    };
    // Keep draining stderr so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Serving {
        child,
        address,
        output,
    }
}

fn field(output: &[String], name: &str) -> String {
    output
        .iter()
        .find_map(|l| l.trim().strip_prefix(name).map(|v| v.trim().to_string()))
        .unwrap_or_else(|| panic!("{name} in {output:?}"))
}

/// A plain HTTP/1.1 GET over a socket: the test needs no HTTP client.
fn get(address: &str, path: &str, token: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(address).expect("connect");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("read");
    let (head, body) = answer.split_once("\r\n\r\n").expect("a head and a body");
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status");
    (status, body.to_string())
}

fn terminate(mut serving: Serving) {
    let status = Command::new("kill")
        .args(["-TERM", &serving.child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(exit) = serving.child.try_wait().expect("wait") {
            assert!(exit.success(), "graceful shutdown exits 0: {exit}");
            return;
        }
        assert!(
            Instant::now() < deadline,
            "posture serve did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn first_start_prints_credentials_that_work_and_sigterm_stops_cleanly() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let serving = serve(dir.path(), &[]);
    let token = field(&serving.output, "API token:");
    assert!(token.starts_with("pst_"), "{token}");
    assert!(field(&serving.output, "password:").len() >= 20);
    let (status, body) = get(&serving.address, "/cspm/connector", &token);
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, r#"{"connectors":[]}"#);
    let (status, _) = get(&serving.address, "/cspm/connector", "pst_wrong");
    assert_eq!(status, 401);
    assert!(
        dir.path().join("secret.key").exists(),
        "a key is made on first start"
    );
    terminate(serving);

    // A second start reuses the store: no new admin, the token still works.
    let serving = serve(dir.path(), &[]);
    assert!(
        serving.output.iter().all(|l| !l.contains("API token:")),
        "{:?}",
        serving.output
    );
    let (status, _) = get(&serving.address, "/cspm/summary", &token);
    assert_eq!(status, 200);
    terminate(serving);

    // Admin commands write to the same store.
    let out = posture()
        .args(["admin", "create-tenant", "globex", "--data-dir"])
        .arg(dir.path())
        .output()
        .expect("run posture admin");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = posture()
        .args([
            "admin",
            "create-user",
            "--tenant",
            "globex",
            "--email",
            "ops@globex.test",
            "--role",
            "viewer",
            "--data-dir",
        ])
        .arg(dir.path())
        .output()
        .expect("run posture admin");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed = String::from_utf8_lossy(&out.stdout).into_owned();
    let lines: Vec<String> = printed.lines().map(str::to_string).collect();
    let viewer = field(&lines, "API token:");
    let out = posture()
        .args([
            "admin",
            "create-user",
            "--tenant",
            "nope",
            "--email",
            "x@y.test",
            "--data-dir",
        ])
        .arg(dir.path())
        .output()
        .expect("run posture admin");
    assert_eq!(out.status.code(), Some(2), "an unknown tenant is bad input");
    assert!(String::from_utf8_lossy(&out.stderr).contains("tenant"));
    let serving = serve(dir.path(), &[]);
    let (status, body) = get(&serving.address, "/auth/me", &viewer);
    assert_eq!(status, 200);
    assert!(
        body.contains("\"tenant\":\"globex\"") && body.contains("\"role\":\"viewer\""),
        "{body}"
    );
    terminate(serving);
}

#[test]
fn demo_populates_a_tenant() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let serving = serve(dir.path(), &["--demo"]);
    let demo_line = serving
        .output
        .iter()
        .position(|l| l.starts_with("demo tenant loaded"))
        .expect("the demo credentials");
    let token = field(&serving.output[demo_line..], "API token:");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (status, body) = get(&serving.address, "/cspm/report/list", &token);
        assert_eq!(status, 200);
        if body.matches("\"state\":\"complete\"").count() == 3 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the demo reports did not finish: {body}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    terminate(serving);
}
