//! Binds the simulator's logic to its topics and services, and paces it against the wall
//! clock (`real_time_factor`, or as fast as possible).

use std::path::Path;
use std::time::Duration;

use embodied_msgs::nav_msgs::msg::Odometry;
use embodied_msgs::topics::{self, Qos};
use embodied_runtime::{NodeIo, Publisher, Shutdown};
use futures::StreamExt;
use tokio::time::Instant;
use tracing::{info, warn};

use crate::logic::{Input, Logic, Output};
use crate::record::{Entry, Recorder};
use crate::{Error, GROUND_TRUTH_TOPIC, Params, Simulator, WorldModel};

/// How far behind the wall clock the simulation may fall before it stops catching up (and
/// runs slower than asked instead of bursting).
const MAX_LAG: Duration = Duration::from_millis(250);

struct Publishers {
    clock: Publisher<embodied_msgs::rosgraph_msgs::msg::Clock>,
    odom: Publisher<Odometry>,
    tf: Publisher<embodied_msgs::tf2_msgs::msg::TFMessage>,
    ground_truth: Publisher<Odometry>,
    scan: Publisher<embodied_msgs::sensor_msgs::msg::LaserScan>,
    battery: Publisher<embodied_msgs::sensor_msgs::msg::BatteryState>,
    objects: Publisher<embodied_msgs::msg::SceneObjects>,
}

impl Publishers {
    fn new(io: &mut NodeIo) -> Result<Self, Error> {
        Ok(Self {
            clock: io.publisher(&topics::CLOCK)?,
            odom: io.publisher(&topics::ODOM)?,
            tf: io.publisher(&topics::TF)?,
            // Reliable: tests and benchmarks judge runs by it.
            ground_truth: io.publisher_on(GROUND_TRUTH_TOPIC, &Qos::reliable(10))?,
            scan: io.publisher(&topics::SCAN)?,
            battery: io.publisher(&topics::BATTERY_STATE)?,
            objects: io.publisher(&topics::PERCEPTION_OBJECTS)?,
        })
    }

    async fn publish(
        &self,
        outputs: Vec<Output>,
        recorder: &mut Option<Recorder>,
    ) -> Result<(), Error> {
        for output in outputs {
            match output {
                Output::Clock(m) => self.clock.publish(m).await?,
                Output::Odom(m) => self.odom.publish(m).await?,
                Output::Tf(m) => self.tf.publish(m).await?,
                Output::GroundTruth(m) => self.ground_truth.publish(m).await?,
                Output::Scan(m) => self.scan.publish(m).await?,
                Output::Battery(m) => self.battery.publish(m).await?,
                Output::Objects(m) => self.objects.publish(m).await?,
                Output::Record(entry) => record(recorder, &entry),
            }
        }
        Ok(())
    }
}

/// Writes a run-file line; a failing run file is reported once and then closed, the
/// simulation goes on.
fn record(recorder: &mut Option<Recorder>, entry: &Entry) {
    if let Some(writer) = recorder
        && let Err(error) = writer.write(entry)
    {
        warn!(%error, "run file closed after a write error");
        *recorder = None;
    }
}

/// Runs the simulator of `world` until `shutdown` fires: publishes `/clock`, `/odom`, `/tf`,
/// `/tf_static`, `/scan`, `/sim/ground_truth`, `/battery_state` and `/perception/objects`,
/// follows `/cmd_vel` and serves the gripper's grasp and release services.
///
/// # Errors
/// [`Error::RobotInCollision`] at start; [`Error::Transport`] when an endpoint cannot be
/// created or a message cannot be sent; [`Error::RunFile`] when the run file cannot be created.
pub async fn run(
    io: &mut NodeIo,
    params: Params,
    world: WorldModel,
    mut shutdown: Shutdown,
) -> Result<(), Error> {
    let (world_sdf, semantic_map) = (world.source.clone(), world.semantic_map.clone());
    let mut logic = Logic::new(Simulator::new(world, &params)?, &params);
    let publishers = Publishers::new(io)?;
    let tf_static = io.publisher(&topics::TF_STATIC)?;
    let mut commands = io.subscription(&topics::CMD_VEL)?;
    let mut grasps = io.service_server(&topics::GRIPPER_GRASP)?;
    let mut releases = io.service_server(&topics::GRIPPER_RELEASE)?;
    let mut recorder = if params.record_path.is_empty() {
        None
    } else {
        let mut recorder = Recorder::create(Path::new(&params.record_path))?;
        recorder.write(&Entry::Start {
            world_sdf: world_sdf.clone(),
            semantic_map,
            seed: params.seed,
        })?;
        Some(recorder)
    };

    tf_static.publish(logic.static_transforms()).await?;
    publishers.publish(logic.start(), &mut recorder).await?;
    let period = (params.real_time_factor > 0.0)
        .then(|| params.physics_step().div_f64(params.real_time_factor));
    info!(
        node = %io.fully_qualified_name(),
        world = %world_sdf,
        real_time_factor = params.real_time_factor,
        physics_rate_hz = params.physics_rate_hz,
        "simulating"
    );
    let mut next_step = Instant::now();
    loop {
        tokio::select! {
            biased;
            () = shutdown.recv() => break,
            Some(twist) = commands.next() => {
                logic.handle(Input::Command(twist));
                continue;
            }
            Some((request, pending)) = grasps.next_request() => {
                let (response, entry) = logic.grasp(&request);
                info!(object = %request.object, success = response.success, message = %response.message, "grasp");
                record(&mut recorder, &entry);
                grasps.respond(pending, response).await?;
                continue;
            }
            Some((request, pending)) = releases.next_request() => {
                let (response, entry) = logic.release(&request);
                info!(object = %request.object, success = response.success, message = %response.message, "release");
                record(&mut recorder, &entry);
                releases.respond(pending, response).await?;
                continue;
            }
            () = tokio::time::sleep_until(next_step), if period.is_some() => {}
            () = std::future::ready(()), if period.is_none() => {}
        }
        publishers.publish(logic.tick(), &mut recorder).await?;
        match period {
            Some(period) => {
                next_step += period;
                let now = Instant::now();
                if now > next_step + MAX_LAG {
                    warn!(
                        behind_ms = (now - next_step).as_millis(),
                        "simulation slower than real_time_factor; dropping the backlog"
                    );
                    next_step = now;
                }
            }
            // As fast as possible, but let subscribers and the transport run between steps.
            None => tokio::task::yield_now().await,
        }
    }
    if let Some(mut recorder) = recorder
        && let Err(error) = recorder.flush()
    {
        warn!(%error, "run file incomplete");
    }
    info!(
        sim_time_s = logic.simulator().time().as_secs_f64(),
        "simulator stopped"
    );
    Ok(())
}
