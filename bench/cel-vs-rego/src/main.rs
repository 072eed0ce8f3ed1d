//! CEL (`cel` 0.15) against Rego (`regorus`) on four representative posture
//! checks, over the same deterministic synthetic resources (100,000 per check).
//!
//! Per language, engine and check it prints: prepare time (parse + compile),
//! bind cost (serde_json -> engine value, bound as the input), evaluation cost
//! on pre-bound inputs, end-to-end single-thread throughput (bind + evaluate),
//! each the best of REPS passes after warm-up, and agreement with the
//! reference (CEL bound via `cel::Value`, as posture does). Then qualitative
//! probes: syntax errors, missing fields, type strictness.
//!
//! Run: `cargo run --release` (from bench/cel-vs-rego).

use cel::common::{types, value::Val};
use regorus::languages::rego::compiler::Compiler;
use regorus::rvm::vm::RegoVM;
use serde::Deserialize;
use serde_json::{Value as Json, json};
use std::collections::HashMap;
use std::hint::black_box;
use std::sync::Arc;
use std::time::Instant;

const N: usize = 100_000;
const WARMUP: usize = 10_000;
const REPS: usize = 3;
const PREPARE_REPS: u32 = 200;

struct Check {
    name: &'static str,
    cel: &'static str,
    /// Body of a module `package checks.<name>` whose rule `pass` is the check.
    rego: &'static str,
    make: fn(&mut Rng, usize) -> Json,
}

const CHECKS: [Check; 4] = [
    Check {
        name: "s3_versioning",
        cel: r#"resource.versioning.status == "Enabled""#,
        rego: r#"default pass := false
pass if input.versioning.status == "Enabled""#,
        make: s3_bucket,
    },
    Check {
        name: "sg_no_open_ssh",
        cel: r#"!resource.ingress_rules.exists(r, r.cidr_ipv4 == "0.0.0.0/0" && r.from_port <= 22 && r.to_port >= 22)"#,
        rego: r#"default pass := false
pass if not open_ssh
open_ssh if {
    some r in input.ingress_rules
    r.cidr_ipv4 == "0.0.0.0/0"
    r.from_port <= 22
    r.to_port >= 22
}"#,
        make: security_group,
    },
    Check {
        name: "iam_console_mfa",
        cel: r#"!resource.password_enabled || size(resource.mfa_devices) > 0"#,
        rego: r#"default pass := false
pass if input.password_enabled == false
pass if count(input.mfa_devices) > 0"#,
        make: iam_user,
    },
    Check {
        name: "s3_deny_insecure",
        cel: r#"resource.policy.Statement.exists(s, s.Effect == "Deny" && has(s.Condition) && has(s.Condition.Bool) && "aws:SecureTransport" in s.Condition.Bool && s.Condition.Bool["aws:SecureTransport"] == "false")"#,
        rego: r#"default pass := false
pass if {
    some s in input.policy.Statement
    s.Effect == "Deny"
    s.Condition.Bool["aws:SecureTransport"] == "false"
}"#,
        make: bucket_policy,
    },
];

/// splitmix64: deterministic, dependency-free.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
}

fn s3_bucket(g: &mut Rng, i: usize) -> Json {
    json!({
        "name": format!("acme-data-{i:06}"), "region": g.pick(&["us-east-1", "eu-west-1"]),
        "creation_date": format!("2024-{:02}-{:02}T10:00:00Z", 1 + g.below(12), 1 + g.below(28)),
        "versioning": { "status": g.pick(&["Enabled", "Enabled", "Suspended"]),
                        "mfa_delete": "Disabled" },
        "encryption": { "rules": [{ "sse_algorithm": g.pick(&["AES256", "aws:kms"]),
                                    "bucket_key_enabled": g.below(2) == 0 }] },
        "public_access_block": { "block_public_acls": true, "ignore_public_acls": true,
            "block_public_policy": g.below(5) != 0, "restrict_public_buckets": g.below(5) != 0 },
        "logging": { "target_bucket": "acme-logs", "target_prefix": format!("s3/{i}/") },
        "tags": { "env": g.pick(&["prod", "dev", "staging"]), "owner": "data-platform" },
    })
}

fn security_group(g: &mut Rng, i: usize) -> Json {
    let ports = [(443, 443), (80, 80), (22, 22), (0, 65535), (3389, 3389), (1024, 65535)];
    let cidrs = ["10.0.0.0/8", "0.0.0.0/0", "172.16.0.0/12", "192.168.10.0/24"];
    let rules: Vec<Json> = (0..3 + g.below(6)) // 3 to 8 ingress rules
        .map(|k| {
            let (from, to) = g.pick(&ports);
            json!({ "rule_id": format!("sgr-{i:08x}{k}"), "ip_protocol": "tcp",
                    "from_port": from, "to_port": to, "cidr_ipv4": g.pick(&cidrs),
                    "description": "managed by terraform" })
        })
        .collect();
    json!({
        "group_id": format!("sg-{:017x}", g.next() >> 4), "group_name": format!("app-{i}"),
        "vpc_id": format!("vpc-{:08x}", g.below(64)), "description": "application tier",
        "ingress_rules": rules,
        "egress_rules": [{ "ip_protocol": "-1", "from_port": -1, "to_port": -1,
                           "cidr_ipv4": "0.0.0.0/0" }],
        "tags": { "Name": format!("app-{i}") },
    })
}

fn iam_user(g: &mut Rng, i: usize) -> Json {
    let mfa: Vec<Json> = (0..g.pick(&[0, 1, 1, 2]))
        .map(|k| {
            json!({ "serial_number": format!("arn:aws:iam::123456789012:mfa/u{i}-{k}"),
                         "enable_date": "2025-03-01T00:00:00Z" })
        })
        .collect();
    json!({
        "user_name": format!("user{i}"), "user_id": format!("AIDA{:016X}", g.next() >> 1),
        "arn": format!("arn:aws:iam::123456789012:user/user{i}"),
        "create_date": "2023-06-01T12:00:00Z", "password_enabled": g.below(3) != 0,
        "password_last_used": "2026-10-30T08:15:00Z", "mfa_devices": mfa,
        "access_keys": [{ "access_key_id": format!("AKIA{:016X}", g.next() >> 1),
                          "status": "Active", "create_date": "2024-01-01T00:00:00Z" }],
        "attached_policies": [{ "policy_name": "ReadOnlyAccess",
                                "policy_arn": "arn:aws:iam::aws:policy/ReadOnlyAccess" }],
        "groups": ["developers"],
    })
}

fn bucket_policy(g: &mut Rng, i: usize) -> Json {
    let arn = format!("arn:aws:s3:::acme-data-{i:06}");
    let statements: Vec<Json> = (0..1 + g.below(4))
        .map(|k| {
            let mut s = json!({ "Sid": format!("S{k}"), "Effect": g.pick(&["Allow", "Deny"]),
                "Principal": "*", "Action": "s3:*", "Resource": [arn.clone(), format!("{arn}/*")] });
            s["Condition"] = match g.below(6) {
                0 | 1 => json!({ "Bool": { "aws:SecureTransport": "false" } }),
                2 => json!({ "StringNotEquals": { "aws:SourceVpce": "vpce-1a2b3c4d" } }),
                3 => json!({ "NumericLessThan": { "s3:TlsVersion": "1.2" } }),
                4 => json!({ "Bool": { "aws:MultiFactorAuthPresent": "false" } }),
                _ => return s, // no Condition key at all
            };
            s
        })
        .collect();
    json!({ "bucket": format!("acme-data-{i:06}"),
            "policy": { "Version": "2012-10-17", "Statement": statements } })
}

/// serde_json -> CEL value; integers become `int` like in posture's evaluator.
fn to_cel(v: &Json) -> cel::Value {
    match v {
        Json::Null => cel::Value::Null,
        Json::Bool(b) => cel::Value::Bool(*b),
        Json::Number(n) => match n.as_i64() {
            Some(i) => cel::Value::Int(i),
            None => cel::Value::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Json::String(s) => cel::Value::String(Arc::new(s.clone())),
        Json::Array(a) => cel::Value::List(Arc::new(a.iter().map(to_cel).collect())),
        Json::Object(m) => {
            let map: HashMap<cel::objects::Key, cel::Value> = m
                .iter()
                .map(|(k, v)| (cel::objects::Key::String(Arc::new(k.clone())), to_cel(v)))
                .collect();
            cel::Value::Map(cel::objects::Map { map: Arc::new(map) })
        }
    }
}

/// serde_json -> CEL's runtime `Val` tree directly, skipping `cel::Value`
/// (binding a `cel::Value` converts it into this tree a second time).
fn to_cel_val(v: &Json) -> Box<dyn Val> {
    match v {
        Json::Null => Box::new(types::CelNull),
        Json::Bool(b) => Box::new(types::CelBool::from(*b)),
        Json::Number(n) => match n.as_i64() {
            Some(i) => Box::new(types::CelInt::from(i)),
            None => Box::new(types::CelDouble::from(n.as_f64().unwrap_or(f64::NAN))),
        },
        Json::String(s) => Box::new(types::CelString::from(s.clone())),
        Json::Array(a) => {
            Box::new(types::CelList::from(a.iter().map(to_cel_val).collect::<Vec<_>>()))
        }
        Json::Object(m) => Box::new(types::CelMap::from(
            m.iter()
                .map(|(k, v)| (types::CelMapKey::from(k.clone()), to_cel_val(v)))
                .collect::<HashMap<_, _>>(),
        )),
    }
}

fn to_rego(v: &Json) -> regorus::Value {
    regorus::Value::deserialize(v).unwrap_or(regorus::Value::Undefined)
}

type Verdict = Result<bool, String>;

fn cel_verdict(r: Result<cel::Value, cel::ExecutionError>) -> Verdict {
    match r {
        Ok(cel::Value::Bool(b)) => Ok(b),
        Ok(other) => Err(format!("non-bool {other:?}")),
        Err(e) => Err(e.to_string()),
    }
}

fn rego_verdict(r: anyhow::Result<regorus::Value>) -> Verdict {
    match r {
        Ok(regorus::Value::Bool(b)) => Ok(b),
        Ok(other) => Err(format!("non-bool {other}")),
        Err(e) => Err(e.to_string()),
    }
}

/// Warms up on the first WARMUP items, then times `f` over all of them REPS
/// times. Returns (results of the last pass, best time per item in µs).
fn measure<I, T>(items: &[I], mut f: impl FnMut(&I) -> T) -> (Vec<T>, f64) {
    items.iter().take(WARMUP).for_each(|r| drop(black_box(f(r))));
    let (mut out, mut best) = (Vec::new(), f64::INFINITY);
    for _ in 0..REPS {
        let start = Instant::now();
        out = items.iter().map(|r| black_box(f(r))).collect();
        best = best.min(start.elapsed().as_secs_f64() * 1e6 / items.len() as f64);
    }
    (out, best)
}

/// Mean time of `f` in µs over PREPARE_REPS runs.
fn mean_us<T>(mut f: impl FnMut() -> T) -> f64 {
    let start = Instant::now();
    (0..PREPARE_REPS).for_each(|_| drop(black_box(f())));
    start.elapsed().as_secs_f64() * 1e6 / f64::from(PREPARE_REPS)
}

type Root = cel::Context<'static, 'static>;

/// Child scope of the root context with `resource` bound via `cel::Value`.
fn bind_value<'a>(root: &'a Root, r: &Json) -> cel::Context<'a, 'static> {
    let mut ctx = root.new_inner_scope();
    ctx.add_variable_from_value("resource", to_cel(r));
    ctx
}

/// Child scope of the root context with `resource` bound as a `Val` tree.
fn bind_val<'a>(root: &'a Root, r: &Json) -> cel::Context<'a, 'static> {
    let mut ctx = root.new_inner_scope();
    ctx.add_variable_as_val("resource", to_cel_val(r));
    ctx
}

type Compiled = (regorus::Engine, String, regorus::CompiledPolicy);

/// Parses the check's module and compiles it for its `pass` rule.
fn rego_compile(check: &Check) -> anyhow::Result<Compiled> {
    let mut engine = regorus::Engine::new();
    let module = format!("package checks.{}\n{}", check.name, check.rego);
    engine.add_policy(format!("{}.rego", check.name), module)?;
    let rule = format!("data.checks.{}.pass", check.name);
    let compiled = engine.compile_with_entrypoint(&rule.as_str().into())?;
    Ok((engine, rule, compiled))
}

/// As `rego_compile`, then to RVM bytecode loaded into a VM.
fn rego_vm(check: &Check) -> anyhow::Result<RegoVM> {
    let (_, rule, compiled) = rego_compile(check)?;
    let mut vm = RegoVM::new();
    vm.load_program(Compiler::compile_from_policy(&compiled, &[rule.as_str()])?);
    Ok(vm)
}

/// Prints one table row; `t` is (prepare µs, bind, eval, end to end: µs/res).
fn row(check: &str, engine: &str, t: (f64, f64, f64, f64), out: &[Verdict], reference: &[Verdict]) {
    let (prep, bind, eval, e2e) = t;
    let passed = out.iter().filter(|v| matches!(v, Ok(true))).count();
    let bad: Vec<usize> = (0..out.len()).filter(|&i| out[i] != reference[i]).collect();
    for &i in bad.iter().take(5) {
        eprintln!("MISMATCH {check} {engine} #{i}: {:?}, CEL {:?}", out[i], reference[i]);
    }
    let agree = if bad.is_empty() { "yes".into() } else { format!("NO ({})", bad.len()) };
    let rate = 1e6 / e2e;
    println!(
        "| {check} | {engine} | {prep:.0} | {bind:.2} | {eval:.2} | {rate:.0} | {passed} | {agree} |"
    );
}

fn main() -> anyhow::Result<()> {
    println!("{N} resources per check; warm-up {WARMUP}; best of {REPS} passes; 1 thread\n");
    println!(
        "| check | engine | prepare µs | bind µs/res | eval µs/res | evals/s | pass | agrees |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---|");
    let root: Root = cel::Context::default();
    for (ci, check) in CHECKS.iter().enumerate() {
        let mut g = Rng(0x5EED_0000 + ci as u64);
        let resources: Vec<Json> = (0..N).map(|i| (check.make)(&mut g, i)).collect();
        let (name, res) = (check.name, &resources[..]);

        // CEL: one compiled Program; per resource a child scope of the root.
        let prep = mean_us(|| cel::Program::compile(check.cel));
        let program = cel::Program::compile(check.cel).map_err(|e| anyhow::anyhow!("{e}"))?;
        let bound: Vec<_> = res.iter().map(|r| bind_val(&root, r)).collect();
        let (_, eval) = measure(&bound, |ctx| cel_verdict(program.execute(ctx)));
        drop(bound);
        let (_, bind) = measure(res, |r| bind_value(&root, r));
        let (refr, e2e) = measure(res, |r| cel_verdict(program.execute(&bind_value(&root, r))));
        row(name, "CEL, bind cel::Value", (prep, bind, eval, e2e), &refr, &refr);
        let (_, bind) = measure(res, |r| bind_val(&root, r));
        let (out, e2e) = measure(res, |r| cel_verdict(program.execute(&bind_val(&root, r))));
        row(name, "CEL, bind Val tree", (prep, bind, eval, e2e), &out, &refr);

        // Rego interpreter: Engine::set_input, then eval_rule or eval_bool_query.
        let inputs: Vec<regorus::Value> = res.iter().map(to_rego).collect();
        let prep = mean_us(|| rego_compile(check).map(drop));
        let (mut engine, rule, _) = rego_compile(check)?;
        let (_, bind) = measure(res, |r| engine.set_input(to_rego(r)));
        let eval_rule = |e: &mut regorus::Engine, v| {
            e.set_input(v);
            rego_verdict(e.eval_rule(rule.clone()))
        };
        let (_, eval) = measure(&inputs, |v| eval_rule(&mut engine, v.clone()));
        let (out, e2e) = measure(res, |r| eval_rule(&mut engine, to_rego(r)));
        row(name, "Rego Engine, eval_rule", (prep, bind, eval, e2e), &out, &refr);
        let bool_query = |e: &mut regorus::Engine, v| {
            e.set_input(v);
            e.eval_bool_query(rule.clone(), false).map_err(|e| e.to_string())
        };
        let (_, eval) = measure(&inputs, |v| bool_query(&mut engine, v.clone()));
        let (out, e2e) = measure(res, |r| bool_query(&mut engine, to_rego(r)));
        row(name, "Rego Engine, eval_bool_query", (prep, bind, eval, e2e), &out, &refr);

        // Rego compiled to RVM bytecode: RegoVM::set_input + execute.
        let prep = mean_us(|| rego_vm(check).map(drop));
        let mut vm = rego_vm(check)?;
        let (_, bind) = measure(res, |r| vm.set_input(to_rego(r)));
        let execute = |vm: &mut RegoVM, v| {
            vm.set_input(v);
            rego_verdict(vm.execute().map_err(|e| anyhow::anyhow!("{e}")))
        };
        let (_, eval) = measure(&inputs, |v| execute(&mut vm, v.clone()));
        let (out, e2e) = measure(res, |r| execute(&mut vm, to_rego(r)));
        row(name, "Rego RVM, execute", (prep, bind, eval, e2e), &out, &refr);
    }
    qualitative(&root)
}

fn qualitative(root: &Root) -> anyhow::Result<()> {
    println!("\n### Syntax error (trailing `&&`)\n\nCEL:\n```");
    if let Err(e) = cel::Program::compile(r#"resource.versioning.status == "Enabled" &&"#) {
        println!("{e}");
    }
    println!("```\nRego:\n```");
    let bad = "package checks.bad\npass if input.versioning.status == \"Enabled\" &&";
    if let Err(e) = regorus::Engine::new().add_policy("bad.rego".into(), bad.into()) {
        println!("{e}");
    }
    println!(
        "```\n\n### Missing field, wrong type (CEL on `resource`, Rego `x := ...` on `input`)"
    );
    let bucket = json!({ "versioning": {} }); // versioning never configured
    let rule = json!({ "from_port": "22" }); // a port that arrived as a string
    let probes = [
        (&bucket, r#"resource.versioning.status == "Enabled""#),
        (&rule, "resource.from_port <= 22"),
        (&rule, "resource.from_port == 22"),
        (&rule, "resource.from_port > 1024"),
    ];
    for (input, expr) in probes {
        let program = cel::Program::compile(expr).map_err(|e| anyhow::anyhow!("{e}"))?;
        let cel = program.execute(&bind_value(root, input));
        let rego = expr.replace("resource.", "input.");
        let mut engine = regorus::Engine::new();
        engine.add_policy("probe.rego".into(), format!("package probe\nx := {rego}"))?;
        engine.set_input(to_rego(input));
        let out = engine.eval_rule("data.probe.x".into());
        println!(
            "- `{}` on `{input}`: CEL `{cel:?}`; Rego `{out:?}`",
            expr.replace("resource.", "")
        );
    }
    Ok(())
}
