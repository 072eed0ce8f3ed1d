//! Binary-size probe: serde_json + regorus (interpreter), one check evaluated.
fn main() -> anyhow::Result<()> {
    let arg =
        std::env::args().nth(1).unwrap_or_else(|| r#"{"versioning":{"status":"Enabled"}}"#.into());
    let mut engine = regorus::Engine::new();
    engine.add_policy(
        "p.rego".into(),
        "package p\npass if input.versioning.status == \"Enabled\"".into(),
    )?;
    engine.set_input(regorus::Value::from_json_str(&arg)?);
    println!("{:?}", engine.eval_rule("data.p.pass".into()));
    Ok(())
}
