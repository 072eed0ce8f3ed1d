//! Loads the embedded catalogue the way a scan does (built-in fixtures not
//! evaluated) or the way the linter does (`--lint`), and prints the time it
//! took; run under `/usr/bin/time -v` to see the memory it needs.
fn main() {
    let lint = std::env::args().any(|a| a == "--lint");
    let start = std::time::Instant::now();
    let loaded = if lint {
        posture_catalog::Catalog::lint_with_custom(Vec::new())
    } else {
        posture_catalog::Catalog::load_with_custom(Vec::new())
    };
    match loaded {
        Ok(catalog) => println!(
            "{} controls loaded in {:?} (fixtures evaluated: {})",
            catalog.controls.len(),
            start.elapsed(),
            if lint { "all" } else { "custom only" }
        ),
        Err(findings) => eprintln!("{} findings: run `posture catalog lint`", findings.len()),
    }
}
