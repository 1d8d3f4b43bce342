fn main() -> std::process::ExitCode {
    embodied_app::nodes::sim_node::main()
}
