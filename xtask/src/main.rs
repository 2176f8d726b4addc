//! CityGIS build tasks (the cargo-xtask convention): `cargo xtask <task>`.

mod demo;

use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser)]
#[command(name = "cargo xtask", about = "CityGIS build tasks")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Regenerates the demo city (Đồng Xoài) as GeoJSON files. Deterministic: the same files
    /// every run, so `git diff` after running it shows only intended changes.
    DemoData {
        /// Folder to write `<layer>.geojson` files into.
        #[arg(long, default_value = "data")]
        out: PathBuf,
    },
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().task {
        Task::DemoData { out } => {
            let layers = demo::generate();
            for (name, count) in demo::write(&layers, &out)? {
                println!(
                    "{:>6} features  {}",
                    count,
                    out.join(format!("{name}.geojson")).display()
                );
            }
            Ok(())
        }
    }
}
