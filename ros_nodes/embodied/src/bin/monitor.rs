fn main() -> std::process::ExitCode {
    embodied_app::nodes::monitor::main()
}
