//! Build tasks of the workspace, run with `cargo run -p xtask -- <task>`.
//!
//! `frontend`: builds `dtpilot-frontend` for wasm32 (profile `wasm-release`: opt-level z, LTO, one
//! codegen unit, panic abort), runs wasm-bindgen through `wasm-bindgen-cli-support` (the same
//! version as the `wasm-bindgen` of Cargo.lock, so no CLI and no download), and writes
//! `frontend/dist/` (index.html, the JS glue, the wasm, the CSS, and a `.gz` beside each file,
//! which the server sends to browsers accepting gzip). Needs no network.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

const PACKAGE: &str = "dtpilot-frontend";
const CRATE_NAME: &str = "dtpilot_frontend";
const PROFILE: &str = "wasm-release";
const TARGET: &str = "wasm32-unknown-unknown";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("frontend") => frontend(),
        _ => Err("usage: cargo run -p xtask -- frontend   (builds frontend/dist/)".into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

fn workspace_root() -> PathBuf {
    // xtask/ is one level below the workspace root.
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."))
}

fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() { dir } else { root.join(dir) }
        }
        None => root.join("target"),
    }
}

fn frontend() -> Result<(), String> {
    let started = Instant::now();
    let root = workspace_root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    println!("==> cargo build -p {PACKAGE} --profile {PROFILE} --target {TARGET}");
    let status = Command::new(&cargo)
        .current_dir(&root)
        .args(["build", "-p", PACKAGE, "--profile", PROFILE, "--target", TARGET])
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!(
            "cargo build of {PACKAGE} failed ({status}); is the target installed? `rustup target add {TARGET}`"
        ));
    }
    let wasm = target_dir(&root).join(TARGET).join(PROFILE).join(format!("{PACKAGE}.wasm"));

    let dist = root.join("frontend").join("dist");
    if dist.exists() {
        std::fs::remove_dir_all(&dist).map_err(|e| format!("cannot empty {}: {e}", dist.display()))?;
    }
    std::fs::create_dir_all(&dist).map_err(|e| format!("cannot create {}: {e}", dist.display()))?;

    println!("==> wasm-bindgen (wasm-bindgen-cli-support, the version of Cargo.lock)");
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(&wasm)
        .web(true)
        .map_err(|e| e.to_string())?
        .typescript(false)
        .out_name(CRATE_NAME)
        .generate(&dist)
        .map_err(|e| format!("wasm-bindgen: {e}"))?;

    let js_name = format!("{CRATE_NAME}.js");
    let wasm_name = format!("{CRATE_NAME}_bg.wasm");
    let css = std::fs::read(root.join("frontend/style.css")).map_err(|e| format!("frontend/style.css: {e}"))?;
    std::fs::write(dist.join("style.css"), &css).map_err(|e| e.to_string())?;

    // Cache busting: each asset URL carries a hash of the content; index.html itself is never cached.
    let version = |name: &str| -> Result<String, String> {
        let bytes = std::fs::read(dist.join(name)).map_err(|e| format!("{name}: {e}"))?;
        Ok(format!("{:016x}", fnv1a(&bytes)))
    };
    let (js_v, wasm_v, css_v) = (version(&js_name)?, version(&wasm_name)?, version("style.css")?);
    let template =
        std::fs::read_to_string(root.join("frontend/index.html")).map_err(|e| format!("frontend/index.html: {e}"))?;
    let head = format!(
        "  <link rel=\"stylesheet\" href=\"/style.css?v={css_v}\" />\n    \
         <link rel=\"modulepreload\" href=\"/{js_name}?v={js_v}\" />\n    \
         <link rel=\"preload\" href=\"/{wasm_name}?v={wasm_v}\" as=\"fetch\" type=\"application/wasm\" crossorigin />\n    \
         <script type=\"module\">import init from \"/{js_name}?v={js_v}\"; init({{ module_or_path: \"/{wasm_name}?v={wasm_v}\" }});</script>\n  </head>"
    );
    if !template.contains("</head>") {
        return Err("frontend/index.html has no </head>".into());
    }
    let index = template.replacen("</head>", &head, 1);
    std::fs::write(dist.join("index.html"), index).map_err(|e| e.to_string())?;

    // Gzip each file (served pre-compressed) and report the first load.
    println!("==> {} (gzip -9)", dist.display());
    let mut total = (0usize, 0usize);
    for name in ["index.html", js_name.as_str(), wasm_name.as_str(), "style.css"] {
        let raw = std::fs::read(dist.join(name)).map_err(|e| e.to_string())?;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&raw).map_err(|e| e.to_string())?;
        let gz = gz.finish().map_err(|e| e.to_string())?;
        std::fs::write(dist.join(format!("{name}.gz")), &gz).map_err(|e| e.to_string())?;
        println!("   {name:<28} {:>9} B   gzip {:>8} B", raw.len(), gz.len());
        total.0 += raw.len();
        total.1 += gz.len();
    }
    println!("   {:<28} {:>9} B   gzip {:>8} B", "first load (total)", total.0, total.1);
    println!("frontend built in {:.1?}: {}", started.elapsed(), dist.display());
    Ok(())
}

/// FNV-1a, 64 bits: a stable content hash for cache-busting query strings.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}
