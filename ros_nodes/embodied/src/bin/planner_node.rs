fn main() -> std::process::ExitCode {
    embodied_app::nodes::planner_node::main()
}
