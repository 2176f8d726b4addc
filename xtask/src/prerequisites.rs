//! System tools the tests use, and how to get them on Debian/Ubuntu; plus MapLibre's style
//! validator, from the npm registry, into `target/tools/`.

use std::path::{Path, PathBuf};
use std::process::Command;

/// MapLibre's style specification package, whose `gl-style-validate` checks our style.json.
const STYLE_SPEC: &str = "@maplibre/maplibre-gl-style-spec@26.6.0";

/// (command that must run, Debian package that provides it, what needs it)
const TOOLS: [(&str, &str, &str); 4] = [
    (
        "ogrinfo",
        "gdal-bin",
        "GDAL reads our tiles as an independent client",
    ),
    (
        "chromium",
        "chromium",
        "the web map's end-to-end tests run in a real browser",
    ),
    (
        "chromedriver",
        "chromium-driver",
        "the end-to-end tests drive Chromium through WebDriver",
    ),
    (
        POSTGIS,
        "postgresql-15-postgis-3",
        "the shared-store tests run their own PostgreSQL/PostGIS cluster on loopback",
    ),
];

/// Stands for "a PostgreSQL server with the PostGIS extension", which has no command of its own
/// on the PATH.
const POSTGIS: &str = "postgis";

fn present(command: &str) -> bool {
    if command == POSTGIS {
        return postgis_present();
    }
    Command::new(command)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A server (`/usr/lib/postgresql/N/bin/initdb`) and PostGIS for the same version N.
fn postgis_present() -> bool {
    let Ok(versions) = std::fs::read_dir("/usr/lib/postgresql") else {
        return false;
    };
    versions.filter_map(Result::ok).any(|v| {
        let version = v.file_name();
        v.path().join("bin/initdb").is_file()
            && Path::new("/usr/share/postgresql")
                .join(&version)
                .join("extension/postgis.control")
                .is_file()
    }) && present("psql")
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Makes sure every tool is there: installs missing packages with apt-get when running as root,
/// otherwise fails with the command to run.
pub fn ensure() -> anyhow::Result<()> {
    let missing: Vec<_> = TOOLS.iter().filter(|(cmd, _, _)| !present(cmd)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    let packages: Vec<&str> = missing.iter().map(|(_, pkg, _)| *pkg).collect();
    for (cmd, pkg, why) in &missing {
        eprintln!("xtask: `{cmd}` is missing ({why}); package {pkg}");
    }
    if !(is_root() && present("apt-get")) {
        anyhow::bail!(
            "install them first: sudo apt-get install -y {}",
            packages.join(" ")
        );
    }
    eprintln!("xtask: apt-get install -y {}", packages.join(" "));
    let update = Command::new("apt-get").args(["update", "-qq"]).status()?;
    let install = Command::new("apt-get")
        .args(["install", "-y", "-qq"])
        .args(&packages)
        .env("DEBIAN_FRONTEND", "noninteractive")
        .status()?;
    if !update.success() || !install.success() {
        anyhow::bail!("apt-get could not install {}", packages.join(" "));
    }
    Ok(())
}

/// Folder of npm tools used by the tests (`target/tools`).
pub fn tools_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/tools")
}

/// Installs MapLibre's style validator under `target/tools` unless it is there already.
pub fn ensure_style_validator() -> anyhow::Result<()> {
    let dir = tools_dir();
    if dir.join("node_modules/.bin/gl-style-validate").exists() {
        return Ok(());
    }
    std::fs::create_dir_all(&dir)?;
    eprintln!("xtask: npm install {STYLE_SPEC} (into {})", dir.display());
    let status = Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--silent", "--prefix"])
        .arg(&dir)
        .arg(STYLE_SPEC)
        .status()?;
    if !status.success() {
        anyhow::bail!("npm could not install {STYLE_SPEC}");
    }
    Ok(())
}
