//! Supervising real child processes: prefixed output, exit statuses, Ctrl-C forwarding with
//! SIGTERM/SIGKILL escalation, respawn and on_exit="shutdown".
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use embodied_launch::{
    ExitOutcome, LaunchPlan, OutputMode, OutputSinks, ProcessPlan, Respawn, never, run,
};

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Capture {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

struct Captured {
    stdout: Capture,
    stderr: Capture,
    log: Capture,
}

fn sinks(with_log: bool) -> (OutputSinks, Captured) {
    let captured = Captured {
        stdout: Capture::default(),
        stderr: Capture::default(),
        log: Capture::default(),
    };
    let sinks = OutputSinks {
        stdout: Box::new(captured.stdout.clone()),
        stderr: Box::new(captured.stderr.clone()),
        log: with_log.then(|| Box::new(captured.log.clone()) as Box<dyn Write + Send>),
    };
    (sinks, captured)
}

fn shell(name: &str, script: &str) -> ProcessPlan {
    ProcessPlan {
        name: name.to_owned(),
        cmd: vec!["/bin/sh".into(), "-c".into(), script.into()],
        env: [("PATH".to_owned(), "/usr/bin:/bin".to_owned())]
            .into_iter()
            .collect(),
        cwd: None,
        output: OutputMode::Screen,
        respawn: None,
        shutdown_on_exit: false,
        sigterm_timeout: Duration::from_secs(5),
        sigkill_timeout: Duration::from_secs(5),
    }
}

/// Resolves once `capture` shows `marker`: the child has installed its signal handlers.
async fn when_printed(capture: Capture, marker: &'static str) {
    while !capture.text().contains(marker) {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn plan(processes: Vec<ProcessPlan>) -> LaunchPlan {
    LaunchPlan {
        processes,
        base_env: BTreeMap::new(),
    }
}

fn outcome_of<'a>(report: &'a embodied_launch::RunReport, name: &str) -> &'a ExitOutcome {
    &report
        .exits
        .iter()
        .find(|e| e.name == name)
        .unwrap()
        .outcome
}

#[tokio::test]
async fn output_is_prefixed_per_stream_and_failures_reported() {
    let (sinks, captured) = sinks(false);
    let processes = vec![
        shell(
            "fails-1",
            "echo out; echo err >&2; printf 'no newline'; exit 3",
        ),
        shell("ok-2", "echo \"$GREETING\""),
    ];
    let mut processes = processes;
    processes[1]
        .env
        .insert("GREETING".into(), "hello from env".into());
    let report = run(&plan(processes), sinks, never()).await.unwrap();
    let stdout = captured.stdout.text();
    assert!(stdout.contains("[fails-1] out\n"), "{stdout}");
    assert!(stdout.contains("[fails-1] no newline\n"), "{stdout}");
    assert!(stdout.contains("[ok-2] hello from env\n"), "{stdout}");
    assert_eq!(captured.stderr.text(), "[fails-1] err\n");
    assert_eq!(outcome_of(&report, "fails-1"), &ExitOutcome::Code(3));
    assert_eq!(outcome_of(&report, "ok-2"), &ExitOutcome::Code(0));
    assert_eq!(report.first_failure().unwrap().name, "fails-1");
}

#[tokio::test]
async fn log_output_goes_to_the_log_and_stderr_also_to_screen() {
    let (sinks, captured) = sinks(true);
    let mut process = shell("quiet-1", "echo to-log; echo to-both >&2");
    process.output = OutputMode::Log;
    run(&plan(vec![process]), sinks, never()).await.unwrap();
    assert_eq!(captured.stdout.text(), "");
    assert_eq!(captured.stderr.text(), "[quiet-1] to-both\n");
    let log = captured.log.text();
    assert!(
        log.contains("[quiet-1] to-log\n") && log.contains("[quiet-1] to-both\n"),
        "{log}"
    );
}

#[tokio::test]
async fn shutdown_forwards_sigint() {
    let (sinks, captured) = sinks(false);
    let process = shell(
        "node-1",
        "trap 'echo got-sigint; exit 0' INT; echo ready; while true; do sleep 0.05; done",
    );
    let ready = when_printed(captured.stdout.clone(), "[node-1] ready");
    let report = run(&plan(vec![process]), sinks, ready).await.unwrap();
    assert_eq!(outcome_of(&report, "node-1"), &ExitOutcome::Stopped);
    assert!(
        captured.stdout.text().contains("[node-1] got-sigint"),
        "{}",
        captured.stdout.text()
    );
    assert!(report.first_failure().is_none());
}

#[tokio::test]
async fn stubborn_process_is_escalated_to_sigkill() {
    let (sinks, captured) = sinks(false);
    let mut process = shell(
        "stubborn-1",
        "trap '' INT TERM; echo ready; while true; do sleep 0.05; done",
    );
    process.sigterm_timeout = Duration::from_millis(150);
    process.sigkill_timeout = Duration::from_millis(150);
    let started = std::time::Instant::now();
    let ready = when_printed(captured.stdout.clone(), "[stubborn-1] ready");
    let report = run(&plan(vec![process]), sinks, ready).await.unwrap();
    assert_eq!(outcome_of(&report, "stubborn-1"), &ExitOutcome::Killed);
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(report.first_failure().is_some());
}

#[tokio::test]
async fn respawn_until_retries_run_out() {
    let (sinks, captured) = sinks(false);
    let mut process = shell("flaky-1", "echo run; exit 1");
    process.respawn = Some(Respawn {
        delay: Duration::from_millis(10),
        max_retries: Some(2),
    });
    let report = run(&plan(vec![process]), sinks, never()).await.unwrap();
    assert_eq!(captured.stdout.text().matches("[flaky-1] run").count(), 3);
    assert_eq!(outcome_of(&report, "flaky-1"), &ExitOutcome::Code(1));
}

#[tokio::test]
async fn on_exit_shutdown_stops_the_others() {
    let (sinks, _captured) = sinks(false);
    let mut leader = shell("leader-1", "sleep 0.2; exit 0");
    leader.shutdown_on_exit = true;
    let follower = shell(
        "follower-2",
        "trap 'exit 0' INT; while true; do sleep 0.05; done",
    );
    let report = run(&plan(vec![leader, follower]), sinks, never())
        .await
        .unwrap();
    assert_eq!(outcome_of(&report, "leader-1"), &ExitOutcome::Code(0));
    assert_eq!(outcome_of(&report, "follower-2"), &ExitOutcome::Stopped);
}

#[tokio::test]
async fn a_process_that_cannot_start_shuts_the_launch_down() {
    let (sinks, _captured) = sinks(false);
    let mut missing = shell("missing-1", "");
    missing.cmd = vec!["/nonexistent/program".into()];
    let other = shell(
        "other-2",
        "trap 'exit 0' INT; while true; do sleep 0.05; done",
    );
    let report = run(&plan(vec![missing, other]), sinks, never())
        .await
        .unwrap();
    assert!(matches!(
        outcome_of(&report, "missing-1"),
        ExitOutcome::SpawnFailed(_)
    ));
    assert_eq!(outcome_of(&report, "other-2"), &ExitOutcome::Stopped);
}
