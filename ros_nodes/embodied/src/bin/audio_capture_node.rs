fn main() -> std::process::ExitCode {
    embodied_app::nodes::audio_capture_node::main()
}
