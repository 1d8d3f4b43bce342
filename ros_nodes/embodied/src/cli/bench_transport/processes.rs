//! Starting a pair of peers (ours: this executable with `--role`; the baseline:
//! `bench_peer.py`), following the subscriber's progress and collecting its report.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context as _, anyhow, bail, ensure};
use tokio::io::{AsyncBufReadExt as _, AsyncRead, AsyncReadExt as _, BufReader};
use tokio::process::{Child, Command};

use super::protocol::{self, SubscriberLine, SubscriberReport};
use super::role::{PeerOptions, Role};
use super::{BASELINE_SCRIPT, inside_private_netns};

/// Extra time a run may take beyond the subscriber's own timeout (start-up, discovery).
const RUN_SLACK: Duration = Duration::from_secs(30);
/// How long a subscriber may take to exit after its report.
const PEER_EXIT_WAIT: Duration = Duration::from_secs(5);
/// How much of a failed peer's stderr an error shows.
const STDERR_TAIL: usize = 4000;

/// Arguments every peer takes (ours and the Python one spell them alike).
pub fn peer_args(options: &PeerOptions) -> Vec<String> {
    vec![
        "--size".to_owned(),
        options.size.to_string(),
        "--count".to_owned(),
        options.count.to_string(),
        "--rate".to_owned(),
        options.rate_hz.to_string(),
        "--burst".to_owned(),
        options.burst.to_string(),
        "--domain".to_owned(),
        options.domain_id.to_string(),
        "--timeout".to_owned(),
        options.timeout.as_secs_f64().to_string(),
    ]
}

/// Our peer: this executable with the hidden `--role`.
pub fn our_command(exe: &Path, role: Role, options: &PeerOptions) -> Command {
    let mut command = Command::new(exe);
    let role = match role {
        Role::Sub => "sub",
        Role::Pub => "pub",
    };
    command
        .args(["bench", "transport", "--role", role, "--warmup", "0"])
        .args(peer_args(options));
    if !inside_private_netns() {
        // The coordinator runs with --host-network; its peers need the same permission.
        command.arg("--host-network");
    }
    if std::env::var_os("RUST_LOG").is_none() {
        // The peers' stderr is only shown when they fail; keep it to what matters.
        command.env("RUST_LOG", "warn");
    }
    command
}

/// The Cyclone DDS peer: `bench_peer.py ROLE` in the venv.
pub fn baseline_command(
    python: &Path,
    workspace: &Path,
    role: &str,
    options: &PeerOptions,
) -> Command {
    let mut command = Command::new(python);
    command
        .arg(workspace.join(BASELINE_SCRIPT))
        .arg(role)
        .args(peer_args(options))
        .args(["--depth", &protocol::HISTORY_DEPTH.to_string()])
        .env("PYTHONUNBUFFERED", "1");
    command
}

/// Starts subscriber and publisher, follows the subscriber's progress lines and returns its
/// report. Fails early when the publisher fails.
pub async fn measure_one(
    mut subscriber: Command,
    mut publisher: Command,
    timeout: Duration,
    mut progress: impl FnMut(u64),
) -> anyhow::Result<SubscriberReport> {
    let mut sub = spawn(&mut subscriber, true).context("cannot start the subscriber")?;
    let mut publ = spawn(&mut publisher, false).context("cannot start the publisher")?;
    let sub_stderr = tail_of(sub.stderr.take());
    let pub_stderr = tail_of(publ.stderr.take());
    let stdout = sub
        .stdout
        .take()
        .ok_or_else(|| anyhow!("subscriber has no stdout"))?;
    let mut lines = BufReader::new(stdout).lines();
    let mut publisher_done = false;
    let outcome = tokio::time::timeout(timeout + RUN_SLACK, async {
        loop {
            tokio::select! {
                line = lines.next_line() => match line? {
                    Some(line) => match protocol::parse_subscriber_line(&line) {
                        Some(SubscriberLine::Progress(p)) => progress(p.received),
                        Some(SubscriberLine::Report(report)) => return Ok(report),
                        None => {}
                    },
                    None => bail!("the subscriber ended without a report ({})", sub.wait().await?),
                },
                status = publ.wait(), if !publisher_done => {
                    publisher_done = true;
                    let status = status?;
                    ensure!(status.success(), "the publisher failed ({status})");
                }
            }
        }
    })
    .await;
    // The report is in; the publisher may still be draining: it is not needed any more.
    let _ = publ.start_kill();
    let _ = publ.wait().await;
    let result = match outcome {
        Ok(result) => result,
        Err(_) => Err(anyhow!("no report within {:?}", timeout + RUN_SLACK)),
    };
    match result {
        Ok(report) => {
            // It only has to leave the domain now; do not wait long for that.
            if tokio::time::timeout(PEER_EXIT_WAIT, sub.wait())
                .await
                .is_err()
            {
                let _ = sub.start_kill();
                let _ = sub.wait().await;
            }
            Ok(report)
        }
        Err(error) => {
            let _ = sub.start_kill();
            let _ = sub.wait().await;
            let sub_err = sub_stderr.await.unwrap_or_default();
            let pub_err = pub_stderr.await.unwrap_or_default();
            Err(error.context(format!(
                "subscriber stderr:\n{sub_err}\npublisher stderr:\n{pub_err}"
            )))
        }
    }
}

fn spawn(command: &mut Command, stdout: bool) -> std::io::Result<Child> {
    command
        .stdin(Stdio::null())
        .stdout(if stdout {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
}

/// Collects the last [`STDERR_TAIL`] bytes of a stream, as text.
fn tail_of(
    stream: Option<impl AsyncRead + Unpin + Send + 'static>,
) -> tokio::task::JoinHandle<String> {
    tokio::spawn(async move {
        let Some(mut stream) = stream else {
            return String::new();
        };
        let mut kept: Vec<u8> = Vec::new();
        let mut buffer = [0_u8; 4096];
        while let Ok(n) = stream.read(&mut buffer).await {
            if n == 0 {
                break;
            }
            kept.extend_from_slice(&buffer[..n]);
            if kept.len() > STDERR_TAIL {
                kept.drain(..kept.len() - STDERR_TAIL);
            }
        }
        String::from_utf8_lossy(&kept).into_owned()
    })
}
