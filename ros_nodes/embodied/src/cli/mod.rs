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
    /// Train an MCSD language model (or its Transformer baseline) on the generated corpus.
    Train(mcsd::cli::TrainArgs),
    /// Generate text from a trained checkpoint, streaming it to stdout.
    Generate(mcsd::cli::GenerateArgs),
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
        Command::Train(args) => model_tool(mcsd::cli::Command::Train(args)),
        Command::Generate(args) => model_tool(mcsd::cli::Command::Generate(args)),
    }
}

/// Runs one of the model tools of the `mcsd` crate (the same code as the `mcsd` binary).
pub(crate) fn model_tool(command: mcsd::cli::Command) -> Result<u8, Failure> {
    mcsd::cli::reexec_with_malloc_tunables();
    mcsd::cli::run(command)
        .map(|()| crate::exit_codes::OK)
        .map_err(|(error, code)| Failure { code, error })
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
