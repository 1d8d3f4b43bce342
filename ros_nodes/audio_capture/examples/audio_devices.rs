//! `embodied audio devices` without the `embodied` command: lists the audio input devices.
//! `cargo run -p audio_capture --example audio_devices`

use std::process::ExitCode;

use audio_capture::cli::{Command, DevicesArgs, run};

fn main() -> ExitCode {
    match run(&Command::Devices(DevicesArgs {}), &mut std::io::stdout()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(error.exit_code())
        }
    }
}
