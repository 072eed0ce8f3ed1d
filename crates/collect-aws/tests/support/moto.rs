//! A real moto server (the AWS emulator) on a free 127.0.0.1 port, installed
//! by `scripts/setup-moto` when missing. Shared by the collector and CLI
//! tests (included with `#[path]`). A test that cannot start it fails
//! loudly; it never skips.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Moto {
    child: Child,
    pub endpoint: String,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port on 127.0.0.1")
}

impl Moto {
    /// Installs (once) and starts moto_server; waits until it answers.
    pub fn start() -> Moto {
        Moto::start_with_env(&[])
    }

    /// [`Moto::start`] with settings in moto's environment, e.g.
    /// `MOTO_IAM_LOAD_MANAGED_POLICIES=true`.
    pub fn start_with_env(env: &[(&str, &str)]) -> Moto {
        let root = repo_root();
        let status = Command::new("bash")
            .arg(root.join("scripts/setup-moto"))
            .status()
            .expect("run scripts/setup-moto");
        assert!(
            status.success(),
            "scripts/setup-moto failed: moto is required for the AWS collector tests"
        );
        let port = free_port();
        let child = Command::new(root.join(".venv-moto/bin/moto_server"))
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start moto_server");
        let moto = Moto {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "moto_server did not start on port {port}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        moto
    }

    /// Fills moto with the benchmark's estate at scale 1 (`seed.py`): a
    /// good and a bad configuration of every service posture collects.
    pub fn seed_estate(&self, regions: &str) {
        let root = repo_root();
        let out = Command::new(root.join(".venv-moto/bin/python"))
            .arg(root.join("bench/aws-vs-prowler/seed.py"))
            .args([
                "--endpoint",
                &self.endpoint,
                "--scale",
                "1",
                "--regions",
                regions,
            ])
            .output()
            .expect("run seed.py");
        assert!(
            out.status.success(),
            "seed.py failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
