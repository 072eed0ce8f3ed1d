//! The portal in a real browser: Debian's headless Chromium, driven over
//! WebDriver, against a real server whose AWS connector reaches moto. One
//! user's whole day: sign in, connect AWS, create and run a PCI DSS report,
//! read it, browse resources, export, tidy columns, delete the connector,
//! sign out, asserting the values the API gives. Also how the portal's
//! files are served. Screenshots land in `target/portal-screenshots/`.

mod support;
#[path = "support/webdriver.rs"]
mod webdriver;

use posture_server::ManualClock;
use posture_server::admin::create_user;
use posture_store::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::Arc;
use support::{Server, Setup, moto::Moto, start_time};
use webdriver::Browser;

const ESCAPE: &str = "\u{E00C}";

fn screenshots() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("../portal-screenshots")
}

/// The portal's rendering of a percentage: one decimal, none when whole.
fn percent(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 {
        format!("{rounded:.0}%")
    } else {
        format!("{rounded:.1}%")
    }
}

async fn texts(browser: &Browser, css: &str) -> Vec<String> {
    let found = browser
        .eval(
            "return [...document.querySelectorAll(arguments[0])].map(e => e.textContent.trim());",
            vec![json!(css)],
        )
        .await;
    found
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Waits until every element matching `css` reads `expected` and there are
/// `count` of them.
async fn wait_all(browser: &Browser, css: &str, expected: &str, count: usize) {
    browser
        .wait_until(
            &format!("{count} of {css:?} reading {expected:?}"),
            "const all = [...document.querySelectorAll(arguments[0])].map(e => e.textContent.trim());
             return all.length === arguments[2] && all.every(t => t === arguments[1]);",
            vec![json!(css), json!(expected), json!(count)],
        )
        .await;
}

async fn wait_stats(browser: &Browser, summary: &Value) {
    let expected: Vec<String> = [
        "controlsFailed",
        "controlsPassed",
        "totalResources",
        "accountsMonitored",
    ]
    .iter()
    .map(|k| summary[k].as_i64().unwrap_or(-1).to_string())
    .collect();
    browser
        .wait_until(
            &format!("the summary strip to read {expected:?}"),
            "const keys = ['controlsFailed', 'controlsPassed', 'totalResources', 'accountsMonitored'];
             return keys.every((k, i) => {
               const e = document.querySelector(`[data-stat=${k}] .value`);
               return !!e && e.textContent.replace(/\\D/g, '') === arguments[0][i];
             });",
            vec![json!(expected)],
        )
        .await;
}

async fn click_button_reading(browser: &Browser, css: &str, text: &str) {
    let deadline = std::time::Instant::now() + webdriver::PATIENCE;
    loop {
        for element in browser.find_all(css).await {
            if browser.text(&element).await.trim().starts_with(text) {
                browser.click(&element).await;
                return;
            }
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no {css} reading {text:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(150)).await;
    }
}

#[tokio::test]
async fn portal_files_are_served_with_types_etags_and_csp() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let clock = Arc::new(ManualClock::new(start_time()));
    let server = Server::start(dir.path(), Setup::default(), clock).await;
    let http = reqwest::Client::new();
    for path in [
        "/",
        "/reports/12",
        "/resources?type=aws.s3.bucket",
        "/connectors",
        "/policies/3",
        "/login",
    ] {
        let response = http
            .get(server.url(path))
            .send()
            .await
            .expect("the server answers");
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let headers = response.headers().clone();
        assert_eq!(
            headers["content-type"], "text/html; charset=utf-8",
            "{path}"
        );
        let csp = headers["content-security-policy"].to_str().expect("ascii");
        assert!(
            csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
            "{csp}"
        );
        let page = response.text().await.expect("a body");
        assert!(
            page.contains("/portal/js/main.js") && !page.contains("<script>"),
            "no inline script"
        );
    }
    let script = http
        .get(server.url("/portal/js/api.js"))
        .send()
        .await
        .expect("answers");
    assert_eq!(script.status(), StatusCode::OK);
    assert_eq!(
        script.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    assert_eq!(script.headers()["cache-control"], "no-cache");
    let etag = script.headers()["etag"].clone();
    let again = http
        .get(server.url("/portal/js/api.js"))
        .header("If-None-Match", etag)
        .send()
        .await
        .expect("answers");
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    let css = http
        .get(server.url("/portal/portal.css"))
        .send()
        .await
        .expect("answers");
    assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
    for path in ["/portal/missing.js", "/cspm/nothing-here", "/reportz"] {
        let (status, body) = server.call(reqwest::Method::GET, None, path, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(body["code"], "not_found", "{path}: a JSON error");
    }
    let (status, _) = server
        .call(reqwest::Method::GET, None, "/cspm/report/list", None)
        .await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "the API still wants a token"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_day_in_the_portal() {
    webdriver::ensure_chromium();
    let moto = Moto::start();
    moto.seed_estate("us-east-1");
    let dir = tempfile::tempdir().expect("a temp dir");
    let clock = Arc::new(ManualClock::new(start_time()));
    // No background workers: the test runs jobs with `drain` when it has
    // seen the state before them.
    let setup = Setup {
        aws_endpoint: Some(moto.endpoint.clone()),
        workers: 0,
        ..Setup::default()
    };
    let server = Server::start(dir.path(), setup, clock.clone()).await;
    let tokens = support::tenants(&server.state);
    let token = tokens.admin.as_str();
    let user = create_user(
        server.state.store.as_ref(),
        "acme",
        "portal@acme.test",
        Role::Admin,
        server.state.now(),
    )
    .expect("a portal user");
    let downloads = tempfile::tempdir().expect("a download folder");
    let browser = Browser::start(downloads.path()).await;
    let shots = screenshots();
    let base = server.base.clone();

    // Sign in: any page leads to the login form first.
    browser.goto(&format!("{base}/connectors")).await;
    let email = browser.wait_for("#login-email").await;
    assert!(
        browser.url().await.contains("/login?next=%2Fconnectors"),
        "{}",
        browser.url().await
    );
    browser.screenshot(&shots.join("login.png")).await;
    browser.type_into(&email, "portal@acme.test").await;
    let password = browser.wait_for("#login-password").await;
    browser.type_into(&password, "not the password").await;
    browser.click_on("form button[type=submit]").await;
    browser
        .wait_text(".login [role=alert]", "Wrong email or password.")
        .await;
    browser.clear(&password).await;
    browser.type_into(&password, &user.password).await;
    browser.click_on("form button[type=submit]").await;
    browser
        .wait_text("[data-testid=tenant] strong", "acme")
        .await;
    browser.wait_text("main h1", "Connectors").await;

    // New Connector: the AWS guide shows the platform account and this
    // tenant's external ID; a bad role ARN is refused beside its field.
    let (_, details) = server
        .get(token, "/cspm/connector/create-details?provider=aws")
        .await;
    browser.click_on(".page-head button.primary").await;
    browser.wait_for("dialog[open] #aws-external-id").await;
    browser
        .wait_text(
            "#aws-external-id",
            details["externalId"].as_str().unwrap_or("?"),
        )
        .await;
    browser
        .wait_text(
            "#aws-base-account",
            details["baseAccountId"].as_str().unwrap_or("?"),
        )
        .await;
    let template = browser.wait_for("[data-testid=role-template]").await;
    assert!(
        browser
            .attribute(&template, "href")
            .await
            .unwrap_or_default()
            .starts_with("blob:")
    );
    let name = browser.wait_for("#connector-name").await;
    browser.type_into(&name, "production").await;
    let arn = browser.wait_for("#connector-arn").await;
    browser.type_into(&arn, "not-an-arn").await;
    browser.click_on("dialog button[type=submit]").await;
    let error = browser.wait_for("#connector-arn-error").await;
    let message = browser.text(&error).await;
    assert!(
        message.starts_with("arn:"),
        "the API's message for the arn field: {message}"
    );
    assert_eq!(
        browser.attribute(&arn, "aria-invalid").await.as_deref(),
        Some("true")
    );
    let beside = browser
        .eval(
            "const e = document.querySelector('#connector-arn-error');
             return [e.parentElement.contains(document.querySelector('#connector-arn')),
                     document.querySelector('#connector-arn').getAttribute('aria-describedby').includes(e.id),
                     getComputedStyle(e).color];",
            vec![],
        )
        .await;
    assert_eq!(
        beside,
        json!([true, true, "rgb(198, 40, 40)"]),
        "the error sits beside its field, in red"
    );
    browser.screenshot(&shots.join("new-connector.png")).await;
    browser.clear(&arn).await;
    browser
        .type_into(&arn, "arn:aws:iam::123456789012:role/posture-audit")
        .await;
    browser.click_on("dialog button[type=submit]").await;
    browser.wait_gone("dialog[open]").await;
    wait_all(&browser, "td[data-column=state] .chip", "Pending", 1).await;
    server.drain().await;
    wait_all(&browser, "td[data-column=state] .chip", "Online", 1).await;
    let refreshed = texts(&browser, "td[data-column=refreshed] time").await;
    assert_eq!(refreshed.len(), 1, "Last Refreshed is a date once checked");
    browser.screenshot(&shots.join("connectors.png")).await;

    // New Report: PCI DSS on it; grey until its first run finished.
    let pci = support::mid(&server.state, "pci-dss-4.0.1").to_string();
    browser.click_on("a[data-nav=Overview]").await;
    browser.wait_text("main h1", "Overview").await;
    browser.click_on(".page-head button.primary").await;
    let title = browser.wait_for("#report-title").await;
    browser.type_into(&title, "PCI production").await;
    browser
        .wait_for(&format!("#report-mandate option[value=\"{pci}\"]"))
        .await;
    browser.select("#report-mandate", &pci).await;
    browser.click_on("dialog button[type=submit]").await;
    browser.wait_gone("dialog[open]").await;
    let (_, list) = server.get(token, "/cspm/report/list").await;
    let report = list[0]["reportId"].as_i64().expect("a report");
    let row = format!("tr[data-key=\"{report}\"]");
    let pending = browser.wait_for(&format!("{row} .passbar.pending")).await;
    assert_eq!(
        browser.attribute(&pending, "aria-label").await.as_deref(),
        Some("No finished run yet")
    );
    browser
        .screenshot(&shots.join("overview-pending.png"))
        .await;

    // Run it: the bar turns green and red in proportion.
    server.drain().await;
    let bar = browser
        .wait_for(&format!("{row} .passbar:not(.pending)"))
        .await;
    let (_, list) = server.get(token, "/cspm/report/list").await;
    let item = &list[0];
    let pass = item["passPercent"].as_f64().expect("a pass percentage");
    let fail = item["failPercent"].as_f64().expect("a fail percentage");
    assert!(
        pass > 0.0 && fail > 0.0,
        "the seeded estate passes and fails: {item}"
    );
    let widths = browser
        .eval(
            "const b = arguments[0]; return [b.querySelector('.seg-pass').style.width, b.querySelector('.seg-fail').style.width,
               getComputedStyle(b.querySelector('.seg-pass')).backgroundColor, getComputedStyle(b.querySelector('.seg-fail')).backgroundColor];",
            vec![json!({"element-6066-11e4-a52e-4f735466cecf": bar.0})],
        )
        .await;
    let width = |v: &Value| -> f64 {
        v.as_str()
            .and_then(|w| w.strip_suffix('%'))
            .and_then(|w| w.parse().ok())
            .unwrap_or(-1.0)
    };
    assert!((width(&widths[0]) - pass).abs() < 0.01, "{widths}");
    assert!((width(&widths[1]) - fail).abs() < 0.01, "{widths}");
    assert_eq!(widths[2], "rgb(21, 128, 61)", "pass is green");
    assert_eq!(widths[3], "rgb(198, 40, 40)", "fail is red");
    browser.hover(&bar).await;
    let tip = format!("Pass {} · Fail {}", percent(pass), percent(fail));
    browser
        .wait_until(
            "the percentages on hover",
            "const t = document.querySelector(arguments[0] + ' .passbar .tip');
             return getComputedStyle(t).display !== 'none' && t.textContent === arguments[1];",
            vec![json!(row), json!(tip)],
        )
        .await;
    let label = browser
        .attribute(&bar, "aria-label")
        .await
        .unwrap_or_default();
    assert!(
        label.starts_with(&format!(
            "Passed {}, failed {}",
            percent(pass),
            percent(fail)
        )),
        "{label}"
    );
    // The hourly limit: the button waits and says until when.
    browser.wait_for(&format!("{row} .next-run time")).await;
    let run = browser.wait_for(&format!("{row} .run-button")).await;
    assert!(
        browser.attribute(&run, "disabled").await.is_some(),
        "no second run within the hour"
    );
    browser.screenshot(&shots.join("overview.png")).await;

    // A duplicate is refused with a clear message; Escape closes the dialog.
    browser.click_on(".page-head button.primary").await;
    let title = browser.wait_for("#report-title").await;
    browser.type_into(&title, "PCI again").await;
    browser
        .wait_for(&format!("#report-mandate option[value=\"{pci}\"]"))
        .await;
    browser.select("#report-mandate", &pci).await;
    browser.click_on("dialog button[type=submit]").await;
    let refusal = browser.wait_for("dialog[open] .alert-error").await;
    let refusal = browser.text(&refusal).await;
    assert!(refusal.contains("already has a PCI DSS"), "{refusal}");
    browser.press(ESCAPE).await;
    browser.wait_gone("dialog[open]").await;
    let (_, list) = server.get(token, "/cspm/report/list").await;
    assert_eq!(
        list.as_array().map(Vec::len),
        Some(1),
        "no duplicate was made"
    );

    // An hour later: Re-run, queued, then done; the chart gets a point.
    clock.advance(chrono::Duration::minutes(61));
    browser.click_on("a[data-nav=Overview]").await;
    let rerun = browser
        .wait_for(&format!("{row} .run-button:not([disabled])"))
        .await;
    assert!(browser.text(&rerun).await.contains("Re-run"));
    browser.click(&rerun).await;
    browser.wait_for(&format!("{row} .chip-queued")).await;
    server.drain().await;
    browser.wait_for(&format!("{row} .next-run")).await;

    // Columns: Mandate hides and comes back; the choice is in the URL.
    browser.click_on(".toolbar .menu-button").await;
    browser
        .click_on("[role=menuitemcheckbox][data-key=mandate]")
        .await;
    browser.wait_gone("th[data-column=mandate]").await;
    assert!(browser.url().await.contains("hide=mandate"));
    let name_item = browser
        .wait_for("[role=menuitemcheckbox][data-key=name]")
        .await;
    assert_eq!(
        browser
            .attribute(&name_item, "aria-disabled")
            .await
            .as_deref(),
        Some("true")
    );
    browser.press(ESCAPE).await;
    browser.wait_gone(".menu").await;
    browser.click_on(".toolbar .menu-button").await;
    browser
        .click_on("[role=menuitemcheckbox][data-key=mandate]")
        .await;
    browser.wait_for("th[data-column=mandate]").await;
    browser.press(ESCAPE).await;

    // The report: header, chart of two runs, requirement tree, controls.
    browser.click_on(&format!("{row} a.report-link")).await;
    browser.wait_text("#report-title", "PCI production").await;
    let (_, details) = server.get(token, &format!("/cspm/report/{report}")).await;
    let facts = texts(&browser, ".facts dd").await;
    assert!(
        facts
            .iter()
            .any(|f| f == details["mandateName"].as_str().unwrap_or("?")),
        "{facts:?}"
    );
    assert!(
        facts.iter().any(|f| f == "production"),
        "the connector: {facts:?}"
    );
    browser
        .wait_until(
            "two runs in the chart",
            "return document.querySelectorAll('.chart circle.point').length === 2;",
            vec![],
        )
        .await;
    let requirements = details["requirements"]
        .as_array()
        .map(Vec::len)
        .unwrap_or(0);
    assert_eq!(texts(&browser, ".tree li").await.len(), requirements);
    let failing: Vec<&Value> = details["controls"]
        .as_array()
        .map(|c| c.iter().filter(|c| c["status"] == "FAIL").collect())
        .unwrap_or_default();
    assert!(!failing.is_empty());
    browser.select("#control-status", "FAIL").await;
    wait_all(
        &browser,
        "td[data-column=result] .chip",
        "Fail",
        failing.len(),
    )
    .await;
    assert!(browser.url().await.contains("status=FAIL"));
    browser.click_on("a.control-link").await;
    browser.wait_for(".control-details").await;
    let url = browser.url().await;
    let cid = url
        .split("/controls/")
        .nth(1)
        .and_then(|rest| rest.split('?').next())
        .expect("a control in the URL")
        .to_string();
    let (_, remediation) = server
        .get(token, &format!("/cspm/control/{cid}/remediation"))
        .await;
    browser
        .wait_text(
            ".rationale",
            remediation["rationale"].as_str().unwrap_or("?"),
        )
        .await;
    let (_, resources) = server
        .get(
            token,
            &format!("/cspm/report/{report}/control/{cid}/resources"),
        )
        .await;
    let resources = resources.as_array().cloned().unwrap_or_default();
    let statuses = texts(&browser, ".control-details td[data-column=status] .chip").await;
    assert_eq!(statuses.len(), resources.len());
    assert!(
        statuses.iter().any(|s| s == "Fail"),
        "a failing control has a failing resource: {statuses:?}"
    );
    browser.screenshot(&shots.join("report.png")).await;

    // Resources: the strip follows the filters and the search.
    browser.click_on("a[data-nav=Resources]").await;
    let (_, all) = server.get(token, "/cspm/resources/summary").await;
    wait_stats(&browser, &all).await;
    browser
        .wait_for("#resource-type option[value=\"aws.s3.bucket\"]")
        .await;
    browser.select("#resource-type", "aws.s3.bucket").await;
    let (_, buckets) = server
        .get(token, "/cspm/resources/summary?resourceType=aws.s3.bucket")
        .await;
    assert_ne!(buckets["totalResources"], all["totalResources"]);
    wait_stats(&browser, &buckets).await;
    let (_, listed) = server
        .get(token, "/cspm/resources?resourceType=aws.s3.bucket&top=100")
        .await;
    let target = listed["data"]
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["failed"].as_i64().unwrap_or(0) > 0))
        .cloned()
        .expect("a bucket failing a control");
    let target_name = target["resourceName"].as_str().expect("a name").to_string();
    let search = browser.wait_for("#resource-search").await;
    browser.type_into(&search, &target_name).await;
    let query = format!("resourceType=aws.s3.bucket&search={target_name}");
    let (_, found) = server
        .get(token, &format!("/cspm/resources/summary?{query}"))
        .await;
    wait_stats(&browser, &found).await;
    let (_, page) = server.get(token, &format!("/cspm/resources?{query}")).await;
    let rows = page["data"].as_array().map(Vec::len).unwrap_or(0);
    browser
        .wait_until(
            "the searched rows",
            "return document.querySelectorAll('.resource-link').length === arguments[0];",
            vec![json!(rows)],
        )
        .await;
    browser.screenshot(&shots.join("resources.png")).await;

    // A bookmark restores the filters.
    let bookmark = browser.url().await;
    assert!(
        bookmark.contains("type=aws.s3.bucket") && bookmark.contains("search="),
        "{bookmark}"
    );
    browser.goto(&format!("{base}/policies")).await;
    browser.wait_text("main h1", "Policies").await;
    browser.goto(&bookmark).await;
    wait_stats(&browser, &found).await;
    browser
        .wait_until(
            "the filters restored",
            "return document.querySelector('#resource-type').value === 'aws.s3.bucket'
                 && document.querySelector('#resource-search').value === arguments[0];",
            vec![json!(target_name)],
        )
        .await;

    // Columns: Type hides and comes back; Name cannot be removed.
    browser.click_on("button[aria-label=Columns]").await;
    browser
        .click_on("[role=menuitemcheckbox][data-key=type]")
        .await;
    browser.wait_gone("th[data-column=type]").await;
    let name_item = browser
        .wait_for("[role=menuitemcheckbox][data-key=name]")
        .await;
    assert_eq!(
        browser
            .attribute(&name_item, "aria-disabled")
            .await
            .as_deref(),
        Some("true")
    );
    browser
        .click_on("[role=menuitemcheckbox][data-key=type]")
        .await;
    browser.wait_for("th[data-column=type]").await;
    browser.press(ESCAPE).await;
    browser.wait_gone(".menu").await;

    // The resource modal: filter on Result, export the selection, Escape.
    let link = browser.wait_for(".resource-link").await;
    browser.click(&link).await;
    browser.wait_for("dialog[open] .facts").await;
    let id = target["id"].as_i64().expect("a resource number");
    browser.select("#evaluation-result", "FAIL").await;
    let (_, failed) = server
        .get(
            token,
            &format!("/cspm/resources/{id}/evaluations?result=FAIL&top=25"),
        )
        .await;
    let shown = failed["data"].as_array().map(Vec::len).unwrap_or(0);
    assert!(shown > 0, "{failed}");
    wait_all(
        &browser,
        "dialog td[data-column=result] .chip",
        "Fail",
        shown,
    )
    .await;
    let info = texts(&browser, "dialog .facts dd").await;
    assert!(info.iter().any(|t| t == "aws.s3.bucket"), "{info:?}");
    browser.screenshot(&shots.join("resource-modal.png")).await;
    let before = browser.downloaded();
    browser.click_on("[data-testid=export-evaluations]").await;
    let file = browser.wait_download(&before).await;
    let csv = std::fs::read_to_string(&file).expect("the CSV");
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let headers = reader.headers().expect("a header").clone();
    let result = headers
        .iter()
        .position(|h| h == "Result")
        .unwrap_or_else(|| panic!("a Result column in {} ({csv:?})", file.display()));
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("a row")).collect();
    assert_eq!(records.len(), shown, "the export holds the selection");
    assert!(records.iter().all(|r| &r[result] == "FAIL"), "{csv}");
    browser.press(ESCAPE).await;
    browser.wait_gone("dialog[open]").await;
    assert!(!browser.url().await.contains("resource="));

    // A tablet's width: nothing overflows the page sideways.
    browser.set_window_size(768, 1024).await;
    browser
        .wait_until(
            "no sideways scrolling at 768px",
            "return document.documentElement.scrollWidth <= window.innerWidth;",
            vec![],
        )
        .await;
    browser
        .screenshot(&shots.join("resources-tablet.png"))
        .await;
    browser.set_window_size(1366, 900).await;

    // Policies: PCI DSS's policies, a policy's controls, a control's details.
    browser.click_on("a[data-nav=Policies]").await;
    click_button_reading(&browser, "td[data-column=name] button.link", "PCI DSS").await;
    let (_, mandates) = server.get(token, "/cspm/mandates").await;
    let mandate = mandates
        .as_array()
        .and_then(|m| m.iter().find(|m| m["slug"] == "pci-dss-4.0.1"))
        .cloned()
        .expect("PCI DSS");
    let policies = mandate["policyIds"].as_array().map(Vec::len).unwrap_or(0);
    browser
        .wait_until(
            "the mandate's policies",
            "return document.querySelectorAll('section[aria-labelledby=policies-title] tbody tr').length === arguments[0];",
            vec![json!(policies)],
        )
        .await;
    browser
        .click_on("section[aria-labelledby=policies-title] td[data-column=name] a")
        .await;
    browser
        .wait_for("section[aria-labelledby=controls-title] table")
        .await;
    let policy = browser
        .url()
        .await
        .split("/policies/")
        .nth(1)
        .and_then(|r| r.split('?').next())
        .map(str::to_string)
        .expect("a policy");
    let (_, controls) = server
        .get(token, &format!("/cspm/policy/{policy}/controls"))
        .await;
    let count = controls.as_array().map(Vec::len).unwrap_or(0);
    assert_eq!(
        texts(&browser, "section[aria-labelledby=controls-title] tbody tr")
            .await
            .len(),
        count
    );
    browser.screenshot(&shots.join("policies.png")).await;
    browser
        .click_on("section[aria-labelledby=controls-title] td[data-column=title] button")
        .await;
    browser.wait_for("dialog[open] h3").await;
    browser.screenshot(&shots.join("control-details.png")).await;
    browser.press(ESCAPE).await;
    browser.wait_gone("dialog[open]").await;

    // Delete the connector, past the billing warning.
    browser.click_on("a[data-nav=Connectors]").await;
    browser
        .click_on("button[aria-label=\"Delete production\"]")
        .await;
    let warning = browser.wait_for("dialog[open] .alert-warn").await;
    assert!(browser.text(&warning).await.contains("Billing counts"));
    browser.click_on("dialog[open] button.danger").await;
    browser.wait_for("td.empty").await;
    let (_, connectors) = server.get(token, "/cspm/connector").await;
    assert_eq!(connectors["connectors"], json!([]));

    // Sign out.
    click_button_reading(&browser, ".topbar button", "Sign out").await;
    browser.wait_for("#login-email").await;
    browser.goto(&format!("{base}/resources")).await;
    browser.wait_for("#login-email").await;

    browser.quit().await;
    server.stop().await;
}
