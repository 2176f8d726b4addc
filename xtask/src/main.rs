//! CityGIS build tasks (the cargo-xtask convention): `cargo xtask <task>`.

mod bench;
mod demo;
mod frontend;
mod prerequisites;
mod scale;
mod wall_soak;

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
    /// The load benchmark (see BENCHMARKS.md): our server and the geojson-vt peer on the scale
    /// data over loopback; needs wrk, node/npm and gdal-bin.
    Bench {
        /// Measure only our server.
        #[arg(long)]
        skip_peer: bool,
    },
    /// Writes the benchmark data set (1,000,000 reports, 200,000 parcels, the demo city's other
    /// layers, two configurations and the list of 3,000 tile requests). Deterministic.
    ScaleData {
        #[arg(long, default_value = "target/scale")]
        out: PathBuf,
    },
    /// Runs every test of the workspace (`cargo test --workspace`), first installing what the
    /// tests use: GDAL's ogrinfo and npm (apt-get, when missing and we are root) and MapLibre's
    /// style validator (npm, into target/tools).
    Test {
        /// Extra arguments for `cargo test` (e.g. a test name filter).
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Builds the web map (WebAssembly + JavaScript) into `www/pkg/`.
    Frontend,
    /// Builds the web map, then runs the tile server in release mode on the demo city
    /// (`tileserver serve`; extra arguments are passed on, e.g. `-- --bind 0.0.0.0:8080`).
    Run {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Leaves the IOC wall (`/wall`) running in headless Chromium for `--minutes` while reports
    /// and camera changes are replayed, recording the page's memory every minute into
    /// `target/wall-soak.json`. Needs chromium and chromium-driver.
    WallSoak {
        #[arg(long, default_value_t = 30)]
        minutes: u64,
    },
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
        Task::Bench { skip_peer } => bench::run(skip_peer),
        Task::ScaleData { out } => {
            for (file, count) in scale::write(&out)? {
                println!("{count:>9}  {file}");
            }
            Ok(())
        }
        Task::Frontend => frontend::build().map(|_| ()),
        Task::WallSoak { minutes } => wall_soak::run(minutes),
        Task::Run { args } => {
            frontend::build()?;
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
            let status = std::process::Command::new(cargo)
                .args(["run", "--release", "--package", "tileserver", "--", "serve"])
                .args(&args)
                .status()?;
            if !status.success() {
                anyhow::bail!("the tile server stopped with {status}");
            }
            Ok(())
        }
        Task::Test { args } => {
            prerequisites::ensure()?;
            prerequisites::ensure_style_validator()?;
            // The browser tests drive the built web map.
            frontend::build()?;
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
            let status = std::process::Command::new(cargo)
                .args(["test", "--workspace"])
                .args(&args)
                .status()?;
            if !status.success() {
                anyhow::bail!("tests failed");
            }
            Ok(())
        }
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
