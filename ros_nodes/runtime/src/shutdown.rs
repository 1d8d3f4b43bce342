//! Shutdown signalling, after mini-redis: `main` owns a [`ShutdownTrigger`], every task gets a
//! [`Shutdown`] and selects on [`Shutdown::recv`]; tests trigger it directly.

use tokio::sync::watch;

/// The sending side: fires once, every [`Shutdown`] sees it, including those subscribed later.
#[derive(Debug, Clone)]
pub struct ShutdownTrigger {
    sender: std::sync::Arc<watch::Sender<bool>>,
}

/// The receiving side handed to node `run` functions and tasks.
#[derive(Debug, Clone)]
pub struct Shutdown {
    receiver: watch::Receiver<bool>,
}

/// What ended the process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopSignal {
    /// SIGINT (Ctrl-C).
    Interrupt,
    /// SIGTERM (`kill`, launchers).
    Terminate,
}

impl Default for ShutdownTrigger {
    fn default() -> Self {
        Self::new()
    }
}

impl ShutdownTrigger {
    /// A trigger that has not fired.
    pub fn new() -> Self {
        let (sender, _) = watch::channel(false);
        Self {
            sender: std::sync::Arc::new(sender),
        }
    }

    /// A receiver for one task.
    pub fn subscribe(&self) -> Shutdown {
        Shutdown {
            receiver: self.sender.subscribe(),
        }
    }

    /// Announces shutdown to every receiver.
    pub fn trigger(&self) {
        self.sender.send_replace(true);
    }

    /// Whether shutdown was announced.
    pub fn is_triggered(&self) -> bool {
        *self.sender.borrow()
    }

    /// Spawns a task that fires this trigger on SIGINT or SIGTERM.
    ///
    /// # Errors
    /// The I/O error when the signal handlers cannot be installed.
    pub fn on_signals(&self) -> std::io::Result<tokio::task::JoinHandle<StopSignal>> {
        let mut interrupt =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())?;
        let mut terminate =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        let trigger = self.clone();
        Ok(tokio::spawn(async move {
            let signal = tokio::select! {
                _ = interrupt.recv() => StopSignal::Interrupt,
                _ = terminate.recv() => StopSignal::Terminate,
            };
            tracing::info!(?signal, "shutting down");
            trigger.trigger();
            signal
        }))
    }
}

impl Shutdown {
    /// Whether shutdown was announced.
    pub fn is_shutdown(&self) -> bool {
        *self.receiver.borrow()
    }

    /// Waits until shutdown is announced (at once if it already was). Also returns when the
    /// trigger is dropped, since nothing can then keep the process alive on purpose.
    pub async fn recv(&mut self) {
        // `wait_for` errs only when the sender is gone, which also means "stop".
        let _ = self.receiver.wait_for(|stopped| *stopped).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_receiver_sees_the_trigger_even_late_ones() {
        let trigger = ShutdownTrigger::new();
        let mut early = trigger.subscribe();
        assert!(!early.is_shutdown());
        let waiter = tokio::spawn(async move {
            early.recv().await;
            true
        });
        trigger.trigger();
        assert!(waiter.await.unwrap());
        let mut late = trigger.subscribe();
        assert!(late.is_shutdown());
        tokio::time::timeout(std::time::Duration::from_secs(1), late.recv())
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn dropping_the_trigger_releases_receivers() {
        let trigger = ShutdownTrigger::new();
        let mut receiver = trigger.subscribe();
        drop(trigger);
        tokio::time::timeout(std::time::Duration::from_secs(1), receiver.recv())
            .await
            .unwrap();
    }
}
