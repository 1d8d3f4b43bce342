//! Helpers shared by the DDS and in-memory integration tests.

use std::future::Future;
use std::io::Write;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context as _, ensure};
use embodied_msgs::topics::Qos;
use embodied_msgs::{MessageVisitor, RosMessage};
use embodied_runtime::{NodeIo, Publisher, Subscriber};
use futures::StreamExt;

pub const MATCH_TIMEOUT: Duration = Duration::from_secs(15);
pub const RECEIVE_TIMEOUT: Duration = Duration::from_secs(10);

pub fn golden_value<M: RosMessage>() -> anyhow::Result<M> {
    Ok(embodied_msgs::golden::golden_sample::<M>()?)
}

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

/// One type's round trip, type-erased so every type can run in one loop.
pub trait RoundTrip {
    fn type_name(&self) -> String;
    fn run<'a>(
        &'a mut self,
        sender: &'a NodeIo,
        receiver: &'a NodeIo,
    ) -> BoxFuture<'a, anyhow::Result<()>>;
}

pub struct TypedRoundTrip<M: RosMessage> {
    publisher: Publisher<M>,
    subscriber: Subscriber<M>,
    sample: M,
}

impl<M: RosMessage> RoundTrip for TypedRoundTrip<M> {
    fn type_name(&self) -> String {
        M::type_name()
    }

    fn run<'a>(
        &'a mut self,
        sender: &'a NodeIo,
        receiver: &'a NodeIo,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        Box::pin(async move {
            self.publisher
                .wait_for_subscription(sender, MATCH_TIMEOUT)
                .await?;
            self.subscriber
                .wait_for_publisher(receiver, MATCH_TIMEOUT)
                .await?;
            self.publisher.publish(self.sample.clone()).await?;
            let received = tokio::time::timeout(RECEIVE_TIMEOUT, self.subscriber.next())
                .await
                .with_context(|| format!("nothing received on {}", self.subscriber.topic()))?
                .context("subscription stream ended")?;
            ensure!(
                received == self.sample,
                "{}: received {received:?}, sent {:?}",
                M::type_name(),
                self.sample
            );
            Ok(())
        })
    }
}

pub struct RoundTripBuilder<'a> {
    pub sender: &'a mut NodeIo,
    pub receiver: &'a mut NodeIo,
    pub trips: Vec<Box<dyn RoundTrip>>,
    pub errors: Vec<String>,
}

impl MessageVisitor for RoundTripBuilder<'_> {
    fn visit<M: RosMessage>(&mut self) {
        let built = (|| -> anyhow::Result<Box<dyn RoundTrip>> {
            let topic = format!("/every_type/{}/{}_{}", M::PACKAGE, M::INTERFACE, M::NAME);
            let qos = Qos::reliable(10);
            Ok(Box::new(TypedRoundTrip::<M> {
                subscriber: self.receiver.subscription_on::<M>(&topic, &qos)?,
                publisher: self.sender.publisher_on::<M>(&topic, &qos)?,
                sample: golden_value::<M>()?,
            }))
        })();
        match built {
            Ok(trip) => self.trips.push(trip),
            Err(e) => self.errors.push(format!("{}: {e:#}", M::type_name())),
        }
    }
}

/// Collects formatted log lines for assertions.
#[derive(Clone, Default)]
pub struct LogCapture(Arc<Mutex<Vec<u8>>>);

impl Write for LogCapture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("log capture poisoned"))?
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl LogCapture {
    pub fn text(&self) -> String {
        self.0
            .lock()
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            .unwrap_or_default()
    }
}

/// Sends the golden value of every message type from `sender` to `receiver` and checks it
/// arrives equal. Returns how many types were checked.
pub async fn round_trip_every_type(
    sender: &mut NodeIo,
    receiver: &mut NodeIo,
) -> anyhow::Result<usize> {
    let mut builder = RoundTripBuilder {
        sender,
        receiver,
        trips: Vec::new(),
        errors: Vec::new(),
    };
    embodied_msgs::visit_all_types(&mut builder);
    let RoundTripBuilder {
        sender,
        receiver,
        mut trips,
        errors,
    } = builder;
    ensure!(errors.is_empty(), "setup failed:\n{}", errors.join("\n"));
    ensure!(trips.len() > 30, "only {} types visited", trips.len());
    let mut failures = Vec::new();
    for trip in &mut trips {
        if let Err(e) = trip.run(sender, receiver).await {
            failures.push(format!("{}: {e:#}", trip.type_name()));
        }
    }
    ensure!(
        failures.is_empty(),
        "{} of {} types failed:\n{}",
        failures.len(),
        trips.len(),
        failures.join("\n")
    );
    Ok(trips.len())
}

/// Captures WARN and above on this thread until the guard drops. Use a current-thread
/// runtime so subscription streams are polled here.
pub fn capture_warnings() -> (LogCapture, tracing::subscriber::DefaultGuard) {
    let capture = LogCapture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::WARN)
        .finish();
    (capture, tracing::subscriber::set_default(subscriber))
}
