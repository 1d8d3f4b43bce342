//! Subcommands, one module each; `run` dispatches. New subcommands (bench, train, models, ...)
//! add a variant to [`Command`] and a module here.

pub mod bench;
pub mod bench_transport;
pub mod launch;

/// The `embodied` command line.
#[derive(Debug, clap::Parser)]
#[command(
    name = "embodied",
    version,
    about = "Offline voice-driven robot assistant: tools and launcher"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Run a ROS 2 XML launch file without ROS (same command lines as `ros2 launch`).
    Launch(launch::LaunchArgs),
    /// Benchmarks: ours vs a baseline, measured in one run (`--json` for machine output).
    Bench(bench::BenchArgs),
}

/// An error with the exit code it maps to.
#[derive(Debug)]
pub struct Failure {
    /// One of [`exit_codes`].
    pub code: u8,
    /// What went wrong (printed with its causes).
    pub error: anyhow::Error,
}

/// Attaches an exit code to an error.
pub trait WithExitCode<T> {
    /// Maps the error to a [`Failure`] with `code`.
    fn exit_code(self, code: u8) -> Result<T, Failure>;
}

impl<T, E: Into<anyhow::Error>> WithExitCode<T> for Result<T, E> {
    fn exit_code(self, code: u8) -> Result<T, Failure> {
        self.map_err(|error| Failure {
            code,
            error: error.into(),
        })
    }
}

/// Runs the chosen subcommand; `Ok` carries the exit code (a launch may end non-zero).
pub fn run(cli: Cli) -> Result<u8, Failure> {
    match cli.command {
        Command::Launch(args) => launch::run(args),
        Command::Bench(args) => bench::run(args),
    }
}

/// Logs to stderr, filtered by `RUST_LOG` (default `info`).
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi)
        .with_writer(std::io::stderr)
        .try_init();
}
