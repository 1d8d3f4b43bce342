//! Progress display for downloads and conversion (indicatif bars on stderr).

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Whether long steps show a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Progress {
    /// Bars on stderr (indicatif draws nothing when stderr is not a terminal).
    #[default]
    Bar,
    /// No output.
    Hidden,
}

impl Progress {
    fn bar(self, total: u64, template: &str, message: &str) -> ProgressBar {
        let bar = match self {
            Self::Bar => ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr()),
            Self::Hidden => ProgressBar::hidden(),
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(message.to_owned());
        bar
    }

    /// A bar counting bytes.
    pub fn bytes_bar(self, total_bytes: u64, message: &str) -> ProgressBar {
        self.bar(
            total_bytes,
            "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
            message,
        )
    }

    /// A bar counting items (tensors).
    pub fn count_bar(self, total: u64, message: &str) -> ProgressBar {
        self.bar(total, "{msg} [{bar:30}] {pos}/{len}", message)
    }
}
