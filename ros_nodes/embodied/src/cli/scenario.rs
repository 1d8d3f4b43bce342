//! `embodied scenario`: spoken commands played to the whole assistant on the headless
//! simulator; prints the JSON report (see [`crate::scenario`], which does the work).

use std::path::PathBuf;
use std::time::Duration;

use clap::{Arg, ArgAction, ArgMatches};

use super::{Failure, WithExitCode as _};
use crate::exit_codes;
use crate::scenario::{self, Command, Cue, Options, Placement, Spoken, Voice};

/// Arguments of `scenario`.
#[derive(Debug, clap::Args)]
pub struct ScenarioArgs {
    #[command(flatten)]
    commands: Commands,
    /// Seconds of silence between one command settling and the next one starting.
    #[arg(long, default_value_t = 1.0, value_name = "SECONDS")]
    gap_s: f64,
    /// Place the robot starts at (a room or spot of config/world/home.yaml, e.g. "living room");
    /// default: the map's robot start.
    #[arg(long, value_name = "PLACE")]
    start: Option<String>,
    /// Seconds the commands may take from the first one's audio (start-up not counted); then
    /// the report lists what is pending.
    #[arg(long, default_value_t = 120.0, value_name = "SECONDS")]
    timeout_s: f64,
    /// Simulated seconds per wall-clock second, in (0, 50].
    #[arg(long, default_value_t = 10.0)]
    speed: f64,
    /// Directory of scenario.json and trajectory.png.
    #[arg(long, default_value = "target/scenario", value_name = "DIR")]
    out: PathBuf,
    /// eSpeak NG voice of --say commands.
    #[arg(long, default_value = "en-us")]
    voice: String,
    /// Speaking rate of --say commands, words per minute.
    #[arg(long, default_value_t = 160)]
    wpm: u32,
    /// Move an object before the simulation starts: OBJECT@X,Y,Z, its centre in the map frame
    /// in metres, on a surface (e.g. `keys@1.9,8.0,0.52`: on the bedroom's bed); repeatable.
    #[arg(long, value_name = "OBJECT@X,Y,Z", value_parser = parse_placement)]
    place: Vec<Placement>,
    /// Also print the dialogue for a person to read (what was said and heard, the replies, the
    /// tasks and where the robot went) on stderr; stdout keeps the JSON.
    #[arg(long)]
    dialogue: bool,
}

fn parse_placement(text: &str) -> Result<Placement, String> {
    let (object, position) = text
        .rsplit_once('@')
        .ok_or_else(|| format!("{text:?}: expected OBJECT@X,Y,Z"))?;
    let values = position
        .split(',')
        .map(|v| v.trim().parse::<f64>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("{text:?}: {e}"))?;
    let position: [f64; 3] = values
        .try_into()
        .map_err(|_| format!("{text:?}: expected three coordinates X,Y,Z"))?;
    Ok(Placement {
        object: object.trim().to_owned(),
        position,
    })
}

/// `--wav` and `--say`, in the order they were given, each with the cue given before it.
#[derive(Debug, Clone, Default)]
struct Commands(Vec<Command>);

/// Makes a timed cue from its delay.
type MakeCue = fn(Duration) -> Cue;

/// The flags of timed cues and the cue each makes.
const CUE_FLAGS: [(&str, MakeCue); 2] = [
    ("after-task-s", Cue::AfterTask),
    ("after-reply-audio-s", Cue::AfterReplyAudio),
];

fn cue_error(message: String) -> clap::Error {
    clap::Error::raw(clap::error::ErrorKind::ArgumentConflict, message + "\n")
}

impl clap::FromArgMatches for Commands {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let mut spoken: Vec<(usize, Spoken)> = Vec::new();
        if let (Some(files), Some(at)) = (
            matches.get_many::<PathBuf>("wav"),
            matches.indices_of("wav"),
        ) {
            spoken.extend(at.zip(files.map(|f| Spoken::Wav(f.clone()))));
        }
        if let (Some(texts), Some(at)) =
            (matches.get_many::<String>("say"), matches.indices_of("say"))
        {
            spoken.extend(at.zip(texts.map(|t| Spoken::Say(t.clone()))));
        }
        spoken.sort_by_key(|(at, _)| *at);
        let mut cues: Vec<(usize, &str, Cue)> = Vec::new();
        for (flag, cue) in CUE_FLAGS {
            if let (Some(values), Some(at)) =
                (matches.get_many::<f64>(flag), matches.indices_of(flag))
            {
                for (at, seconds) in at.zip(values) {
                    let delay = Duration::try_from_secs_f64(*seconds).map_err(|_| {
                        cue_error(format!("--{flag} {seconds}: expected seconds >= 0"))
                    })?;
                    cues.push((at, flag, cue(delay)));
                }
            }
        }
        cues.sort_by_key(|(at, _, _)| *at);
        let mut commands: Vec<Command> = Vec::new();
        let mut cues = cues.into_iter().peekable();
        for (index, (at, spoken)) in spoken.into_iter().enumerate() {
            let mut cue = Cue::Settled;
            while let Some((_, flag, next)) = cues.next_if(|(cue_at, _, _)| *cue_at < at) {
                if index == 0 {
                    return Err(cue_error(format!(
                        "--{flag} applies to the command after it and needs one before that"
                    )));
                }
                cue = next;
            }
            commands.push(Command { spoken, cue });
        }
        if let Some((_, flag, _)) = cues.next() {
            return Err(cue_error(format!(
                "--{flag} must come before the --say or --wav it applies to"
            )));
        }
        Ok(Self(commands))
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}

impl clap::Args for Commands {
    fn augment_args(command: clap::Command) -> clap::Command {
        command
            .arg(
                Arg::new("wav")
                    .long("wav")
                    .value_name("FILE")
                    .action(ArgAction::Append)
                    .value_parser(clap::value_parser!(PathBuf))
                    .help("A WAV file of a spoken command (repeatable; commands play in the order given)"),
            )
            .arg(
                Arg::new("say")
                    .long("say")
                    .value_name("TEXT")
                    .action(ArgAction::Append)
                    .help("A command to speak with eSpeak NG (repeatable)"),
            )
            .arg(
                Arg::new("after-task-s")
                    .long("after-task-s")
                    .value_name("SECONDS")
                    .action(ArgAction::Append)
                    .value_parser(clap::value_parser!(f64))
                    .help("Play the next --say/--wav this long after the previous command's first task reached the planner, while it runs (default: after it settled)"),
            )
            .arg(
                Arg::new("after-reply-audio-s")
                    .long("after-reply-audio-s")
                    .value_name("SECONDS")
                    .action(ArgAction::Append)
                    .value_parser(clap::value_parser!(f64))
                    .help("Play the next --say/--wav this long after speech_out started speaking a reply to the previous command (barge-in)"),
            )
    }

    fn augment_args_for_update(command: clap::Command) -> clap::Command {
        Self::augment_args(command)
    }
}

fn seconds(flag: &str, value: f64) -> Result<Duration, Failure> {
    Duration::try_from_secs_f64(value)
        .map_err(|_| anyhow::anyhow!("--{flag} {value}: expected a number of seconds >= 0"))
        .exit_code(exit_codes::CONFIG)
}

/// Runs the scenario and prints its JSON report on stdout; the exit code is 0 whatever the
/// robot did, nonzero only when the scenario could not run.
pub fn run(args: ScenarioArgs) -> Result<u8, Failure> {
    let options = Options {
        commands: args.commands.0,
        gap: seconds("gap-s", args.gap_s)?,
        start: args.start,
        timeout: seconds("timeout-s", args.timeout_s)?,
        speed: args.speed,
        out_dir: args.out,
        voice: Voice {
            name: args.voice,
            wpm: args.wpm,
        },
        placements: args.place,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .exit_code(exit_codes::FAILURE)?;
    let report = runtime
        .block_on(scenario::run(options))
        .map_err(|error| Failure {
            code: error.exit_code(),
            error: error.into(),
        })?;
    if args.dialogue {
        eprint!("{}", report.dialogue());
    }
    let json = serde_json::to_string_pretty(&report).exit_code(exit_codes::FAILURE)?;
    println!("{json}");
    Ok(exit_codes::OK)
}
