fn main() -> std::process::ExitCode {
    embodied_app::embodied_main()
}
