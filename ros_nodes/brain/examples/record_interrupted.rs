//! `cargo run -p brain --example record_interrupted -- KIND WORK OUT WALL_S`: writes
//! training.json and loss.png for a `train_assistant` run stopped after a checkpoint (the
//! built-in plan), so the report and eval can use its exported weights.
use std::path::PathBuf;

use anyhow::Context;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [kind, work, out, wall_s] = args.as_slice() else {
        anyhow::bail!("usage: record_interrupted mcsd|transformer WORK OUT WALL_S");
    };
    let kind = match kind.as_str() {
        "mcsd" => mcsd::checkpoint::ModelKind::Mcsd,
        "transformer" => mcsd::checkpoint::ModelKind::Transformer,
        other => anyhow::bail!("unknown kind {other}"),
    };
    let wall_s: f64 = wall_s.parse().context("WALL_S")?;
    let record = brain::train::record_interrupted_run(
        &PathBuf::from("."),
        &brain::train::TrainPlan::default(),
        kind,
        &PathBuf::from(work),
        &PathBuf::from(out),
        wall_s,
    )?;
    println!(
        "{} at step {}: held-out loss {:.4}",
        record.kind, record.steps, record.final_heldout_loss
    );
    Ok(())
}
