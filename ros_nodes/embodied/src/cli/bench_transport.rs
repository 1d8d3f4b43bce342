//! `embodied bench transport`: publish→receive latency and throughput of AudioChunk samples
//! between two processes over our runtime (ros2-client + RustDDS), next to the same
//! measurement by two Cyclone DDS Python processes (`tests/interop/bench_peer.py`), in one run.
//!
//! By default the command re-executes itself inside a private network namespace whose only
//! interface is loopback (`scripts/netns.sh`), so no DDS packet leaves the machine;
//! `--host-network` measures on the host's network instead (a real robot network).
//!
//! Layers: [`protocol`] (what both peers do), [`stats`] and [`report`] (pure figures and
//! output), [`role`] (our DDS peers), [`processes`] (starting and following the peers); this
//! file validates, re-executes in the namespace and puts the runs together.

mod processes;
mod protocol;
mod report;
mod role;
mod stats;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context as _, anyhow, ensure};
use embodied_msgs::RosMessage as _;
use embodied_msgs::msg::AudioChunk;
use indicatif::{ProgressBar, ProgressStyle};
use tokio::process::Command;

use super::{Failure, WithExitCode as _};
use crate::exit_codes;
use protocol::SubscriberReport;
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
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "1024,65536",
        value_name = "BYTES,..."
    )]
    sizes: Vec<usize>,
    /// Paced samples per run for the latency figures.
    #[arg(long, default_value_t = 500)]
    count: u64,
    /// Rate of the paced samples, in Hz.
    #[arg(
        long,
        default_value_t = 200.0,
        value_name = "HZ",
        allow_negative_numbers = true
    )]
    rate: f64,
    /// Samples per run for the throughput figures (sent as fast as flow control allows).
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
    #[arg(
        long,
        default_value_t = 60.0,
        value_name = "SECONDS",
        allow_negative_numbers = true
    )]
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
    let in_netns = inside_private_netns();
    if let Some(role) = args.role {
        if !in_netns && !args.host_network {
            return Err(Failure {
                code: exit_codes::CONFIG,
                error: anyhow!(
                    "--role is internal to `embodied bench transport`, which runs it inside a \
                     private network namespace (or with --host-network)"
                ),
            });
        }
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
    let python = baseline_python(&workspace).exit_code(exit_codes::BENCH)?;
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

/// Whether this process runs inside the namespace [`NETNS_SCRIPT`] creates.
fn inside_private_netns() -> bool {
    std::env::var(IN_NETNS_VAR).is_ok_and(|v| v == "1")
}

/// The venv's Python that runs the Cyclone DDS peers; without it there is no comparison.
fn baseline_python(workspace: &Path) -> anyhow::Result<PathBuf> {
    let python = workspace.join(VENV_PYTHON);
    ensure!(
        python.exists(),
        "the Cyclone DDS baseline needs the Python venv, but {} is missing: \
         run scripts/install-deps.sh first (no baseline, no comparison)",
        python.display()
    );
    Ok(python)
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

/// Which implementation a run measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Implementation {
    Ours,
    Baseline,
}

/// What every run needs.
struct Runs<'a> {
    plan: &'a Plan,
    workspace: &'a Path,
    python: &'a Path,
    exe: PathBuf,
    bar: ProgressBar,
}

impl Runs<'_> {
    /// Samples one run receives (progress bar units).
    fn per_run(&self) -> u64 {
        self.plan.count + self.plan.burst
    }

    /// Measures `which` at `size`; `run_index` picks the domain and the bar's segment.
    async fn measure(
        &self,
        which: Implementation,
        size: usize,
        run_index: usize,
    ) -> anyhow::Result<SubscriberReport> {
        let domain = self.plan.first_domain + u16::try_from(run_index).context("too many runs")?;
        let options = self.plan.peer_options(size, domain);
        let (label, subscriber, publisher) = match which {
            Implementation::Ours => (
                "ours",
                processes::our_command(&self.exe, Role::Sub, &options),
                processes::our_command(&self.exe, Role::Pub, &options),
            ),
            Implementation::Baseline => (
                "Cyclone DDS",
                processes::baseline_command(self.python, self.workspace, "sub", &options),
                processes::baseline_command(self.python, self.workspace, "pub", &options),
            ),
        };
        self.bar.set_message(format!("{label}, {size} B"));
        let per_run = self.per_run();
        let base = per_run * u64::try_from(run_index).unwrap_or(0);
        self.bar.set_position(base);
        processes::measure_one(subscriber, publisher, self.plan.timeout, |received| {
            self.bar.set_position(base + received.min(per_run));
        })
        .await
        .with_context(|| format!("{label} run with {size} B samples failed"))
    }
}

async fn measure_all(
    plan: &Plan,
    workspace: &Path,
    python: &Path,
    network: &str,
) -> anyhow::Result<Report> {
    let total = (plan.count + plan.burst) * u64::try_from(plan.runs()).unwrap_or(u64::MAX);
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} samples  {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    let runs = Runs {
        plan,
        workspace,
        python,
        exe: std::env::current_exe().context("cannot find this executable")?,
        bar,
    };
    let mut results = Vec::new();
    for (index, &size) in plan.sizes.iter().enumerate() {
        let ours = runs.measure(Implementation::Ours, size, 2 * index).await?;
        let baseline = runs
            .measure(Implementation::Baseline, size, 2 * index + 1)
            .await?;
        let ours_figures = stats::figures(&ours, plan.count, plan.burst, plan.warmup, size);
        let baseline_figures = stats::figures(&baseline, plan.count, plan.burst, plan.warmup, size);
        let baseline_implementation = baseline
            .implementation
            .unwrap_or_else(|| "Cyclone DDS via cyclonedds-python".to_owned());
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
    runs.bar.finish_and_clear();
    Ok(Report {
        schema_version: report::SCHEMA_VERSION,
        benchmark: "transport",
        git_sha: git_sha(workspace).await,
        build_profile: if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
        message_type: AudioChunk::type_name(),
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
#[allow(clippy::unwrap_used)]
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
            (&["--timeout", "-1"], "--timeout"),
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
        argv.extend(processes::peer_args(&options));
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

    #[test]
    fn a_missing_venv_is_an_error_that_says_how_to_fix_it() {
        let root = tempfile::tempdir().unwrap();
        let error = baseline_python(root.path()).unwrap_err().to_string();
        assert!(error.contains(".venv/bin/python"), "{error}");
        assert!(error.contains("scripts/install-deps.sh"), "{error}");
        let python = root.path().join(VENV_PYTHON);
        std::fs::create_dir_all(python.parent().unwrap()).unwrap();
        std::fs::write(&python, "").unwrap();
        assert_eq!(baseline_python(root.path()).unwrap(), python);
    }
}
