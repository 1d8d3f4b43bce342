//! `embodied bench transport`: publish→receive latency and throughput of AudioChunk samples
//! between two processes over our runtime (ros2-client + RustDDS), next to the same
//! measurement by two Cyclone DDS Python processes (`tests/interop/bench_peer.py`), in one run.
//!
//! By default the command re-executes itself inside a private network namespace whose only
//! interface is loopback (`scripts/netns.sh`), so no DDS packet leaves the machine;
//! `--host-network` measures on the host's network instead (a real robot network).
//!
//! Layers: [`protocol`] (what both peers do), [`stats`] and [`report`] (pure figures and
//! output), [`role`] (our DDS peers); this file only validates, spawns and collects.

mod protocol;
mod report;
mod role;
mod stats;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context as _, anyhow, bail, ensure};
use indicatif::{ProgressBar, ProgressStyle};
use tokio::io::{AsyncBufReadExt as _, AsyncRead, AsyncReadExt as _, BufReader};
use tokio::process::{Child, Command};

use super::{Failure, WithExitCode as _};
use crate::exit_codes;
use protocol::{SubscriberLine, SubscriberReport};
use report::{Report, Setup, Side, SizeResult};
use role::{PeerOptions, Role};

/// The Cyclone DDS peer script, relative to the workspace root (also how the root is found).
const BASELINE_SCRIPT: &str = "tests/interop/bench_peer.py";
/// The venv with `cyclonedds` (`scripts/install-deps.sh` creates it).
const VENV_PYTHON: &str = ".venv/bin/python";
/// Runs a command in a private network namespace with loopback multicast.
const NETNS_SCRIPT: &str = "scripts/netns.sh";
/// Set by [`NETNS_SCRIPT`] inside the namespace.
const IN_NETNS_VAR: &str = "EMBODIED_IN_NETNS";
/// Largest payload accepted: far above audio chunks, small enough for the Python peer's lists.
const MAX_SIZE: usize = 16 * 1024 * 1024;
/// Extra time a run may take beyond the subscriber's own timeout (start-up, discovery).
const RUN_SLACK: Duration = Duration::from_secs(30);
/// How long a subscriber may take to exit after its report.
const PEER_EXIT_WAIT: Duration = Duration::from_secs(5);
/// How much of a failed peer's stderr an error shows.
const STDERR_TAIL: usize = 4000;

/// Arguments of `embodied bench transport`.
#[derive(Debug, Clone, clap::Args)]
#[command(after_help = "Example:\n  embodied bench transport --json\n\n\
    The baseline needs the Python venv (scripts/install-deps.sh). Exit code 6 when the \
    benchmark cannot run or a sample is lost.")]
pub struct TransportArgs {
    /// End the output with one JSON object holding every figure (the last line).
    #[arg(long)]
    json: bool,
    /// Payload sizes in bytes (the AudioChunk `data` field), comma-separated.
    #[arg(long, value_delimiter = ',', default_values_t = [1024, 65536], value_name = "BYTES,...")]
    sizes: Vec<usize>,
    /// Paced samples per run for the latency figures.
    #[arg(long, default_value_t = 500)]
    count: u64,
    /// Rate of the paced samples, in Hz.
    #[arg(long, default_value_t = 200.0, value_name = "HZ")]
    rate: f64,
    /// Back-to-back samples per run for the throughput figures.
    #[arg(long, default_value_t = 2000)]
    burst: u64,
    /// Paced samples dropped at the start of each run (warm-up).
    #[arg(long, default_value_t = 20)]
    warmup: u64,
    /// First DDS domain id; each run uses the next one.
    #[arg(long, default_value_t = 0, value_name = "ID")]
    domain: u16,
    /// Measure on the host's network instead of a private loopback-only namespace.
    #[arg(long)]
    host_network: bool,
    /// A subscriber stops waiting after this many seconds.
    #[arg(long, default_value_t = 60.0, value_name = "SECONDS")]
    timeout: f64,
    /// Internal: run one of our peers (the command spawns itself with it).
    #[arg(long, hide = true, requires = "size")]
    role: Option<Role>,
    /// Internal: payload size of a peer.
    #[arg(long, hide = true)]
    size: Option<usize>,
}

/// Checked arguments.
#[derive(Debug, Clone, PartialEq)]
struct Plan {
    sizes: Vec<usize>,
    count: u64,
    rate_hz: f64,
    burst: u64,
    warmup: usize,
    first_domain: u16,
    timeout: Duration,
}

impl Plan {
    /// Our run and the baseline's for each size.
    fn runs(&self) -> usize {
        self.sizes.len() * 2
    }

    fn peer_options(&self, size: usize, domain_id: u16) -> PeerOptions {
        PeerOptions {
            size,
            count: self.count,
            rate_hz: self.rate_hz,
            burst: self.burst,
            domain_id,
            timeout: self.timeout,
        }
    }
}

/// Checks the arguments; the error names the flag.
fn validate(args: &TransportArgs) -> anyhow::Result<Plan> {
    let sizes = match (args.role, args.size) {
        (Some(_), Some(size)) => vec![size],
        _ => args.sizes.clone(),
    };
    ensure!(!sizes.is_empty(), "--sizes: give at least one size");
    for &size in &sizes {
        ensure!(
            (1..=MAX_SIZE).contains(&size),
            "--sizes: {size} bytes is outside 1..={MAX_SIZE}"
        );
    }
    ensure!(
        args.rate.is_finite() && args.rate > 0.0,
        "--rate: {} Hz; expected a number above 0",
        args.rate
    );
    ensure!(args.count >= 1, "--count: expected at least 1 sample");
    ensure!(
        args.warmup < args.count,
        "--warmup: {} must be below --count {}",
        args.warmup,
        args.count
    );
    ensure!(
        args.burst >= 2,
        "--burst: {} samples; at least 2 are needed to measure a rate",
        args.burst
    );
    ensure!(
        args.timeout.is_finite() && args.timeout > 0.0,
        "--timeout: {} s; expected a number above 0",
        args.timeout
    );
    let runs = u16::try_from(sizes.len() * 2).unwrap_or(u16::MAX);
    let last_domain = args.domain.saturating_add(runs - 1);
    ensure!(
        last_domain <= embodied_runtime::node::MAX_DOMAIN_ID,
        "--domain: runs use domains {}..={last_domain}, beyond the maximum {}",
        args.domain,
        embodied_runtime::node::MAX_DOMAIN_ID
    );
    Ok(Plan {
        sizes,
        count: args.count,
        rate_hz: args.rate,
        burst: args.burst,
        warmup: usize::try_from(args.warmup).unwrap_or(usize::MAX),
        first_domain: args.domain,
        timeout: Duration::from_secs_f64(args.timeout),
    })
}

/// Runs the subcommand.
pub fn run(args: TransportArgs) -> Result<u8, Failure> {
    let plan = validate(&args).exit_code(exit_codes::CONFIG)?;
    if let Some(role) = args.role {
        let options = plan.peer_options(plan.sizes[0], plan.first_domain);
        role::run(role, &options).exit_code(exit_codes::TRANSPORT)?;
        return Ok(exit_codes::OK);
    }
    let workspace = find_workspace(&search_starts()).ok_or_else(|| Failure {
        code: exit_codes::BENCH,
        error: anyhow!(
            "cannot find the workspace with the Cyclone DDS baseline ({BASELINE_SCRIPT}); \
             run this command from the repository"
        ),
    })?;
    let python = workspace.join(VENV_PYTHON);
    if !python.exists() {
        return Err(Failure {
            code: exit_codes::BENCH,
            error: anyhow!(
                "the Cyclone DDS baseline needs the Python venv, but {} is missing: \
                 run scripts/install-deps.sh first (no baseline, no comparison)",
                python.display()
            ),
        });
    }
    let in_netns = std::env::var(IN_NETNS_VAR).is_ok_and(|v| v == "1");
    if !args.host_network && !in_netns {
        return reexec_in_netns(&workspace).exit_code(exit_codes::BENCH);
    }
    let network = if in_netns {
        "private network namespace (loopback only)"
    } else {
        "host network"
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .exit_code(exit_codes::BENCH)?;
    let report = runtime
        .block_on(measure_all(&plan, &workspace, &python, network))
        .exit_code(exit_codes::BENCH)?;
    print!("{}", report.to_table());
    if args.json {
        println!("{}", report.to_json_line().exit_code(exit_codes::BENCH)?);
    }
    let lost = report.lost();
    if lost > 0 {
        return Err(Failure {
            code: exit_codes::BENCH,
            error: anyhow!(
                "{lost} samples were lost on a reliable topic; the figures are not valid"
            ),
        });
    }
    Ok(exit_codes::OK)
}

/// Where to look for the workspace: the working directory, this executable, and the source
/// tree it was built from.
fn search_starts() -> Vec<PathBuf> {
    let mut starts = Vec::new();
    starts.extend(std::env::current_dir().ok());
    starts.extend(std::env::current_exe().ok());
    starts.push(PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    starts
}

/// The first ancestor of any start that holds [`BASELINE_SCRIPT`].
fn find_workspace(starts: &[PathBuf]) -> Option<PathBuf> {
    starts
        .iter()
        .flat_map(|start| start.ancestors())
        .find(|dir| dir.join(BASELINE_SCRIPT).is_file())
        .map(Path::to_path_buf)
}

/// Runs this same command line again inside the private namespace; returns its exit code.
fn reexec_in_netns(workspace: &Path) -> anyhow::Result<u8> {
    let script = workspace.join(NETNS_SCRIPT);
    ensure!(
        script.is_file(),
        "{} is missing; it keeps DDS traffic on loopback (or pass --host-network)",
        script.display()
    );
    let exe = std::env::current_exe().context("cannot find this executable")?;
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let status = std::process::Command::new(&script)
        .arg(exe)
        .args(args)
        .status()
        .with_context(|| format!("cannot run {}", script.display()))?;
    status
        .code()
        .and_then(|code| u8::try_from(code).ok())
        .ok_or_else(|| anyhow!("the benchmark inside the network namespace was killed ({status})"))
}

/// One measured run: which implementation, which size, which domain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Implementation {
    Ours,
    Baseline,
}

async fn measure_all(
    plan: &Plan,
    workspace: &Path,
    python: &Path,
    network: &str,
) -> anyhow::Result<Report> {
    let per_run = plan.count + plan.burst;
    let total = per_run * u64::try_from(plan.runs()).unwrap_or(u64::MAX);
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} samples  {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    let exe = std::env::current_exe().context("cannot find this executable")?;
    let mut results = Vec::new();
    let mut baseline_name = None;
    for (index, &size) in plan.sizes.iter().enumerate() {
        let mut measured = Vec::new();
        for (offset, which) in [Implementation::Ours, Implementation::Baseline]
            .into_iter()
            .enumerate()
        {
            let run_index = index * 2 + offset;
            let domain = plan.first_domain + u16::try_from(run_index).context("too many runs")?;
            let options = plan.peer_options(size, domain);
            let (subscriber, publisher) = match which {
                Implementation::Ours => (
                    our_command(&exe, Role::Sub, &options),
                    our_command(&exe, Role::Pub, &options),
                ),
                Implementation::Baseline => (
                    baseline_command(python, workspace, "sub", &options),
                    baseline_command(python, workspace, "pub", &options),
                ),
            };
            let label = match which {
                Implementation::Ours => "ours",
                Implementation::Baseline => "Cyclone DDS",
            };
            bar.set_message(format!("{label}, {size} B"));
            let base = per_run * u64::try_from(run_index).unwrap_or(0);
            bar.set_position(base);
            let report = measure_one(subscriber, publisher, plan.timeout, |received| {
                bar.set_position(base + received.min(per_run));
            })
            .await
            .with_context(|| format!("{label} run with {size} B samples failed"))?;
            measured.push(report);
        }
        let (ours, baseline) = match measured.as_slice() {
            [ours, baseline] => (ours, baseline),
            _ => bail!("internal: expected two runs per size"),
        };
        let ours_figures = stats::figures(ours, plan.count, plan.burst, plan.warmup, size);
        let baseline_figures = stats::figures(baseline, plan.count, plan.burst, plan.warmup, size);
        let baseline_implementation = baseline
            .implementation
            .clone()
            .unwrap_or_else(|| "Cyclone DDS via cyclonedds-python".to_owned());
        baseline_name.get_or_insert_with(|| baseline_implementation.clone());
        results.push(SizeResult {
            size_bytes: size,
            ratios: report::ratios(&ours_figures, &baseline_figures),
            ours: Side {
                implementation: role::IMPLEMENTATION.to_owned(),
                figures: ours_figures,
            },
            baseline: Side {
                implementation: format!("{baseline_implementation}, peers in {BASELINE_SCRIPT}"),
                figures: baseline_figures,
            },
        });
    }
    bar.finish_and_clear();
    Ok(Report {
        schema_version: report::SCHEMA_VERSION,
        benchmark: "transport",
        git_sha: git_sha(workspace).await,
        build_profile: if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
        message_type: "embodied_msgs/msg/AudioChunk".to_owned(),
        topic: protocol::TOPIC,
        qos: report::QOS_TEXT,
        setup: Setup {
            count: plan.count,
            rate_hz: plan.rate_hz,
            burst: plan.burst,
            warmup: plan.warmup,
            network: network.to_owned(),
            first_domain_id: plan.first_domain,
        },
        results,
    })
}

/// Arguments every peer takes (ours and the Python one spell them alike).
fn peer_args(options: &PeerOptions) -> Vec<String> {
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

fn our_command(exe: &Path, role: Role, options: &PeerOptions) -> Command {
    let mut command = Command::new(exe);
    let role = match role {
        Role::Sub => "sub",
        Role::Pub => "pub",
    };
    command
        .args(["bench", "transport", "--role", role, "--warmup", "0"])
        .args(peer_args(options));
    if std::env::var_os("RUST_LOG").is_none() {
        // The peers' stderr is only shown when they fail; keep it to what matters.
        command.env("RUST_LOG", "warn");
    }
    command
}

fn baseline_command(python: &Path, workspace: &Path, role: &str, options: &PeerOptions) -> Command {
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
async fn measure_one(
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

/// `git describe --always --dirty` of the workspace, if git can tell.
async fn git_sha(workspace: &Path) -> Option<String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(workspace)
        .args(["describe", "--always", "--dirty", "--abbrev=12"])
        .stderr(Stdio::null())
        .output()
        .await
        .ok()?;
    let text = String::from_utf8(output.stdout).ok()?;
    (output.status.success() && !text.trim().is_empty()).then(|| text.trim().to_owned())
}

#[cfg(test)]
mod tests {
    use clap::Parser as _;

    use super::*;

    #[derive(Debug, clap::Parser)]
    struct Harness {
        #[command(flatten)]
        args: TransportArgs,
    }

    fn parse(argv: &[&str]) -> TransportArgs {
        Harness::try_parse_from(std::iter::once("bench").chain(argv.iter().copied()))
            .unwrap()
            .args
    }

    #[test]
    fn defaults_measure_1k_and_64k() {
        let plan = validate(&parse(&[])).unwrap();
        assert_eq!(plan.sizes, vec![1024, 65536]);
        assert_eq!((plan.count, plan.burst, plan.warmup), (500, 2000, 20));
        assert_eq!(plan.rate_hz, 200.0);
        assert_eq!(plan.runs(), 4);
    }

    #[test]
    fn sizes_are_comma_separated() {
        let plan = validate(&parse(&["--sizes", "16,4096,1048576"])).unwrap();
        assert_eq!(plan.sizes, vec![16, 4096, 1_048_576]);
    }

    #[test]
    fn bad_input_names_the_flag() {
        let cases: &[(&[&str], &str)] = &[
            (&["--sizes", "0"], "--sizes"),
            (&["--sizes", "1024,0"], "--sizes"),
            (&["--sizes", "999999999"], "--sizes"),
            (&["--rate", "0"], "--rate"),
            (&["--rate", "-5"], "--rate"),
            (&["--rate", "NaN"], "--rate"),
            (&["--rate", "inf"], "--rate"),
            (&["--count", "0"], "--count"),
            (&["--count", "10", "--warmup", "10"], "--warmup"),
            (&["--burst", "1"], "--burst"),
            (&["--timeout", "0"], "--timeout"),
            (&["--domain", "230"], "--domain"),
        ];
        for (argv, flag) in cases {
            let error = validate(&parse(argv)).unwrap_err().to_string();
            assert!(error.starts_with(flag), "{argv:?}: {error}");
        }
        assert!(validate(&parse(&["--domain", "229"])).is_ok());
        for argv in [
            &["--sizes", "x"][..],
            &["--sizes", "-1"],
            &["--rate", "fast"],
        ] {
            assert!(
                Harness::try_parse_from(std::iter::once("bench").chain(argv.iter().copied()))
                    .is_err()
            );
        }
    }

    #[test]
    fn a_peer_measures_its_one_size() {
        let args = parse(&["--role", "sub", "--size", "333", "--domain", "7"]);
        let plan = validate(&args).unwrap();
        assert_eq!(plan.sizes, vec![333]);
        let options = plan.peer_options(333, 7);
        assert_eq!(options.domain_id, 7);
        assert!(Harness::try_parse_from(["bench", "--role", "pub"]).is_err());
    }

    #[test]
    fn peer_arguments_parse_back_into_the_same_options() {
        let plan = validate(&parse(&[
            "--rate", "250.5", "--count", "40", "--burst", "9",
        ]))
        .unwrap();
        let options = plan.peer_options(2048, 3);
        let mut argv = vec!["--role".to_owned(), "pub".to_owned()];
        argv.extend(peer_args(&options));
        let args = parse(&argv.iter().map(String::as_str).collect::<Vec<_>>());
        let again = validate(&args).unwrap().peer_options(2048, 3);
        assert_eq!(again, options);
    }

    #[test]
    fn the_workspace_is_found_from_any_directory_below_it() {
        let root = tempfile::tempdir().unwrap();
        let script = root.path().join(BASELINE_SCRIPT);
        std::fs::create_dir_all(script.parent().unwrap()).unwrap();
        std::fs::write(&script, "").unwrap();
        let deep = root.path().join("target/release");
        std::fs::create_dir_all(&deep).unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        assert_eq!(
            find_workspace(&[elsewhere.path().to_path_buf(), deep]),
            Some(root.path().to_path_buf())
        );
        assert_eq!(find_workspace(&[elsewhere.path().to_path_buf()]), None);
    }
}
