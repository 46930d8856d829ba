//! Build tasks of the workspace, run with `cargo run -p xtask -- <task>`.
//!
//! `frontend`: builds `dtpilot-frontend` for wasm32 (profile `wasm-release`: opt-level z, LTO, one
//! codegen unit, panic abort; linked with `--emit-relocs`), splits it with `wasm_split_cli_support`
//! (each `#[lazy]` function of the frontend into a module of its own, fetched on first use),
//! runs wasm-bindgen over the main module through `wasm-bindgen-cli-support` (the same version as
//! the `wasm-bindgen` of Cargo.lock, so no CLI and no download), `wasm-opt -Oz` over every module
//! when binaryen is at hand, and writes `frontend/dist/` (index.html, the JS glue, the split
//! loader `__wasm_split.js`, the main wasm, the `split_*`/`chunk_*` modules, the CSS, and beside
//! each file a `.br` (brotli, quality 11) and a `.gz` (gzip -9): the server sends the smallest
//! twin the browser accepts). Prints the first load (what the login page fetches) for both
//! encodings, and the modules loaded on demand. Needs no network.

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
    // `cargo rustc` hands `--emit-relocs` to the final link of the frontend only: the dependencies
    // keep their build (and `.cargo/config.toml`'s rustflags, `--cfg erase_components`, still apply
    // to every crate, which a RUSTFLAGS variable would have replaced).
    println!("==> cargo rustc -p {PACKAGE} --profile {PROFILE} --target {TARGET} -- -C link-args=--emit-relocs");
    let status = Command::new(&cargo)
        .current_dir(&root)
        .args(["rustc", "-p", PACKAGE, "--bin", PACKAGE, "--profile", PROFILE, "--target", TARGET])
        .args(["--", "-C", "link-args=--emit-relocs"])
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!(
            "cargo rustc of {PACKAGE} failed ({status}); is the target installed? `rustup target add {TARGET}`"
        ));
    }
    let out_dir = target_dir(&root).join(TARGET).join(PROFILE);
    let wasm = out_dir.join(format!("{PACKAGE}.wasm"));

    let dist = root.join("frontend").join("dist");
    if dist.exists() {
        std::fs::remove_dir_all(&dist).map_err(|e| format!("cannot empty {}: {e}", dist.display()))?;
    }
    std::fs::create_dir_all(&dist).map_err(|e| format!("cannot create {}: {e}", dist.display()))?;

    let js_name = format!("{CRATE_NAME}.js");
    let wasm_name = format!("{CRATE_NAME}_bg.wasm");

    // Code splitting: each `#[lazy]` function of the frontend becomes a module of its own
    // (`split_*.wasm`, with code shared by several of them in `chunk_*.wasm`), fetched by the
    // loader `__wasm_split.js` the first time it is called. The loader imports the main module's
    // glue by the exact URL index.html gives it (the same module instance): that URL carries the
    // glue's content hash, known only after wasm-bindgen, so a placeholder stands for it meanwhile.
    println!("==> wasm-split (wasm_split_cli_support)");
    let input = std::fs::read(&wasm).map_err(|e| format!("{}: {e}", wasm.display()))?;
    let main_split = out_dir.join(format!("{PACKAGE}_split.wasm"));
    let main_module = format!("/{js_name}?v={VERSION_PLACEHOLDER}");
    let split = wasm_split_cli_support::transform({
        let mut opts = wasm_split_cli_support::Options::new(&input);
        opts.output_dir = &dist;
        opts.main_out_path = &main_split;
        opts.link_name = SPLIT_LOADER_LINK;
        opts.main_module = &main_module;
        opts
    })
    .map_err(|e| format!("wasm-split: {e:?}"))?;
    drop(input);
    let mut split_names: Vec<String> =
        split.split_modules.iter().filter_map(|p| p.file_name().and_then(|n| n.to_str()).map(str::to_string)).collect();
    split_names.sort();

    println!("==> wasm-bindgen (wasm-bindgen-cli-support, the version of Cargo.lock)");
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(&main_split)
        .web(true)
        .map_err(|e| e.to_string())?
        .typescript(false)
        // The split modules import the main module's functions by their linker names.
        .keep_lld_exports(true)
        .demangle(false)
        .out_name(CRATE_NAME)
        .generate(&dist)
        .map_err(|e| format!("wasm-bindgen: {e}"))?;

    // Every module through wasm-opt on its own, as cargo-leptos does: the exports and imports that
    // tie them together are kept as they are.
    if let Some(tool) = find_wasm_opt(&root) {
        for name in std::iter::once(&wasm_name).chain(&split_names) {
            wasm_opt(&tool, &dist.join(name))?;
        }
    }
    let css = std::fs::read(root.join("frontend/style.css")).map_err(|e| format!("frontend/style.css: {e}"))?;
    std::fs::write(dist.join("style.css"), &css).map_err(|e| e.to_string())?;

    // Cache busting: each asset URL carries a hash of the content; index.html itself is never cached.
    let version = |name: &str| -> Result<String, String> {
        let bytes = std::fs::read(dist.join(name)).map_err(|e| format!("{name}: {e}"))?;
        Ok(format!("{:016x}", fnv1a(&bytes)))
    };
    let (js_v, wasm_v, css_v) = (version(&js_name)?, version(&wasm_name)?, version("style.css")?);
    let loader = dist.join(SPLIT_LOADER);
    let mut loader_js = std::fs::read_to_string(&loader).map_err(|e| format!("{SPLIT_LOADER}: {e}"))?;
    if !loader_js.contains(&main_module) {
        return Err(format!("{SPLIT_LOADER} does not import {main_module}"));
    }
    loader_js = loader_js.replace(VERSION_PLACEHOLDER, &js_v);
    // The split modules are named by their content too (`chunk_7.<hash>.wasm`): a tab still
    // running the previous build then gets a 404 for a module of its own build, never a module of
    // another build (chunk numbers are reused) linked into its memory.
    let mut loaded = Vec::new();
    for name in split_names {
        let stem = name.strip_suffix(".wasm").unwrap_or(name.as_str());
        let hashed = format!("{stem}.{}.wasm", version(&name)?);
        let (old_ref, new_ref) = (format!("\"./{name}\""), format!("\"./{hashed}\""));
        if loader_js.contains(&old_ref) {
            loader_js = loader_js.replace(&old_ref, &new_ref);
            std::fs::rename(dist.join(&name), dist.join(&hashed)).map_err(|e| e.to_string())?;
            loaded.push(hashed);
        } else {
            // An empty module: the loader never fetches it.
            std::fs::remove_file(dist.join(&name)).map_err(|e| e.to_string())?;
        }
    }
    let split_names = loaded;
    std::fs::write(&loader, loader_js).map_err(|e| e.to_string())?;
    // The bootstrap is a file of its own, not an inline script: the server's Content-Security-Policy
    // allows scripts from this origin only (backend/src/security.rs).
    std::fs::write(dist.join(BOOT), boot_js(&js_name, &js_v, &wasm_name, &wasm_v)).map_err(|e| e.to_string())?;
    let boot_v = version(BOOT)?;
    let template =
        std::fs::read_to_string(root.join("frontend/index.html")).map_err(|e| format!("frontend/index.html: {e}"))?;
    let index =
        index_html(&template, &Versions { css_v, js_name: &js_name, js_v, wasm_name: &wasm_name, wasm_v, boot_v })?;
    std::fs::write(dist.join("index.html"), index).map_err(|e| e.to_string())?;

    // Compress each file (served pre-compressed) and report the first load: what the login page
    // fetches (index.html, the bootstrap, the glue, the loader it imports, the main wasm, the CSS).
    println!("==> {} (gzip -9, brotli q{BROTLI_QUALITY})", dist.display());
    let mut total = Sizes::default();
    for name in ["index.html", BOOT, js_name.as_str(), SPLIT_LOADER, wasm_name.as_str(), "style.css"] {
        let sizes = compress_twins(&dist, name)?;
        println!("   {name:<28} {:>9} B   gzip {:>8} B   brotli {:>8} B", sizes.raw, sizes.gzip, sizes.brotli);
        total.add(sizes);
    }
    // `.ci/run` reads the gzip total as the second-to-last field of this line: keep its shape.
    println!("   {:<28} {:>9} B   gzip {:>8} B", "first load (total)", total.raw, total.gzip);
    println!("   {:<28} {:>9} B   brotli {:>6} B", "first load (brotli)", total.raw, total.brotli);
    // On demand: one `split_*` module per `#[lazy]` function, and the `chunk_*` modules holding
    // code that several of them share (fetched alongside whichever needs them).
    println!("   loaded on demand:");
    let (mut lazy, mut chunks, mut chunk_count) = (Sizes::default(), Sizes::default(), 0);
    for name in &split_names {
        let sizes = compress_twins(&dist, name)?;
        if name.starts_with("chunk_") {
            chunks.add(sizes);
            chunk_count += 1;
        } else {
            let short = name.rsplit_once('_').map_or(name.as_str(), |(stem, _hashes)| stem);
            println!("   {short:<28} {:>9} B   gzip {:>8} B   brotli {:>8} B", sizes.raw, sizes.gzip, sizes.brotli);
        }
        lazy.add(sizes);
    }
    let label = format!("chunk_*.wasm ({chunk_count})");
    println!("   {label:<28} {:>9} B   gzip {:>8} B   brotli {:>8} B", chunks.raw, chunks.gzip, chunks.brotli);
    println!("   {:<28} {:>9} B   gzip {:>8} B   brotli {:>8} B", "on demand (all)", lazy.raw, lazy.gzip, lazy.brotli);
    println!("frontend built in {:.1?}: {}", started.elapsed(), dist.display());
    Ok(())
}

/// The bootstrap module index.html loads: imports the glue and starts the application.
const BOOT: &str = "boot.js";

/// What [`BOOT`] says: the glue and the wasm by their versioned URLs (those index.html preloads).
fn boot_js(js_name: &str, js_v: &str, wasm_name: &str, wasm_v: &str) -> String {
    format!("import init from \"/{js_name}?v={js_v}\";\ninit({{ module_or_path: \"/{wasm_name}?v={wasm_v}\" }});\n")
}

/// The content hashes of the assets index.html names.
struct Versions<'a> {
    css_v: String,
    js_name: &'a str,
    js_v: String,
    wasm_name: &'a str,
    wasm_v: String,
    boot_v: String,
}

/// `frontend/index.html` with the stylesheet, the preloads and the bootstrap before `</head>`:
/// every script a file (no inline script, no inline style: the server's CSP allows neither).
fn index_html(template: &str, v: &Versions<'_>) -> Result<String, String> {
    let Versions { css_v, js_name, js_v, wasm_name, wasm_v, boot_v } = v;
    let head = format!(
        "  <link rel=\"stylesheet\" href=\"/style.css?v={css_v}\" />\n    \
         <link rel=\"modulepreload\" href=\"/{js_name}?v={js_v}\" />\n    \
         <link rel=\"modulepreload\" href=\"/{SPLIT_LOADER}\" />\n    \
         <link rel=\"preload\" href=\"/{wasm_name}?v={wasm_v}\" as=\"fetch\" type=\"application/wasm\" crossorigin />\n    \
         <script type=\"module\" src=\"/{BOOT}?v={boot_v}\"></script>\n  </head>"
    );
    if !template.contains("</head>") {
        return Err("frontend/index.html has no </head>".into());
    }
    Ok(template.replacen("</head>", &head, 1))
}

/// The module the split main wasm imports its chunk loaders from, written beside the glue.
const SPLIT_LOADER: &str = "__wasm_split.js";
const SPLIT_LOADER_LINK: &str = "./__wasm_split.js";
/// Stands for the glue's content hash in the loader until the glue exists (16 hex digits).
const VERSION_PLACEHOLDER: &str = "________________";

/// binaryen's `wasm-opt` when at hand (`$WASM_OPT`, `wasm-opt` on the PATH, or the npm package
/// `binaryen` installed by `tests/browser`'s `npm ci`); without it the build goes on unoptimised
/// (still opt-level z + LTO) and says so.
fn find_wasm_opt(root: &Path) -> Option<PathBuf> {
    let local = root.join("tests/browser/node_modules/.bin/wasm-opt");
    let candidates: Vec<PathBuf> =
        std::env::var_os("WASM_OPT").map(PathBuf::from).into_iter().chain([PathBuf::from("wasm-opt"), local]).collect();
    let tool =
        candidates.into_iter().find(|c| Command::new(c).arg("--version").output().is_ok_and(|o| o.status.success()));
    match &tool {
        Some(tool) => println!("==> {} -Oz", tool.display()),
        None => println!("==> wasm-opt not found (set WASM_OPT, or `npm ci` in tests/browser): skipped"),
    }
    tool
}

/// `wasm-opt -Oz` over one module, in place.
fn wasm_opt(tool: &Path, wasm: &Path) -> Result<(), String> {
    let before = std::fs::metadata(wasm).map_err(|e| e.to_string())?.len();
    let out = wasm.with_extension("opt.wasm");
    let output = Command::new(tool)
        .arg(wasm)
        .args(["-Oz", "--enable-bulk-memory", "--enable-nontrapping-float-to-int", "--enable-sign-ext"])
        .args(["--enable-mutable-globals", "--enable-reference-types", "--enable-multivalue", "-o"])
        .arg(&out)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", tool.display()))?;
    // The split modules carry a name subsection binaryen does not know (and drops): not worth a line each.
    for line in String::from_utf8_lossy(&output.stderr).lines() {
        if !line.starts_with("warning: unknown name subsection") {
            eprintln!("{line}");
        }
    }
    if !output.status.success() {
        return Err(format!("wasm-opt failed on {} ({})", wasm.display(), output.status));
    }
    std::fs::rename(&out, wasm).map_err(|e| e.to_string())?;
    let after = std::fs::metadata(wasm).map_err(|e| e.to_string())?.len();
    let name = wasm.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let short = name.strip_prefix("split_").and_then(|n| n.rsplit_once('_')).map_or(name, |(stem, _hash)| stem);
    if !name.starts_with("chunk_") {
        println!("   {short:<28} {before:>9} B → {after:>9} B");
    }
    Ok(())
}

const BROTLI_QUALITY: u32 = 11;
/// The brotli window: 2^22 bytes (4 MiB) holds the whole wasm.
const BROTLI_LGWIN: u32 = 22;

/// A file's size raw and as its two pre-compressed twins.
#[derive(Debug, Default, Clone, Copy)]
struct Sizes {
    raw: usize,
    gzip: usize,
    brotli: usize,
}

impl Sizes {
    fn add(&mut self, other: Sizes) {
        self.raw += other.raw;
        self.gzip += other.gzip;
        self.brotli += other.brotli;
    }
}

/// Writes `NAME.gz` (gzip -9) and `NAME.br` (brotli q11, lgwin 22) beside `dist/NAME`.
fn compress_twins(dist: &Path, name: &str) -> Result<Sizes, String> {
    let raw = std::fs::read(dist.join(name)).map_err(|e| format!("{name}: {e}"))?;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&raw).map_err(|e| e.to_string())?;
    let gz = gz.finish().map_err(|e| e.to_string())?;
    std::fs::write(dist.join(format!("{name}.gz")), &gz).map_err(|e| e.to_string())?;
    let mut writer = brotli::CompressorWriter::new(Vec::new(), 1 << 16, BROTLI_QUALITY, BROTLI_LGWIN);
    writer.write_all(&raw).map_err(|e| e.to_string())?;
    let br = writer.into_inner(); // finishes the stream
    std::fs::write(dist.join(format!("{name}.br")), &br).map_err(|e| e.to_string())?;
    Ok(Sizes { raw: raw.len(), gzip: gz.len(), brotli: br.len() })
}

/// FNV-1a, 64 bits: a stable content hash for cache-busting query strings.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_html_has_no_inline_script_or_style() {
        let template = std::fs::read_to_string(workspace_root().join("frontend/index.html")).expect("template");
        let v = Versions {
            css_v: "1".into(),
            js_name: "app.js",
            js_v: "2".into(),
            wasm_name: "app_bg.wasm",
            wasm_v: "3".into(),
            boot_v: "4".into(),
        };
        let html = index_html(&template, &v).expect("index");
        let scripts: Vec<&str> =
            html.split("<script").skip(1).map(|s| s.split('>').next().unwrap_or_default()).collect();
        assert_eq!(scripts, [" type=\"module\" src=\"/boot.js?v=4\""]);
        assert!(html.contains("</script>") && !html.contains("<style") && !html.contains(" style="), "{html}");
        assert_eq!(
            boot_js("app.js", "2", "app_bg.wasm", "3"),
            "import init from \"/app.js?v=2\";\ninit({ module_or_path: \"/app_bg.wasm?v=3\" });\n"
        );
    }
}
