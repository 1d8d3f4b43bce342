//! Starting planned processes and supervising them as `ros2 launch` does: output lines
//! prefixed with `[name]`, SIGINT to every process on shutdown, escalating to SIGTERM and then
//! SIGKILL after each process's timeouts, `respawn`, and `on_exit="shutdown"`.

use std::future::Future;
use std::io::Write;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::{Arc, Mutex};

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::error::{Error, Result};
use crate::plan::{LaunchPlan, OutputMode, ProcessPlan};

/// Where prefixed output goes.
pub struct OutputSinks {
    /// Lines from children's stdout shown on screen.
    pub stdout: Box<dyn Write + Send>,
    /// Lines from children's stderr shown on screen.
    pub stderr: Box<dyn Write + Send>,
    /// The launch log file; `None` sends log-only output to the screen instead of losing it.
    pub log: Option<Box<dyn Write + Send>>,
}

impl OutputSinks {
    /// The launcher's own stdout/stderr, and an optional log file.
    ///
    /// # Errors
    /// The log file cannot be created.
    pub fn terminal(log_file: Option<PathBuf>) -> Result<Self> {
        let log = match log_file {
            None => None,
            Some(path) => {
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir).map_err(|source| Error::LogFile {
                        path: path.clone(),
                        source,
                    })?;
                }
                let file = std::fs::File::create(&path).map_err(|source| Error::LogFile {
                    path: path.clone(),
                    source,
                })?;
                Some(Box::new(std::io::LineWriter::new(file)) as Box<dyn Write + Send>)
            }
        };
        Ok(Self {
            stdout: Box::new(std::io::stdout()),
            stderr: Box::new(std::io::stderr()),
            log,
        })
    }
}

/// How a process ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExitOutcome {
    /// Exited with this code.
    Code(i32),
    /// Killed by this signal number (not one the launcher sent while shutting down).
    Signal(i32),
    /// Stopped by the launcher's shutdown (SIGINT/SIGTERM it forwarded).
    Stopped,
    /// Did not stop within the timeouts and was killed with SIGKILL.
    Killed,
    /// Could not be started.
    SpawnFailed(String),
}

impl ExitOutcome {
    /// A clean end: exit code 0 or stopped by the launcher.
    pub fn is_success(&self) -> bool {
        matches!(self, Self::Code(0) | Self::Stopped)
    }
}

/// The final outcome of each process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessExit {
    /// The process label (`name-n`).
    pub name: String,
    /// How it ended (its last run, if respawned).
    pub outcome: ExitOutcome,
}

/// What happened to every process.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunReport {
    /// One entry per planned process, in the order they ended.
    pub exits: Vec<ProcessExit>,
}

impl RunReport {
    /// The first process that did not end cleanly.
    pub fn first_failure(&self) -> Option<&ProcessExit> {
        self.exits.iter().find(|e| !e.outcome.is_success())
    }
}

type SharedSinks = Arc<Mutex<OutputSinks>>;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Stream {
    Stdout,
    Stderr,
}

fn emit(sinks: &SharedSinks, name: &str, stream: Stream, mode: OutputMode, line: &str) {
    let Ok(mut sinks) = sinks.lock() else { return };
    let (screen, log) = match (mode, stream) {
        (OutputMode::Screen, _) => (true, false),
        (OutputMode::Log, Stream::Stdout) | (OutputMode::OwnLog, _) => (false, true),
        (OutputMode::Log, Stream::Stderr) | (OutputMode::Both, _) => (true, true),
    };
    let screen = screen || (log && sinks.log.is_none());
    let text = format!("[{name}] {line}\n");
    // A closed terminal or full disk must not stop supervision; the line is dropped.
    if screen {
        let sink = match stream {
            Stream::Stdout => &mut sinks.stdout,
            Stream::Stderr => &mut sinks.stderr,
        };
        let _ = sink.write_all(text.as_bytes()).and_then(|()| sink.flush());
    }
    if log && let Some(sink) = sinks.log.as_mut() {
        let _ = sink.write_all(text.as_bytes());
    }
}

async fn pump(
    reader: impl AsyncRead + Unpin,
    sinks: SharedSinks,
    name: String,
    stream: Stream,
    mode: OutputMode,
) {
    let mut reader = BufReader::new(reader);
    let mut buffer = Vec::new();
    loop {
        buffer.clear();
        match reader.read_until(b'\n', &mut buffer).await {
            Ok(0) | Err(_) => break,
            Ok(_) => {
                let line = String::from_utf8_lossy(&buffer);
                emit(
                    &sinks,
                    &name,
                    stream,
                    mode,
                    line.trim_end_matches(['\n', '\r']),
                );
            }
        }
    }
}

fn signal_group(child: &Child, signal: Signal) {
    if let Some(pid) = child.id().and_then(|id| i32::try_from(id).ok()) {
        // The child leads its own process group, so its descendants get the signal too.
        let _ = killpg(Pid::from_raw(pid), signal);
    }
}

fn spawn(
    plan: &ProcessPlan,
    sinks: &SharedSinks,
) -> std::io::Result<(Child, Vec<tokio::task::JoinHandle<()>>)> {
    let mut command = Command::new(&plan.cmd[0]);
    command
        .args(&plan.cmd[1..])
        .env_clear()
        .envs(&plan.env)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Own process group: a terminal Ctrl-C reaches only the launcher, which forwards it
        // once (children would otherwise get SIGINT twice).
        .process_group(0)
        .kill_on_drop(true);
    if let Some(cwd) = &plan.cwd {
        command.current_dir(cwd);
    }
    let mut child = command.spawn()?;
    let mut pumps = Vec::new();
    if let Some(stdout) = child.stdout.take() {
        pumps.push(tokio::spawn(pump(
            stdout,
            sinks.clone(),
            plan.name.clone(),
            Stream::Stdout,
            plan.output,
        )));
    }
    if let Some(stderr) = child.stderr.take() {
        pumps.push(tokio::spawn(pump(
            stderr,
            sinks.clone(),
            plan.name.clone(),
            Stream::Stderr,
            plan.output,
        )));
    }
    Ok((child, pumps))
}

/// SIGINT, then SIGTERM after `sigterm_timeout`, then SIGKILL after `sigkill_timeout`.
async fn stop(child: &mut Child, plan: &ProcessPlan) -> std::io::Result<ExitOutcome> {
    signal_group(child, Signal::SIGINT);
    if let Ok(status) = tokio::time::timeout(plan.sigterm_timeout, child.wait()).await {
        return status.map(|s| outcome_after_stop(&s));
    }
    tracing::warn!(process = %plan.name, "still running after SIGINT, sending SIGTERM");
    signal_group(child, Signal::SIGTERM);
    if let Ok(status) = tokio::time::timeout(plan.sigkill_timeout, child.wait()).await {
        return status.map(|s| outcome_after_stop(&s));
    }
    tracing::error!(process = %plan.name, "still running after SIGTERM, sending SIGKILL");
    signal_group(child, Signal::SIGKILL);
    child.wait().await?;
    Ok(ExitOutcome::Killed)
}

fn outcome(status: &std::process::ExitStatus) -> ExitOutcome {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => ExitOutcome::Code(code),
        (None, Some(signal)) => ExitOutcome::Signal(signal),
        (None, None) => ExitOutcome::Code(-1),
    }
}

fn outcome_after_stop(status: &std::process::ExitStatus) -> ExitOutcome {
    match outcome(status) {
        ExitOutcome::Signal(_) => ExitOutcome::Stopped,
        // Nodes that handle SIGINT exit 0; conventional 130/143 also mean "stopped as asked".
        ExitOutcome::Code(0 | 130 | 143) => ExitOutcome::Stopped,
        other => other,
    }
}

/// Completes once shutdown has been requested.
async fn stop_requested(stopping: &mut watch::Receiver<bool>) {
    if stopping.wait_for(|stop| *stop).await.is_err() {
        // Every sender is gone: nobody can ask for a stop any more.
        std::future::pending::<()>().await;
    }
}

async fn supervise(
    plan: ProcessPlan,
    sinks: SharedSinks,
    mut stopping: watch::Receiver<bool>,
    shutdown: watch::Sender<bool>,
) -> ProcessExit {
    let mut restarts: u32 = 0;
    let outcome = loop {
        if *stopping.borrow() {
            break ExitOutcome::Stopped;
        }
        let (mut child, pumps) = match spawn(&plan, &sinks) {
            Ok(spawned) => spawned,
            Err(error) => {
                tracing::error!(process = %plan.name, program = %plan.cmd[0], %error, "cannot start process");
                let _ = shutdown.send(true);
                break ExitOutcome::SpawnFailed(error.to_string());
            }
        };
        let pid = child.id().unwrap_or_default();
        tracing::info!(process = %plan.name, pid, "process started");
        let result = tokio::select! {
            status = child.wait() => status.map(|s| outcome(&s)),
            () = stop_requested(&mut stopping) => stop(&mut child, &plan).await,
        };
        for pump in pumps {
            let _ = pump.await;
        }
        let outcome = result.unwrap_or_else(|error| ExitOutcome::SpawnFailed(error.to_string()));
        match &outcome {
            ExitOutcome::Code(0) => {
                tracing::info!(process = %plan.name, pid, "process has finished cleanly")
            }
            ExitOutcome::Stopped => tracing::info!(process = %plan.name, pid, "process stopped"),
            other => {
                tracing::error!(process = %plan.name, pid, outcome = ?other, cmd = %plan.cmd.join(" "), "process has died")
            }
        }
        let shutting_down = *stopping.borrow();
        match plan.respawn {
            Some(respawn)
                if !shutting_down && respawn.max_retries.is_none_or(|max| restarts < max) =>
            {
                restarts += 1;
                tracing::info!(process = %plan.name, delay = ?respawn.delay, restarts, "respawning");
                tokio::select! {
                    () = tokio::time::sleep(respawn.delay) => continue,
                    () = stop_requested(&mut stopping) => break outcome,
                }
            }
            _ => break outcome,
        }
    };
    if plan.shutdown_on_exit {
        tracing::info!(process = %plan.name, "on_exit=shutdown: shutting down the launch");
        let _ = shutdown.send(true);
    }
    ProcessExit {
        name: plan.name,
        outcome,
    }
}

/// Starts every planned process and waits until all have ended.
///
/// When `shutdown` completes (e.g. on Ctrl-C), every process gets SIGINT, then SIGTERM and
/// SIGKILL after its timeouts.
///
/// # Errors
/// A supervision task failed (a bug); a process that cannot start is reported in the
/// [`RunReport`] and shuts the launch down.
pub async fn run(
    plan: &LaunchPlan,
    sinks: OutputSinks,
    shutdown: impl Future<Output = ()>,
) -> Result<RunReport> {
    // A signal ignored here stays ignored in every child across exec: a launcher started as
    // a background job (`cmd &` in a script) has SIGINT ignored, and its processes would never
    // see the SIGINT of a shutdown. A handled signal is reset to its default on exec, so
    // handling both here gives every child the default, whatever this process inherited.
    let _defaults_for_children = interrupt_or_terminate()?;
    let sinks: SharedSinks = Arc::new(Mutex::new(sinks));
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut tasks = JoinSet::new();
    for process in &plan.processes {
        tasks.spawn(supervise(
            process.clone(),
            sinks.clone(),
            stop_rx.clone(),
            stop_tx.clone(),
        ));
    }
    let mut report = RunReport::default();
    let shutdown = std::pin::pin!(shutdown);
    let mut shutdown = Some(shutdown);
    loop {
        let next = match shutdown.as_mut() {
            Some(signal) => tokio::select! {
                () = signal.as_mut() => {
                    tracing::info!("shutting down: forwarding SIGINT to every process");
                    let _ = stop_tx.send(true);
                    shutdown = None;
                    continue;
                }
                next = tasks.join_next() => next,
            },
            None => tasks.join_next().await,
        };
        match next {
            None => break,
            Some(Ok(exit)) => report.exits.push(exit),
            Some(Err(join)) => {
                return Err(Error::Supervise {
                    source: std::io::Error::other(join.to_string()),
                });
            }
        }
    }
    Ok(report)
}

/// Completes on the first SIGINT or SIGTERM sent to the launcher.
///
/// # Errors
/// The signal handlers cannot be installed.
pub fn interrupt_or_terminate() -> Result<impl Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt =
        signal(SignalKind::interrupt()).map_err(|source| Error::Supervise { source })?;
    let mut terminate =
        signal(SignalKind::terminate()).map_err(|source| Error::Supervise { source })?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
    })
}

/// A shutdown that never comes: run until every process has ended by itself.
pub fn never() -> impl Future<Output = ()> {
    std::future::pending()
}
