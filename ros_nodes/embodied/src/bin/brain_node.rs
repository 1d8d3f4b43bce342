fn main() -> std::process::ExitCode {
    embodied_app::nodes::brain_node::main()
}
