//! Builds the web map: the `frontend` crate compiled to `wasm32-unknown-unknown` and bound to
//! JavaScript with `wasm-bindgen-cli-support` (pinned in xtask's Cargo.toml to exactly the
//! `wasm-bindgen` version in Cargo.lock), written to `www/pkg/` (not in git).

use anyhow::Context;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where the bound JavaScript and WebAssembly go; the server serves `www/` at `/`.
pub fn out_dir() -> PathBuf {
    workspace_root().join("www/pkg")
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in the workspace")
        .to_path_buf()
}

/// Compiles and binds the web map; returns the sizes of the `.wasm` file (raw, gzip).
pub fn build() -> anyhow::Result<(u64, u64)> {
    let root = workspace_root();
    ensure_wasm_target()?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    eprintln!("xtask: building the web map (frontend → wasm32-unknown-unknown)");
    let status = Command::new(&cargo)
        .current_dir(&root)
        .args([
            "build",
            "--package",
            "frontend",
            "--lib",
            "--target",
            "wasm32-unknown-unknown",
            "--profile",
            "wasm-release",
        ])
        .args(
            std::env::args()
                .any(|a| a == "--locked")
                .then_some("--locked"),
        )
        .status()
        .context("running cargo build for the web map")?;
    if !status.success() {
        anyhow::bail!("the web map did not compile");
    }
    let wasm = root.join("target/wasm32-unknown-unknown/wasm-release/frontend.wasm");
    let out = out_dir();
    if out.exists() {
        std::fs::remove_dir_all(&out).with_context(|| format!("clearing {}", out.display()))?;
    }
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(&wasm)
        .web(true)?
        .typescript(false)
        .out_name("citygis")
        .generate(&out)
        .with_context(|| format!("binding {}", wasm.display()))?;
    let bound = out.join("citygis_bg.wasm");
    let bytes = std::fs::read(&bound).with_context(|| format!("reading {}", bound.display()))?;
    let gzip = gzip_len(&bytes)?;
    eprintln!(
        "xtask: web map in {}: {} KiB wasm ({} KiB gzip)",
        out.display(),
        bytes.len() / 1024,
        gzip / 1024
    );
    Ok((bytes.len() as u64, gzip))
}

fn gzip_len(bytes: &[u8]) -> anyhow::Result<u64> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes)?;
    Ok(encoder.finish()?.len() as u64)
}

/// Adds the wasm32 target with rustup when it is missing.
fn ensure_wasm_target() -> anyhow::Result<()> {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output();
    match installed {
        Ok(out) if String::from_utf8_lossy(&out.stdout).contains("wasm32-unknown-unknown") => {
            Ok(())
        }
        Ok(_) => {
            eprintln!("xtask: rustup target add wasm32-unknown-unknown");
            let status = Command::new("rustup")
                .args(["target", "add", "wasm32-unknown-unknown"])
                .status()?;
            if !status.success() {
                anyhow::bail!("rustup could not add the wasm32-unknown-unknown target");
            }
            Ok(())
        }
        // Without rustup the toolchain must already have the target; cargo will say if not.
        Err(_) => Ok(()),
    }
}
