//! `embodied bench e2e`: spoken commands of every step kind played to the whole assistant by
//! the scenario runner (issue 8, item 6); the latency from the end of each command's speech to
//! its transcript, its task, the first /cmd_vel and the first reply audio, as p50 and p95, the
//! share of each stage in the latency budget, the targets, and the same figures for a
//! reference set-up that ends utterances after a 1 s silence instead of our hangover.
//!
//! The reference is computed, not measured: a pipeline that waits for 1 s of silence (a common
//! grace in voice-assistant pipelines) and only then recognises has each transcript at 1 s plus
//! that command's recognition time, where ours overlaps recognition with a 320 ms hangover
//! (`config/asr.yaml` `vad.*`); every later stage is the same code, shifted as its transcript
//! is. It shows what the short endpoint and early recognition buy, nothing else.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context as _;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

use super::{Failure, WithExitCode as _};
use crate::exit_codes;
use crate::scenario::{self, CommandEntry, Options, Progress, Report, Spoken};

/// The commands, each with the step kind it asks for (or `conversation`), in the order played;
/// the robot starts in the living room. Every kind of the action vocabulary is here, and
/// each command is played after the previous one settled, so its timings are its own.
const COMMANDS: [(&str, &str); 20] = [
    ("navigate", "go to the kitchen"),
    ("describe", "what do you see"),
    ("turn", "turn left"),
    ("move", "move forward half a meter"),
    ("status", "how is your battery"),
    ("conversation", "hello"),
    ("navigate", "go to the hallway"),
    ("stop", "stop"),
    ("turn", "turn right"),
    ("find", "find the cup"),
    ("navigate", "go to the living room"),
    ("bring", "bring me the remote control"),
    ("conversation", "tell me about yourself"),
    ("move", "move back half a meter"),
    ("status", "what room are you in"),
    ("navigate", "go to the office"),
    ("find", "find the book"),
    ("describe", "what can you see"),
    ("turn", "turn around"),
    // whisper tiny.en loops on eSpeak's "go to the bedroom" (a repetition the recogniser
    // rejects); a user's "please" avoids it.
    ("navigate", "please go to the bedroom"),
];

/// The timings of a command, as the scenario report names them.
const TIMINGS: [&str; 4] = [
    "to_transcript",
    "to_task",
    "to_first_cmd_vel",
    "to_reply_audio",
];

/// Targets (issue 8): end of speech → first /cmd_vel, p50 and p95; → first reply audio, p50.
const TARGET_CMD_VEL_P50_MS: f64 = 600.0;
const TARGET_CMD_VEL_P95_MS: f64 = 900.0;
const TARGET_REPLY_AUDIO_P50_MS: f64 = 800.0;

/// The reference's end-of-speech silence, ms.
const REFERENCE_GRACE_MS: f64 = 1000.0;

/// Histogram bin width, ms.
const BIN_MS: f64 = 100.0;

/// Arguments of `embodied bench e2e`.
#[derive(Debug, Clone, clap::Args)]
#[command(after_help = "Example:\n  embodied bench e2e --json\n\n\
    Needs the whisper model (`embodied models fetch`) and eSpeak NG; takes several minutes \
    at real time. Exit code 6 when the run does not settle.")]
pub struct E2eArgs {
    /// End the output with one JSON object holding every figure (the last line).
    #[arg(long)]
    json: bool,
    /// Directory of the histogram (latency.png), the scenario's report and trajectory.
    #[arg(long, default_value = "target/bench-e2e", value_name = "DIR")]
    out: PathBuf,
    /// Simulated seconds per wall-clock second. 1 measures what a user waits; faster runs
    /// shorten the trips, and the planner's control period (simulated time) then ends sooner.
    #[arg(long, default_value_t = 1.0)]
    speed: f64,
    /// Seconds the whole run may take after start-up.
    #[arg(long, default_value_t = 1200.0, value_name = "SECONDS")]
    timeout_s: f64,
}

/// One command's figures.
#[derive(Debug, Clone, Serialize)]
struct Row {
    kind: &'static str,
    command: &'static str,
    transcript: Option<String>,
    to_transcript: Option<f64>,
    to_task: Option<f64>,
    to_first_cmd_vel: Option<f64>,
    to_reply_audio: Option<f64>,
    /// The recogniser's compute time for the transcript.
    recognition_ms: Option<f64>,
}

impl Row {
    /// The same command in the reference pipeline: its transcript at the grace plus its
    /// recognition time, and every later timing shifted as much.
    fn in_reference(&self) -> Row {
        let shift = match (self.to_transcript, self.recognition_ms) {
            (Some(ours), Some(recognition)) => REFERENCE_GRACE_MS + recognition - ours,
            _ => f64::NAN,
        };
        let shifted = |timing: Option<f64>| timing.map(|ms| ms + shift).filter(|ms| ms.is_finite());
        Row {
            transcript: self.transcript.clone(),
            to_transcript: shifted(self.to_transcript),
            to_task: shifted(self.to_task),
            to_first_cmd_vel: shifted(self.to_first_cmd_vel),
            to_reply_audio: shifted(self.to_reply_audio),
            ..*self
        }
    }

    fn timing(&self, name: &str) -> Option<f64> {
        match name {
            "to_transcript" => self.to_transcript,
            "to_task" => self.to_task,
            "to_first_cmd_vel" => self.to_first_cmd_vel,
            "to_reply_audio" => self.to_reply_audio,
            _ => None,
        }
    }
}

/// p50 and p95 of each timing, and how many commands had it.
#[derive(Debug, Clone, Serialize, PartialEq)]
struct Percentiles {
    p50_ms: std::collections::BTreeMap<&'static str, f64>,
    p95_ms: std::collections::BTreeMap<&'static str, f64>,
    samples: std::collections::BTreeMap<&'static str, usize>,
}

/// The nearest-rank percentile `q` in (0, 1] of `values`; `None` when empty.
fn percentile(values: &[f64], q: f64) -> Option<f64> {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    sorted.sort_by(f64::total_cmp);
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted.get(rank.max(1) - 1).copied()
}

fn round1(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

fn percentiles(rows: &[Row]) -> Percentiles {
    let mut figures = Percentiles {
        p50_ms: Default::default(),
        p95_ms: Default::default(),
        samples: Default::default(),
    };
    for name in TIMINGS {
        let values: Vec<f64> = rows.iter().filter_map(|r| r.timing(name)).collect();
        figures.samples.insert(name, values.len());
        if let Some(p50) = percentile(&values, 0.5) {
            figures.p50_ms.insert(name, round1(p50));
        }
        if let Some(p95) = percentile(&values, 0.95) {
            figures.p95_ms.insert(name, round1(p95));
        }
    }
    figures
}

/// The median of each stage over the commands that have both of its ends, ms.
#[derive(Debug, Clone, Serialize, PartialEq)]
struct Stages {
    /// End of speech → transcript: endpoint hangover and recognition.
    transcript: Option<f64>,
    /// Transcript → task: the brain.
    brain: Option<f64>,
    /// Task → first moving /cmd_vel: planning and the first control period.
    planner_start: Option<f64>,
    /// Transcript → first reply audio: the brain's reply and speech synthesis.
    speech_start: Option<f64>,
}

fn stage(rows: &[Row], from: fn(&Row) -> Option<f64>, to: fn(&Row) -> Option<f64>) -> Option<f64> {
    let values: Vec<f64> = rows
        .iter()
        .filter_map(|r| Some(to(r)? - from(r)?))
        .collect();
    percentile(&values, 0.5).map(round1)
}

fn stages(rows: &[Row]) -> Stages {
    Stages {
        transcript: stage(rows, |_| Some(0.0), |r| r.to_transcript),
        brain: stage(rows, |r| r.to_transcript, |r| r.to_task),
        planner_start: stage(rows, |r| r.to_task, |r| r.to_first_cmd_vel),
        speech_start: stage(rows, |r| r.to_transcript, |r| r.to_reply_audio),
    }
}

/// Each stage's share of a budget, percent.
#[derive(Debug, Clone, Serialize, PartialEq)]
struct Budget {
    /// What is budgeted: `first_cmd_vel` or `reply_audio`.
    budget: &'static str,
    /// Its p50 target, ms.
    budget_ms: f64,
    /// Stage name → share of the budget, percent (the stages' p50s).
    share_pct: std::collections::BTreeMap<&'static str, f64>,
    /// Sum of the shares.
    total_pct: f64,
}

fn budgets(stages: &Stages) -> Vec<Budget> {
    let budget = |name, budget_ms: f64, parts: Vec<(&'static str, Option<f64>)>| {
        let share_pct: std::collections::BTreeMap<_, _> = parts
            .into_iter()
            .filter_map(|(stage, ms)| Some((stage, round1(ms? / budget_ms * 100.0))))
            .collect();
        Budget {
            budget: name,
            budget_ms,
            total_pct: round1(share_pct.values().sum()),
            share_pct,
        }
    };
    vec![
        budget(
            "first_cmd_vel",
            TARGET_CMD_VEL_P50_MS,
            vec![
                ("transcript", stages.transcript),
                ("brain", stages.brain),
                ("planner_start", stages.planner_start),
            ],
        ),
        budget(
            "reply_audio",
            TARGET_REPLY_AUDIO_P50_MS,
            vec![
                ("transcript", stages.transcript),
                ("speech_start", stages.speech_start),
            ],
        ),
    ]
}

/// A target and whether ours and the reference meet it.
#[derive(Debug, Clone, Serialize, PartialEq)]
struct Target {
    /// e.g. `to_first_cmd_vel p50`.
    name: &'static str,
    target_ms: f64,
    ours_ms: Option<f64>,
    met: bool,
    reference_ms: Option<f64>,
    reference_met: bool,
}

fn targets(ours: &Percentiles, reference: &Percentiles) -> Vec<Target> {
    [
        (
            "to_first_cmd_vel p50",
            "to_first_cmd_vel",
            false,
            TARGET_CMD_VEL_P50_MS,
        ),
        (
            "to_first_cmd_vel p95",
            "to_first_cmd_vel",
            true,
            TARGET_CMD_VEL_P95_MS,
        ),
        (
            "to_reply_audio p50",
            "to_reply_audio",
            false,
            TARGET_REPLY_AUDIO_P50_MS,
        ),
    ]
    .into_iter()
    .map(|(name, timing, p95, target_ms)| {
        let pick = |p: &Percentiles| if p95 { &p.p95_ms } else { &p.p50_ms }.get(timing).copied();
        let (ours_ms, reference_ms) = (pick(ours), pick(reference));
        Target {
            name,
            target_ms,
            ours_ms,
            met: ours_ms.is_some_and(|ms| ms <= target_ms),
            reference_ms,
            reference_met: reference_ms.is_some_and(|ms| ms <= target_ms),
        }
    })
    .collect()
}

/// Everything the benchmark prints, and its JSON.
#[derive(Debug, Clone, Serialize)]
struct BenchReport {
    schema: u32,
    bench: &'static str,
    git_sha: Option<String>,
    /// `release` or `debug` (the build measured).
    build: &'static str,
    speed: f64,
    load_average_1m: Option<f64>,
    endpoint_hangover_ms: u32,
    settled: bool,
    pending: Vec<String>,
    commands: Vec<Row>,
    p50_ms: std::collections::BTreeMap<&'static str, f64>,
    p95_ms: std::collections::BTreeMap<&'static str, f64>,
    samples: std::collections::BTreeMap<&'static str, usize>,
    stages_p50_ms: Stages,
    budgets: Vec<Budget>,
    reference: Reference,
    targets: Vec<Target>,
    histogram_png: Option<String>,
    scenario_json: String,
}

/// The figures of the 1 s endpoint reference.
#[derive(Debug, Clone, Serialize)]
struct Reference {
    description: String,
    endpoint_grace_ms: f64,
    p50_ms: std::collections::BTreeMap<&'static str, f64>,
    p95_ms: std::collections::BTreeMap<&'static str, f64>,
    stages_p50_ms: Stages,
    budgets: Vec<Budget>,
}

fn rows(report: &Report) -> Vec<Row> {
    COMMANDS
        .iter()
        .enumerate()
        .map(|(index, (kind, command))| {
            let entry: Option<&CommandEntry> = report.commands.get(index);
            Row {
                kind,
                command,
                transcript: entry.and_then(|e| e.transcript.clone()),
                to_transcript: entry.and_then(|e| e.to_transcript),
                to_task: entry.and_then(|e| e.to_task),
                to_first_cmd_vel: entry.and_then(|e| e.to_first_cmd_vel),
                to_reply_audio: entry.and_then(|e| e.to_reply_audio),
                recognition_ms: entry.and_then(|e| e.recognition_ms),
            }
        })
        .collect()
}

fn build_report(report: &Report, out: &Path) -> BenchReport {
    let rows = rows(report);
    let hangover = f64::from(report.endpoint_hangover_ms);
    let reference_rows: Vec<Row> = rows.iter().map(Row::in_reference).collect();
    let ours = percentiles(&rows);
    let reference = percentiles(&reference_rows);
    let our_stages = stages(&rows);
    let reference_stages = stages(&reference_rows);
    BenchReport {
        schema: 1,
        bench: "e2e",
        git_sha: None,
        build: if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
        speed: report.speed,
        load_average_1m: std::fs::read_to_string("/proc/loadavg")
            .ok()
            .and_then(|line| line.split_whitespace().next()?.parse::<f64>().ok()),
        endpoint_hangover_ms: report.endpoint_hangover_ms,
        settled: report.settled,
        pending: report.pending.clone(),
        targets: targets(&ours, &reference),
        budgets: budgets(&our_stages),
        reference: Reference {
            description: format!(
                "a {REFERENCE_GRACE_MS:.0} ms end-of-speech silence before the endpoint, then \
                 recognition, instead of our {hangover:.0} ms hangover overlapped with early \
                 recognition: each transcript at {REFERENCE_GRACE_MS:.0} ms plus its recognition \
                 time, later stages shifted as much (computed from the measured run, not \
                 measured)"
            ),
            endpoint_grace_ms: REFERENCE_GRACE_MS,
            p50_ms: reference.p50_ms.clone(),
            p95_ms: reference.p95_ms.clone(),
            budgets: budgets(&reference_stages),
            stages_p50_ms: reference_stages,
        },
        commands: rows,
        p50_ms: ours.p50_ms,
        p95_ms: ours.p95_ms,
        samples: ours.samples,
        stages_p50_ms: our_stages,
        histogram_png: None,
        scenario_json: out.join("scenario.json").display().to_string(),
    }
}

/// `git describe --always --dirty` of the current directory's checkout, if git can tell.
fn git_sha() -> Option<String> {
    let output = std::process::Command::new("git")
        .args(["describe", "--always", "--dirty", "--abbrev=12"])
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    let text = String::from_utf8(output.stdout).ok()?;
    (output.status.success() && !text.trim().is_empty()).then(|| text.trim().to_owned())
}

/// Draws one histogram per timing, stacked, with the targets as vertical lines.
fn plot(rows: &[Row], path: &Path, with_text: bool) -> anyhow::Result<()> {
    use plotters::prelude::*;
    let max = rows
        .iter()
        .flat_map(|r| TIMINGS.iter().filter_map(|name| r.timing(name)))
        .fold(TARGET_CMD_VEL_P95_MS, f64::max);
    let x_max = (max / BIN_MS).ceil() * BIN_MS + BIN_MS;
    let root = BitMapBackend::new(path, (900, 1000)).into_drawing_area();
    root.fill(&WHITE)?;
    let panels = root.split_evenly((TIMINGS.len(), 1));
    let colours = [BLUE, GREEN, RED, MAGENTA];
    for ((panel, name), colour) in panels.iter().zip(TIMINGS).zip(colours) {
        let values: Vec<f64> = rows.iter().filter_map(|r| r.timing(name)).collect();
        let bins = (x_max / BIN_MS) as usize;
        let mut counts = vec![0u32; bins];
        for value in &values {
            let bin = ((value.max(0.0) / BIN_MS) as usize).min(bins - 1);
            counts[bin] += 1;
        }
        let y_max = counts.iter().copied().max().unwrap_or(0).max(1) + 1;
        let mut builder = ChartBuilder::on(panel);
        builder.margin(8);
        if with_text {
            builder
                .caption(
                    format!("{name} (ms from end of speech, n = {})", values.len()),
                    ("sans-serif", 16),
                )
                .x_label_area_size(25)
                .y_label_area_size(35);
        }
        let mut chart = builder.build_cartesian_2d(0.0..x_max, 0u32..y_max)?;
        if with_text {
            chart.configure_mesh().disable_x_mesh().draw()?;
        }
        chart.draw_series(counts.iter().enumerate().filter(|(_, c)| **c > 0).map(
            |(bin, count)| {
                let x0 = bin as f64 * BIN_MS;
                Rectangle::new([(x0, 0), (x0 + BIN_MS, *count)], colour.mix(0.6).filled())
            },
        ))?;
        let lines: &[f64] = match name {
            "to_first_cmd_vel" => &[TARGET_CMD_VEL_P50_MS, TARGET_CMD_VEL_P95_MS],
            "to_reply_audio" => &[TARGET_REPLY_AUDIO_P50_MS],
            _ => &[],
        };
        for x in lines {
            chart.draw_series(LineSeries::new(
                [(*x, 0), (*x, y_max)],
                BLACK.stroke_width(2),
            ))?;
        }
    }
    root.present()?;
    Ok(())
}

fn fmt_ms(value: Option<f64>) -> String {
    value.map_or_else(|| "-".to_owned(), |ms| format!("{ms:.0}"))
}

fn print_table(report: &BenchReport) {
    println!(
        "e2e: {} commands, {} build, speed {}, endpoint hangover {} ms, load average {}, git {}",
        report.commands.len(),
        report.build,
        report.speed,
        report.endpoint_hangover_ms,
        report
            .load_average_1m
            .map_or("unknown".to_owned(), |l| format!("{l:.2}")),
        report.git_sha.as_deref().unwrap_or("unknown"),
    );
    println!(
        "{:<13} {:<30} {:>8} {:>8} {:>8} {:>8}  transcript",
        "kind", "command", "->text", "->task", "->cmdvel", "->audio"
    );
    for row in &report.commands {
        println!(
            "{:<13} {:<30} {:>8} {:>8} {:>8} {:>8}  {}",
            row.kind,
            row.command,
            fmt_ms(row.to_transcript),
            fmt_ms(row.to_task),
            fmt_ms(row.to_first_cmd_vel),
            fmt_ms(row.to_reply_audio),
            row.transcript.as_deref().unwrap_or("-"),
        );
    }
    println!();
    println!(
        "{:<18} {:>8} {:>8} {:>4}   {:>10} {:>10}",
        "ms from speech end", "p50", "p95", "n", "ref p50", "ref p95"
    );
    for name in TIMINGS {
        println!(
            "{:<18} {:>8} {:>8} {:>4}   {:>10} {:>10}",
            name,
            fmt_ms(report.p50_ms.get(name).copied()),
            fmt_ms(report.p95_ms.get(name).copied()),
            report.samples.get(name).copied().unwrap_or(0),
            fmt_ms(report.reference.p50_ms.get(name).copied()),
            fmt_ms(report.reference.p95_ms.get(name).copied()),
        );
    }
    println!();
    let stages = &report.stages_p50_ms;
    println!(
        "stages (p50 ms): transcript {}, brain {}, planner start {}, speech start {}",
        fmt_ms(stages.transcript),
        fmt_ms(stages.brain),
        fmt_ms(stages.planner_start),
        fmt_ms(stages.speech_start),
    );
    for (label, budgets) in [
        ("ours", &report.budgets),
        ("reference", &report.reference.budgets),
    ] {
        for budget in budgets {
            let parts: Vec<String> = budget
                .share_pct
                .iter()
                .map(|(stage, pct)| format!("{stage} {pct:.0}%"))
                .collect();
            println!(
                "budget {} {:.0} ms ({label}): {} = {:.0}%",
                budget.budget,
                budget.budget_ms,
                parts.join(", "),
                budget.total_pct
            );
        }
    }
    println!("reference: {}", report.reference.description);
    for target in &report.targets {
        println!(
            "target {} <= {:.0} ms: ours {} ({}), reference {} ({})",
            target.name,
            target.target_ms,
            fmt_ms(target.ours_ms),
            if target.met { "met" } else { "NOT met" },
            fmt_ms(target.reference_ms),
            if target.reference_met {
                "met"
            } else {
                "NOT met"
            },
        );
    }
    if !report.settled {
        println!("NOT SETTLED: {}", report.pending.join("; "));
    }
    if let Some(png) = &report.histogram_png {
        println!("histogram: {png}");
    }
}

/// Runs the benchmark: one scenario of the [`COMMANDS`], then the figures.
///
/// # Errors
/// The scenario's own failure (its exit code), or bench (6) when it did not settle or the
/// output cannot be written.
pub fn run(args: E2eArgs) -> Result<u8, Failure> {
    let timeout = Duration::try_from_secs_f64(args.timeout_s)
        .map_err(|_| anyhow::anyhow!("--timeout-s {}: expected seconds > 0", args.timeout_s))
        .exit_code(exit_codes::CONFIG)?;
    let options = Options {
        start: Some("living room".into()),
        speed: args.speed,
        timeout,
        out_dir: args.out.clone(),
        ..Options::new(COMMANDS.iter().map(|(_, text)| Spoken::Say((*text).into())))
    };
    let bar = ProgressBar::new(COMMANDS.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message("starting the assistant (loading models)");
    bar.enable_steady_tick(Duration::from_millis(200));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .exit_code(exit_codes::FAILURE)?;
    let outcome = runtime.block_on(scenario::run_with_progress(
        options,
        |progress| match progress {
            Progress::Ready => bar.set_message("ready"),
            Progress::Playing(index) => {
                bar.set_position(index as u64);
                if let Some((_, text)) = COMMANDS.get(index) {
                    bar.set_message(format!("\"{text}\""));
                }
            }
            Progress::Done => bar.set_position(COMMANDS.len() as u64),
        },
    ));
    bar.finish_and_clear();
    let scenario_report = outcome.map_err(|error| Failure {
        code: error.exit_code(),
        error: error.into(),
    })?;
    let mut report = build_report(&scenario_report, &args.out);
    report.git_sha = git_sha();
    let png = args.out.join("latency.png");
    let drawn = plot(&report.commands, &png, true).or_else(|with_text| {
        tracing::warn!(error = %with_text, "histogram without text");
        plot(&report.commands, &png, false)
    });
    match drawn {
        Ok(()) => report.histogram_png = Some(png.display().to_string()),
        Err(error) => tracing::warn!(path = %png.display(), error = %error, "no histogram"),
    }
    print_table(&report);
    if args.json {
        let json = serde_json::to_string(&report)
            .context("serialising the figures")
            .exit_code(exit_codes::BENCH)?;
        println!("{json}");
    }
    if !report.settled {
        return Err(Failure {
            code: exit_codes::BENCH,
            error: anyhow::anyhow!("the run did not settle: {}", report.pending.join("; ")),
        });
    }
    Ok(exit_codes::OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(values: [Option<f64>; 4]) -> Row {
        Row {
            kind: "navigate",
            command: "go",
            transcript: None,
            to_transcript: values[0],
            to_task: values[1],
            to_first_cmd_vel: values[2],
            to_reply_audio: values[3],
            recognition_ms: Some(300.0),
        }
    }

    #[test]
    fn nearest_rank_percentiles() {
        let values: Vec<f64> = (1..=20).map(f64::from).collect();
        assert_eq!(percentile(&values, 0.5), Some(10.0));
        assert_eq!(percentile(&values, 0.95), Some(19.0));
        assert_eq!(percentile(&[3.0], 0.95), Some(3.0));
        assert_eq!(percentile(&[], 0.5), None);
    }

    #[test]
    fn stages_budgets_and_the_reference_follow_the_timings() {
        let rows = vec![
            row([Some(400.0), Some(450.0), Some(500.0), Some(700.0)]),
            row([Some(400.0), Some(460.0), None, Some(720.0)]),
        ];
        let stages = stages(&rows);
        assert_eq!(stages.transcript, Some(400.0));
        assert_eq!(stages.brain, Some(50.0));
        assert_eq!(stages.planner_start, Some(50.0));
        assert_eq!(stages.speech_start, Some(300.0));
        let budget = &budgets(&stages)[0];
        assert_eq!(budget.budget, "first_cmd_vel");
        assert_eq!(budget.total_pct, 83.3);

        let ours = percentiles(&rows);
        let reference_rows: Vec<Row> = rows.iter().map(Row::in_reference).collect();
        let reference = percentiles(&reference_rows);
        assert_eq!(ours.samples["to_first_cmd_vel"], 1);
        // 1 s of silence, then 300 ms of recognition; the brain's 50 ms follow.
        assert_eq!(reference.p50_ms["to_transcript"], 1300.0);
        assert_eq!(reference.p50_ms["to_task"], 1350.0);
        let targets = targets(&ours, &reference);
        assert!(targets[0].met && !targets[0].reference_met);
        assert!(targets[2].met);
    }
}
