//! A small W3C WebDriver client over reqwest, driving Debian's headless
//! Chromium through chromedriver on a free 127.0.0.1 port: sessions,
//! navigation, elements, clicks, keys, pointer moves, scripts and
//! screenshots, and waiting on conditions with a deadline (never sleeping
//! as synchronisation). Hand-written rather than fantoccini: fantoccini's
//! `webdriver` dependency turns on `time` and `rustls` features the AWS SDK
//! shares, which would rebuild the whole SDK for the tests.

#![allow(dead_code)]

use base64::Engine;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The key W3C WebDriver gives element references under.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";
const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// How long a condition may take on a loaded two-core machine.
pub const PATIENCE: Duration = Duration::from_secs(60);

/// Installs Chromium and chromedriver when missing, or fails loudly.
pub fn ensure_chromium() {
    if Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists() {
        return;
    }
    let script = crate::support::repo_root().join("scripts/setup-chromium");
    let status = Command::new("bash")
        .arg(&script)
        .status()
        .expect("run scripts/setup-chromium");
    assert!(
        status.success() && Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists(),
        "the browser test needs Debian's chromium and chromium-driver: `bash scripts/setup-chromium` failed ({status})"
    );
}

/// An element reference.
#[derive(Debug, Clone)]
pub struct Element(pub String);

impl Element {
    fn json(&self) -> Value {
        json!({ ELEMENT: self.0 })
    }
}

pub struct Browser {
    http: reqwest::Client,
    session: String,
    driver: Child,
    _profile: tempfile::TempDir,
    pub downloads: PathBuf,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port on 127.0.0.1")
}

impl Browser {
    /// Starts chromedriver and a headless Chromium session with a fresh
    /// profile; downloads go to `downloads`.
    pub async fn start(downloads: &Path) -> Browser {
        ensure_chromium();
        let port = free_port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(120))
            .build()
            .expect("an HTTP client");
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + PATIENCE;
        loop {
            let ready = http.get(format!("{base}/status")).send().await;
            if let Ok(response) = ready {
                let status: Value = response.json().await.unwrap_or(Value::Null);
                if status["value"]["ready"] == true {
                    break;
                }
            }
            assert!(Instant::now() < deadline, "chromedriver did not start");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let profile = tempfile::tempdir().expect("a profile folder");
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage",
                    format!("--user-data-dir={}", profile.path().display()),
                    "--window-size=1366,900",
                ],
                "prefs": {
                    "download.default_directory": downloads.display().to_string(),
                    "download.prompt_for_download": false,
                    "safebrowsing.enabled": false,
                },
            },
        }}});
        let response: Value = http
            .post(format!("{base}/session"))
            .json(&capabilities)
            .send()
            .await
            .expect("chromedriver answers")
            .json()
            .await
            .expect("a session as JSON");
        let id = response["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no browser session: {response}"));
        Browser {
            http,
            session: format!("{base}/session/{id}"),
            driver,
            _profile: profile,
            downloads: downloads.to_path_buf(),
        }
    }

    async fn command(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, String> {
        let mut request = self.http.request(method, format!("{}{path}", self.session));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.map_err(|e| e.to_string())?;
        let ok = response.status().is_success();
        let value: Value = response.json().await.map_err(|e| e.to_string())?;
        if ok {
            Ok(value["value"].clone())
        } else {
            Err(format!(
                "{} {}",
                value["value"]["error"], value["value"]["message"]
            ))
        }
    }

    async fn post(&self, path: &str, body: Value) -> Value {
        self.command(reqwest::Method::POST, path, Some(body))
            .await
            .unwrap_or_else(|e| panic!("webdriver {path}: {e}"))
    }

    async fn get(&self, path: &str) -> Value {
        self.command(reqwest::Method::GET, path, None)
            .await
            .unwrap_or_else(|e| panic!("webdriver {path}: {e}"))
    }

    pub async fn goto(&self, url: &str) {
        self.post("/url", json!({ "url": url })).await;
    }

    pub async fn url(&self) -> String {
        self.get("/url")
            .await
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    pub async fn set_window_size(&self, width: u32, height: u32) {
        self.post("/window/rect", json!({"width": width, "height": height}))
            .await;
    }

    /// Runs `script` (a function body; `arguments` holds `args`) and gives
    /// what it returns. Elements pass as [`Element::json`].
    pub async fn eval(&self, script: &str, args: Vec<Value>) -> Value {
        self.post("/execute/sync", json!({ "script": script, "args": args }))
            .await
    }

    /// Every element matching `css` now.
    pub async fn find_all(&self, css: &str) -> Vec<Element> {
        let found = self
            .post("/elements", json!({"using": "css selector", "value": css}))
            .await;
        found
            .as_array()
            .map(|list| {
                list.iter()
                    .filter_map(|e| e[ELEMENT].as_str().map(|id| Element(id.to_string())))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Waits until `css` matches a displayed element.
    pub async fn wait_for(&self, css: &str) -> Element {
        let deadline = Instant::now() + PATIENCE;
        loop {
            for element in self.find_all(css).await {
                if self.displayed(&element).await {
                    return element;
                }
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {css:?} at {}",
                self.url().await
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until `css` matches nothing displayed.
    pub async fn wait_gone(&self, css: &str) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let mut shown = false;
            for element in self.find_all(css).await {
                shown |= self.displayed(&element).await;
            }
            if !shown {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {css:?} to go"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the script (a function body) returns true; `what` names
    /// the condition in the failure, with the script's last answer.
    pub async fn wait_until(&self, what: &str, script: &str, args: Vec<Value>) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let answer = self
                .command(
                    reqwest::Method::POST,
                    "/execute/sync",
                    Some(json!({"script": script, "args": args.clone()})),
                )
                .await;
            if matches!(answer, Ok(Value::Bool(true))) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what} (last answer {answer:?})"
            );
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    }

    /// Waits until `css`'s text (trimmed) equals `expected`.
    pub async fn wait_text(&self, css: &str, expected: &str) {
        self.wait_until(
            &format!("{css:?} to read {expected:?}"),
            "const e = document.querySelector(arguments[0]); return !!e && e.textContent.trim() === arguments[1];",
            vec![json!(css), json!(expected)],
        )
        .await;
    }

    pub async fn displayed(&self, element: &Element) -> bool {
        self.command(
            reqwest::Method::GET,
            &format!("/element/{}/displayed", element.0),
            None,
        )
        .await
        .map(|v| v == true)
        .unwrap_or(false)
    }

    pub async fn click(&self, element: &Element) {
        self.post(&format!("/element/{}/click", element.0), json!({}))
            .await;
    }

    /// Waits for `css` and clicks it.
    pub async fn click_on(&self, css: &str) {
        let element = self.wait_for(css).await;
        self.click(&element).await;
    }

    pub async fn type_into(&self, element: &Element, text: &str) {
        self.post(
            &format!("/element/{}/value", element.0),
            json!({ "text": text }),
        )
        .await;
    }

    pub async fn clear(&self, element: &Element) {
        self.post(&format!("/element/{}/clear", element.0), json!({}))
            .await;
    }

    pub async fn text(&self, element: &Element) -> String {
        self.get(&format!("/element/{}/text", element.0))
            .await
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    pub async fn attribute(&self, element: &Element, name: &str) -> Option<String> {
        self.get(&format!("/element/{}/attribute/{name}", element.0))
            .await
            .as_str()
            .map(str::to_string)
    }

    /// Picks the option whose value is `value` in a <select>, as a user
    /// would (focus, change event).
    pub async fn select(&self, css: &str, value: &str) {
        self.wait_for(css).await;
        let option = self
            .find_all(&format!("{css} option[value=\"{value}\"]"))
            .await
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("{css} has no option {value:?}"));
        // Clicking the option picks it the way a user's choice does (input
        // and change events) without leaving the native popup open.
        self.click(&option).await;
        self.wait_until(
            &format!("{css} to hold {value:?}"),
            "return document.querySelector(arguments[0]).value === arguments[1];",
            vec![json!(css), json!(value)],
        )
        .await;
    }

    /// Moves the pointer over the element's centre (hover).
    pub async fn hover(&self, element: &Element) {
        self.post(
            "/actions",
            json!({"actions": [{"type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"},
                "actions": [{"type": "pointerMove", "duration": 0, "origin": element.json(), "x": 0, "y": 0}]}]}),
        )
        .await;
    }

    /// Presses and releases one key (WebDriver key codes: Escape is \u{E00C}).
    pub async fn press(&self, key: &str) {
        self.post(
            "/actions",
            json!({"actions": [{"type": "key", "id": "keyboard",
                "actions": [{"type": "keyDown", "value": key}, {"type": "keyUp", "value": key}]}]}),
        )
        .await;
        self.command(reqwest::Method::DELETE, "/actions", None)
            .await
            .ok();
    }

    /// Saves a PNG of the viewport.
    pub async fn screenshot(&self, path: &Path) {
        let data = self.get("/screenshot").await;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(data.as_str().unwrap_or_default())
            .expect("a base64 PNG");
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("the screenshot folder");
        }
        std::fs::write(path, bytes).expect("write the screenshot");
    }

    /// Waits for a finished download (no partial file left) other than
    /// those in `before`, and gives its path.
    pub async fn wait_download(&self, before: &[PathBuf]) -> PathBuf {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let files: Vec<PathBuf> = std::fs::read_dir(&self.downloads)
                .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
                .unwrap_or_default();
            let partial = files.iter().any(|f| {
                f.extension()
                    .is_some_and(|e| e == "crdownload" || e == "tmp")
            });
            // Chromium writes under a hidden temporary name, then renames.
            let finished = files.into_iter().find(|f| {
                !before.contains(f)
                    && f.extension().is_some_and(|e| e == "csv")
                    && !f
                        .file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            });
            if let (false, Some(new)) = (partial, finished) {
                return new;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for a download in {}",
                self.downloads.display()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub fn downloaded(&self) -> Vec<PathBuf> {
        std::fs::read_dir(&self.downloads)
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default()
    }

    pub async fn quit(self) {
        let _ = self.command(reqwest::Method::DELETE, "", None).await;
    }
}
