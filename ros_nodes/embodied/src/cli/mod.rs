//! Subcommands, one module each; `run` dispatches. New subcommands (bench, train, models, ...)
//! add a variant to [`Command`] and a module here.

pub mod bench;
pub mod bench_e2e;
pub mod bench_transport;
pub mod hear;
pub mod launch;
pub mod scenario;

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
    /// Transcribe a WAV file with the recogniser's VAD + whisper pipeline, one line per utterance.
    Transcribe(asr::cli::TranscribeArgs),
    /// Generate the brain's training corpus from the semantic map and config/corpus templates.
    Corpus(brain::cli::CorpusArgs),
    /// Understand utterances, one per stdin line, as the brain does: one JSON object per line
    /// (`say` and `actions`); the lines form one conversation.
    Understand(brain::cli::UnderstandArgs),
    /// Consolidate what users taught (stored in the memory) into the model's weights now:
    /// low-rank adapters, kept only if held-out accuracy and every stop phrasing hold.
    Learn(brain::cli::LearnArgs),
    /// Retrain the shipped assistant model reproducibly: corpus, tokenizer, MCSD and the
    /// Transformer baseline, evaluation, report (models/assistant/).
    TrainAssistant(brain::train::TrainAssistantArgs),
    /// Evaluate the assistant model: exact action match per step kind on the held-out template
    /// split, noisy inputs, memory dialogues, latency; MCSD and the Transformer side by side.
    Eval(brain::eval::EvalArgs),
    /// Speak the brain's held-out utterances with eSpeak NG and transcribe them with our ASR,
    /// for `embodied eval --heard` (the model scored on real ASR output).
    HearHeldout(hear::HearArgs),
    /// Audio devices: list the microphones `audio_capture_node` can open.
    #[command(subcommand)]
    Audio(audio_capture::cli::Command),
    /// Speech output: list the speakers `speech_out_node` can open, or say a text (eSpeak NG)
    /// on one or into a WAV file.
    #[command(subcommand)]
    Speech(speech_out::cli::Command),
    /// The robot's long-term memory database: recall, remember, forget, where is, check.
    Memory(embodied_memory::cli::MemoryArgs),
    /// Speech-recognition weights: fetch whisper models (converted to ggml) into the cache.
    #[command(subcommand)]
    Models(whisper_models::cli::Command),
    /// The headless simulator's tools: plot a recorded run (floor plan and trajectory).
    #[command(subcommand)]
    Sim(sim::cli::Command),
    /// The world files (SDF + semantic map): check them, show the occupancy grid, resolve names.
    #[command(subcommand)]
    World(embodied_world::cli::Command),
    /// Play spoken commands (WAV files or eSpeak NG text) to the whole assistant on the
    /// headless simulator; print a JSON report (transcripts, replies, task outcomes, poses,
    /// per-command latencies) and draw the trajectory.
    Scenario(scenario::ScenarioArgs),
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
        Command::Transcribe(args) => asr::cli::transcribe(&args)
            .map(|()| crate::exit_codes::OK)
            .map_err(|error| Failure {
                code: asr::cli::exit_code(&error),
                error,
            }),
        Command::Corpus(args) => brain::cli::run(&args)
            .map(|()| crate::exit_codes::OK)
            .exit_code(crate::exit_codes::CONFIG),
        // Answers go to stdout line by line; a bad line is an error object there, not a failure.
        Command::Understand(args) => brain::cli::run_understand(&args)
            .map(|_summary| crate::exit_codes::OK)
            .exit_code(crate::exit_codes::MODEL),
        // A rolled-back candidate is a result (the report says so), not a failure.
        Command::Learn(args) => brain::cli::run_learn(&args)
            .map(|_accepted| crate::exit_codes::OK)
            .exit_code(crate::exit_codes::MODEL),
        Command::TrainAssistant(args) => hear::train_assistant(&args)
            .map(|()| crate::exit_codes::OK)
            .exit_code(crate::exit_codes::MODEL),
        Command::Eval(args) => brain::eval::run(&args)
            .map(|()| crate::exit_codes::OK)
            .exit_code(crate::exit_codes::MODEL),
        Command::HearHeldout(args) => hear::run(&args)
            .map(|()| crate::exit_codes::OK)
            .exit_code(crate::exit_codes::MODEL),
        Command::Audio(command) => audio_capture::cli::run(&command, &mut std::io::stdout().lock())
            .map(|()| crate::exit_codes::OK)
            .map_err(|error| Failure {
                code: error.exit_code(),
                error: error.into(),
            }),
        Command::Speech(command) => speech_out::cli::run(&command, &mut std::io::stdout().lock())
            .map(|()| crate::exit_codes::OK)
            .map_err(|error| Failure {
                code: error.exit_code(),
                error: error.into(),
            }),
        Command::Memory(args) => embodied_memory::cli::run(args)
            .map(|()| crate::exit_codes::OK)
            .map_err(|(error, code)| Failure { code, error }),
        Command::Models(command) => whisper_models::cli::run(command)
            .map(|()| crate::exit_codes::OK)
            .map_err(|(error, code)| Failure { code, error }),
        Command::Sim(command) => sim::cli::run(command)
            .map(|()| crate::exit_codes::OK)
            .map_err(|(error, code)| Failure { code, error }),
        Command::World(command) => embodied_world::cli::run(command)
            .map(|()| crate::exit_codes::OK)
            .map_err(|(error, code)| Failure { code, error }),
        Command::Scenario(args) => scenario::run(args),
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
    let text = std::env::var("RUST_LOG").unwrap_or_default();
    let filter = tracing_subscriber::EnvFilter::try_new(&text)
        .ok()
        .filter(|_| !text.trim().is_empty())
        .unwrap_or_else(|| tracing_subscriber::EnvFilter::new("info,whisper_rs=warn"));
    let filter = embodied_runtime::logging::without_whisper_log_lines(filter, &text);
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi)
        .with_writer(std::io::stderr)
        .try_init();
}
