fn main() -> std::process::ExitCode {
    embodied_app::nodes::speech_out_node::main()
}
