//! A server process under test: started, timed until it announces its URL, measured (RSS),
//! and killed when dropped.

use anyhow::Context;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Running {
    child: Child,
    pub base: String,
    pub startup: Duration,
}

impl Running {
    /// Starts `command` and waits (up to `limit`) for a stdout line holding `http://…`.
    pub fn start(command: Command, limit: Duration) -> anyhow::Result<Self> {
        Self::start_with_marker(command, limit, "http://")
    }

    /// Starts `command` and waits (up to `limit`) for a stdout line holding `marker`; `base` is
    /// the URL on that line, if any.
    pub fn start_with_marker(
        mut command: Command,
        limit: Duration,
        marker: &'static str,
    ) -> anyhow::Result<Self> {
        let started = Instant::now();
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .context("cannot start the server")?;
        let stdout = child.stdout.take().context("stdout")?;
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if !line.contains(marker) {
                    continue;
                }
                if let Some(at) = line.find("http://").or(Some(line.len())) {
                    let url = line[at..]
                        .split_whitespace()
                        .next()
                        .unwrap_or("")
                        .trim_end_matches('/')
                        .to_owned();
                    let _ = tx.send(url);
                }
            }
        });
        let base = rx
            .recv_timeout(limit)
            .context("the server did not start in time")?;
        Ok(Self {
            child,
            base,
            startup: started.elapsed(),
        })
    }

    /// Resident memory of the process, in MiB.
    pub fn rss_mib(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
