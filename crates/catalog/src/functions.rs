//! The helper functions checks may call, registered on every evaluation
//! context. Documented in `docs/catalog.md`; keep the two in step.

use crate::policy_doc;
use cel::extractors::This;
use cel::objects::Value;
use cel::{Context, ExecutionError, FunctionContext};
use ipnet::IpNet;
use regex::Regex;
use std::cell::RefCell;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;

type Result<T> = std::result::Result<T, ExecutionError>;

/// Names of the helpers, for the linter and docs.
pub const HELPERS: [&str; 9] = [
    // `matches` is also registered here, replacing the standard one with a cached version.
    "age_days",
    "cidr_is_any",
    "cidr_contains",
    "cidr_is_private",
    "port_in_range",
    "policy_allows_public",
    "policy_allows_admin",
    "policy_allows_action",
    "policy_denies_insecure_transport",
];

pub fn register(ctx: &mut Context<'_, '_>) -> std::result::Result<(), cel::DeclarationError> {
    ctx.add_function("matches", matches)?;
    ctx.add_function("age_days", age_days)?;
    ctx.add_function("cidr_is_any", cidr_is_any)?;
    ctx.add_function("cidr_contains", cidr_contains)?;
    ctx.add_function("cidr_is_private", cidr_is_private)?;
    ctx.add_function("port_in_range", port_in_range)?;
    ctx.add_function("policy_allows_public", policy_allows_public)?;
    ctx.add_function("policy_allows_admin", policy_allows_admin)?;
    ctx.add_function("policy_allows_action", policy_allows_action)?;
    ctx.add_function(
        "policy_denies_insecure_transport",
        policy_denies_insecure_transport,
    )?;
    Ok(())
}

/// Compiled patterns per thread: checks build the same few patterns for
/// every resource, and compiling a regex costs far more than matching it.
const REGEX_CACHE_LIMIT: usize = 4096;

thread_local! {
    static REGEX_CACHE: RefCell<HashMap<String, Regex>> = RefCell::new(HashMap::new());
}

/// CEL's standard `matches` (RE2 syntax, unanchored), with compiled patterns
/// cached; callable as `s.matches(re)` or `matches(s, re)`.
fn matches(
    ftx: &FunctionContext,
    This(text): This<Arc<String>>,
    pattern: Arc<String>,
) -> Result<bool> {
    REGEX_CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(re) = cache.get(pattern.as_str()) {
            return Ok(re.is_match(&text));
        }
        let re = Regex::new(&pattern).map_err(|e| {
            ftx.error(format!(
                "{pattern:?} is not a valid regular expression: {e}"
            ))
        })?;
        let found = re.is_match(&text);
        if cache.len() >= REGEX_CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(pattern.to_string(), re);
        Ok(found)
    })
}

/// Whole days from `ts` (RFC 3339 string or timestamp) to the evaluation clock.
fn age_days(ftx: &FunctionContext, ts: Value) -> Result<i64> {
    let now = ftx
        .ptx
        .get_variable("now")
        .and_then(|v| Value::try_from(&*v).ok());
    let Some(Value::Timestamp(now)) = now else {
        return Err(ftx.error("the evaluation clock `now` is not set"));
    };
    let then = match ts {
        Value::Timestamp(t) => t,
        Value::String(s) => chrono::DateTime::parse_from_rfc3339(&s)
            .map_err(|e| ftx.error(format!("{s:?} is not an RFC 3339 timestamp: {e}")))?,
        other => return Err(ftx.error(format!("expected a timestamp, found {other:?}"))),
    };
    Ok((now - then).num_days())
}

fn parse_net(ftx: &FunctionContext, text: &str) -> Result<IpNet> {
    text.parse::<IpNet>()
        .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| ftx.error(format!("{text:?} is not a CIDR block or IP address")))
}

fn cidr_is_any(ftx: &FunctionContext, cidr: Arc<String>) -> Result<bool> {
    let net = parse_net(ftx, &cidr)?;
    Ok(net.prefix_len() == 0)
}

fn cidr_contains(ftx: &FunctionContext, cidr: Arc<String>, inner: Arc<String>) -> Result<bool> {
    let outer = parse_net(ftx, &cidr)?;
    let inner = parse_net(ftx, &inner)?;
    Ok(outer.contains(&inner))
}

fn cidr_is_private(ftx: &FunctionContext, cidr: Arc<String>) -> Result<bool> {
    let net = parse_net(ftx, &cidr)?;
    const PRIVATE: [&str; 4] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"];
    Ok(PRIVATE
        .iter()
        .filter_map(|p| p.parse::<IpNet>().ok())
        .any(|p| p.contains(&net)))
}

fn port_in_range(port: i64, from: i64, to: i64) -> bool {
    from <= port && port <= to
}

/// A policy argument as JSON; `null` is an empty policy.
fn document(ftx: &FunctionContext, doc: &Value) -> Result<serde_json::Value> {
    match doc {
        Value::String(s) => serde_json::from_str(s)
            .map_err(|e| ftx.error(format!("policy is not a JSON document: {e}"))),
        other => other
            .json()
            .map_err(|e| ftx.error(format!("policy is not a JSON document: {e:?}"))),
    }
}

fn policy_allows_public(ftx: &FunctionContext, doc: Value) -> Result<bool> {
    Ok(policy_doc::allows_public(&document(ftx, &doc)?))
}

fn policy_allows_admin(ftx: &FunctionContext, doc: Value) -> Result<bool> {
    Ok(policy_doc::allows_admin(&document(ftx, &doc)?))
}

fn policy_allows_action(ftx: &FunctionContext, doc: Value, action: Arc<String>) -> Result<bool> {
    Ok(policy_doc::allows_action(&document(ftx, &doc)?, &action))
}

fn policy_denies_insecure_transport(ftx: &FunctionContext, doc: Value) -> Result<bool> {
    Ok(policy_doc::denies_insecure_transport(&document(ftx, &doc)?))
}
