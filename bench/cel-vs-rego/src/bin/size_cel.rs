//! Binary-size probe: serde_json + cel, one check compiled and evaluated.
fn main() {
    let arg =
        std::env::args().nth(1).unwrap_or_else(|| r#"{"versioning":{"status":"Enabled"}}"#.into());
    let v: serde_json::Value = serde_json::from_str(&arg).unwrap_or_default();
    let mut ctx = cel::Context::default();
    let value = cel::to_value(&v).unwrap_or(cel::Value::Null);
    ctx.add_variable_from_value("resource", value);
    match cel::Program::compile(r#"resource.versioning.status == "Enabled""#) {
        Ok(p) => println!("{:?}", p.execute(&ctx)),
        Err(e) => println!("{e}"),
    }
}
