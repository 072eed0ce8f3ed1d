//! Binary-size baseline: serde_json only (see RESULTS.md).
fn main() {
    let arg =
        std::env::args().nth(1).unwrap_or_else(|| r#"{"versioning":{"status":"Enabled"}}"#.into());
    let v: serde_json::Value = serde_json::from_str(&arg).unwrap_or_default();
    println!("{}", v["versioning"]["status"] == "Enabled");
}
