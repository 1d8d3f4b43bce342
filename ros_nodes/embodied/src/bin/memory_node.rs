fn main() -> std::process::ExitCode {
    embodied_app::nodes::memory_node::main()
}
