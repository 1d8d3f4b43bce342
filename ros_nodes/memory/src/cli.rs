//! `embodied memory ...`: look into and edit the robot's memory file from the command line.
//! Glue only, over the library; like every CLI layer of the project it reports errors with
//! `anyhow` and prints its results to stdout.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use anyhow::Context as _;
use clap::{Args, Subcommand};

use crate::{
    Aliases, Durability, Forget, Kind, Memory, NewFact, RecallQuery, RememberMode, Time,
    default_database_path,
};

/// The project's exit code for bad configuration or input (`embodied_runtime::exit_code::CONFIG`;
/// this module does not need the runtime).
pub const EXIT_CONFIG: u8 = 2;

/// Arguments of `embodied memory`.
#[derive(Debug, Args)]
pub struct MemoryArgs {
    /// Memory database; default: the memory node's (`$EMBODIED_DATA_DIR/memory.sqlite`, ...).
    #[arg(long, global = true)]
    pub memory: Option<PathBuf>,
    /// Other names, `alias=canonical` (repeatable), for `recall` and `where`.
    #[arg(long = "alias", global = true)]
    pub aliases: Vec<String>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands of `embodied memory`.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Facts relevant to a text, best first, with their scores.
    Recall {
        /// The text (e.g. an utterance); empty lists the newest facts.
        #[arg(default_value = "")]
        text: String,
        /// Most facts shown.
        #[arg(long, default_value_t = 10)]
        max: u32,
    },
    /// Store a fact.
    Remember {
        /// Subject ("keys").
        subject: String,
        /// Relation ("location").
        relation: String,
        /// Value ("kitchen").
        value: String,
        /// fact, object-location, person, phrase or episode.
        #[arg(long, default_value = "fact", value_parser = parse_kind)]
        kind: Kind,
        /// Replace the value of the same subject and relation.
        #[arg(long)]
        correct: bool,
    },
    /// Forget one relation of a subject, or everything about it.
    Forget {
        /// Subject.
        subject: String,
        /// Relation; without it, everything about the subject goes.
        relation: Option<String>,
    },
    /// Where an object is, from what users said and what perception saw.
    Where {
        /// The object (a name or alias).
        object: String,
    },
    /// Schema version, counts, people, taught phrases, and a full integrity check.
    Check,
}

fn parse_kind(text: &str) -> Result<Kind, String> {
    match text {
        "fact" => Ok(Kind::Fact),
        "object-location" => Ok(Kind::ObjectLocation),
        "person" => Ok(Kind::Person),
        "phrase" => Ok(Kind::Phrase),
        "episode" => Ok(Kind::Episode),
        other => Err(format!(
            "`{other}`: expected fact, object-location, person, phrase or episode"
        )),
    }
}

fn now() -> Time {
    Time::from_system_time(SystemTime::now())
}

fn seconds(age: Duration) -> String {
    format!("{:.0} s ago", age.as_secs_f64())
}

/// Runs `embodied memory`; on failure, the error with its exit code.
///
/// # Errors
/// The subcommand's error and [`EXIT_CONFIG`].
pub fn run(args: MemoryArgs) -> Result<(), (anyhow::Error, u8)> {
    run_inner(args).map_err(|error| (error, EXIT_CONFIG))
}

fn run_inner(args: MemoryArgs) -> anyhow::Result<()> {
    let path = args
        .memory
        .or_else(default_database_path)
        .context("no --memory given and no HOME to find the memory in")?;
    let mut aliases = Aliases::new();
    let params = crate::Params {
        aliases: args.aliases,
        ..crate::Params::default()
    };
    aliases.extend(&params.alias_table()?);
    let mut memory = Memory::open(&path, Durability::Full)?;
    match args.command {
        Command::Recall { text, max } => {
            let query = RecallQuery {
                text,
                max_results: max,
                ..RecallQuery::default()
            };
            let memory = memory.with_result_limits(max.max(1), max.max(1));
            for recalled in memory.recall(&query, &aliases)? {
                let fact = &recalled.fact;
                println!(
                    "{:.3}  #{} {:?}: {} | {} | {}",
                    recalled.score, fact.id, fact.kind, fact.subject, fact.relation, fact.value
                );
            }
        }
        Command::Remember {
            subject,
            relation,
            value,
            kind,
            correct,
        } => {
            let mode = if correct {
                RememberMode::Correct
            } else {
                RememberMode::Add
            };
            let stored = memory.remember(
                NewFact::new(kind, &subject, &relation, &value),
                mode,
                &now(),
            )?;
            match stored.previous {
                Some(previous) => println!("#{}: replaced `{}`", stored.id, previous.value),
                None => println!("#{}: stored", stored.id),
            }
        }
        Command::Forget { subject, relation } => {
            let target = match relation {
                Some(relation) => Forget::Relation { subject, relation },
                None => Forget::Everything { subject },
            };
            println!("{} records forgotten", memory.forget(&target, &now())?);
        }
        Command::Where { object } => match memory.object_location(&object, &aliases, &now())? {
            Some(found) => {
                println!(
                    "{}: {} ({:?}, {})",
                    found.object,
                    found.best.place,
                    found.best.source,
                    seconds(found.best.age)
                );
                for report in [found.user, found.perception].into_iter().flatten() {
                    println!(
                        "  {:?}: {} ({})",
                        report.source,
                        report.place,
                        seconds(report.age)
                    );
                }
            }
            None => println!("{object}: unknown"),
        },
        Command::Check => {
            memory.integrity_check()?;
            println!(
                "{}: schema version {}, integrity ok",
                path.display(),
                memory.schema_version()?
            );
            println!("facts: {}", memory.fact_count()?);
            for person in memory.people()? {
                println!("person: {} is {}", person.role, person.name);
            }
            for taught in memory.taught_examples()? {
                println!(
                    "taught {:?}: `{}` -> {}{}",
                    taught.example.kind,
                    taught.example.utterance,
                    taught.example.output,
                    if taught.consolidated.is_some() {
                        " (consolidated)"
                    } else {
                        ""
                    }
                );
            }
        }
    }
    Ok(())
}
