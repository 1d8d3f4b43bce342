fn main() -> std::process::ExitCode {
    embodied_app::nodes::asr_node::main()
}
