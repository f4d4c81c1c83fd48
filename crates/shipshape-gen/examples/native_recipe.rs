//! Prints, as bash assignments, the recipe the generated Dockerfile of one service runs: the
//! smoke test (`tests/smoke/run.sh`) sources it and runs the same commands natively.
//!
//! Usage: `cargo run -q -p shipshape-gen --example native_recipe -- REPO_DIR SERVICE`

use std::path::PathBuf;
use std::process::ExitCode;

/// `'text'` for bash, with embedded single quotes closed, escaped and reopened.
fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

fn array(name: &str, items: impl IntoIterator<Item = String>) -> String {
    let quoted: Vec<String> = items.into_iter().map(|i| quote(&i)).collect();
    format!("{name}=({})", quoted.join(" "))
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(dir), Some(service)) = (args.next(), args.next()) else {
        eprintln!("usage: native_recipe REPO_DIR SERVICE");
        return ExitCode::from(2);
    };
    let inv = match shipshape_core::Inventory::open(&PathBuf::from(&dir)) {
        Ok(inv) => inv,
        Err(e) => {
            eprintln!("native_recipe: {dir}: {e}");
            return ExitCode::from(2);
        }
    };
    let facts = shipshape_detect::detect(&inv);
    let Some(recipe) = shipshape_gen::docker::recipe(&facts, &inv, &service) else {
        eprintln!("native_recipe: {dir}: no Dockerfile recipe for service `{service}`");
        return ExitCode::from(1);
    };
    println!("WORKDIR={}", quote(shipshape_gen::docker::WORKDIR));
    println!("SERVICE_DIR={}", quote(&recipe.service_dir));
    println!("RUNTIME_VERSION={}", quote(&recipe.runtime_version));
    println!(
        "PORT={}",
        recipe.port.map(|p| p.to_string()).unwrap_or_default()
    );
    println!(
        "HEALTH_PATH={}",
        quote(recipe.health_path.as_deref().unwrap_or("/"))
    );
    let pairs = |v: &[(String, String)]| {
        v.iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
    };
    println!("{}", array("BUILD_ENV", pairs(&recipe.build_env)));
    println!("{}", array("INSTALL", recipe.install.clone()));
    println!("{}", array("BUILD", recipe.build.clone()));
    println!(
        "{}",
        array(
            "COPIES",
            recipe
                .copies
                .iter()
                .map(|(from, to)| format!("{from} {to}"))
        )
    );
    println!("{}", array("RUN_ENV", pairs(&recipe.env)));
    println!("{}", array("START", recipe.start.clone()));
    println!("{}", array("TOOLS", pairs(&recipe.tools)));
    ExitCode::SUCCESS
}
