//! Bad launch files fail with a message naming what is wrong and where (file:line:column).

#![allow(clippy::unwrap_used)]

mod common;

fn error_text(file: &str, arguments: &[(&str, &str)]) -> String {
    let (plan, _) = common::plan_fixture(&format!("errors/{file}"), arguments);
    match plan {
        Ok(plan) => panic!(
            "{file} should fail, planned {} processes",
            plan.processes.len()
        ),
        Err(error) => common::masked(&error.to_string()),
    }
}

#[test]
fn unknown_tag_names_tag_and_position() {
    let text = error_text("unknown_tag.launch.xml", &[]);
    assert!(
        text.starts_with(
            "<fixtures>/errors/unknown_tag.launch.xml:4:5: unsupported tag <node_container>"
        ),
        "{text}"
    );
    assert!(text.contains("supported: arg, let, group"), "{text}");
}

#[test]
fn eval_is_rejected_with_position() {
    let text = error_text("eval.launch.xml", &[]);
    assert!(
        text.starts_with(
            "<fixtures>/errors/eval.launch.xml:2:17: unsupported substitution $(eval ...)"
        ),
        "{text}"
    );
}

#[test]
fn missing_include_names_the_file() {
    let text = error_text("missing_include.launch.xml", &[]);
    assert!(
        text.starts_with("<fixtures>/errors/missing_include.launch.xml:2:3: cannot include"),
        "{text}"
    );
    assert!(
        text.contains("<fixtures>/errors/does_not_exist.launch.xml"),
        "{text}"
    );
}

#[test]
fn missing_required_arguments_are_all_listed() {
    let text = error_text("required_args.launch.xml", &[]);
    assert_eq!(
        text,
        "<fixtures>/errors/required_args.launch.xml:1:1: missing required launch argument(s): \
         `robot` (Robot name), `world` (no description given)"
    );
    let text = error_text("required_args.launch.xml", &[("robot", "r1")]);
    assert!(
        text.ends_with("missing required launch argument(s): `world` (no description given)"),
        "{text}"
    );
}

#[test]
fn include_checks_its_required_arguments() {
    let text = error_text("include_missing_arg.launch.xml", &[]);
    assert_eq!(
        text,
        "<fixtures>/errors/include_missing_arg.launch.xml:2:3: missing required launch argument(s): \
         `world` (no description given)"
    );
}

#[test]
fn let_inside_include_is_rejected() {
    let text = error_text("include_let.launch.xml", &[]);
    assert!(
        text.starts_with(
            "<fixtures>/errors/include_let.launch.xml:3:5: unsupported tag <let> inside <include>"
        ),
        "{text}"
    );
}

#[test]
fn invalid_condition_value() {
    let text = error_text("bad_condition.launch.xml", &[]);
    assert_eq!(
        text,
        "<fixtures>/errors/bad_condition.launch.xml:3:3: condition \"$(var flag)\" evaluated to \
         \"maybe\"; valid values are true, 1, false, 0 (case-insensitive)"
    );
}

#[test]
fn unknown_attribute_is_a_typo_not_ignored() {
    let text = error_text("unknown_attribute.launch.xml", &[]);
    assert!(
        text.starts_with("<fixtures>/errors/unknown_attribute.launch.xml:2:38: unsupported attribute `nmae` on <node>"),
        "{text}"
    );
}

#[test]
fn parameter_type_mismatch() {
    let text = error_text("bad_param.launch.xml", &[]);
    assert_eq!(
        text,
        "<fixtures>/errors/bad_param.launch.xml:3:5: parameter `rate`: value \"fast\" is not an instance of int"
    );
}

#[test]
fn missing_parameter_file() {
    let text = error_text("missing_param_file.launch.xml", &[]);
    assert_eq!(
        text,
        "<fixtures>/errors/missing_param_file.launch.xml:3:5: parameter file <fixtures>/errors/nope.yaml: no such file"
    );
}

#[test]
fn missing_package() {
    let text = error_text("missing_package.launch.xml", &[]);
    assert!(
        text.starts_with(
            "<fixtures>/errors/missing_package.launch.xml:2:3: package 'no_such_pkg' not found"
        ),
        "{text}"
    );
}

#[test]
fn unset_launch_configuration() {
    let text = error_text("unset_var.launch.xml", &[]);
    assert_eq!(
        text,
        "<fixtures>/errors/unset_var.launch.xml:2:3: launch configuration 'never_set' does not exist"
    );
}

#[test]
fn malformed_xml() {
    let text = error_text("malformed.launch.xml", &[]);
    assert!(
        text.starts_with("<fixtures>/errors/malformed.launch.xml: malformed XML"),
        "{text}"
    );
    assert!(text.contains("at 3:1"), "{text}");
}

#[test]
fn argument_choices_are_enforced() {
    let text = error_text("choices.launch.xml", &[("mode", "c")]);
    assert_eq!(
        text,
        "<fixtures>/errors/choices.launch.xml:2:3: argument `mode` has value \"c\", which is not one of [\"a\", \"b\"]"
    );
    let (plan, _) = common::plan_fixture("errors/choices.launch.xml", &[("mode", "b")]);
    assert!(plan.is_ok());
}

#[test]
fn missing_launch_file() {
    let text = error_text("nothing_here.launch.xml", &[]);
    assert!(
        text.starts_with("cannot read launch file <fixtures>/errors/nothing_here.launch.xml"),
        "{text}"
    );
}

#[test]
fn declared_arguments_for_show_args() {
    let args = embodied_launch::declared_arguments(
        std::path::Path::new("errors/choices.launch.xml"),
        &common::fixtures(),
    )
    .unwrap();
    assert_eq!(args.len(), 1);
    assert_eq!(args[0].name, "mode");
    assert_eq!(args[0].default.as_deref(), Some("a"));
    assert_eq!(
        args[0].description,
        "Operating mode. Valid choices are: ['a', 'b']"
    );
}

#[test]
fn list_items_must_match_the_declared_type() {
    let text = error_text("bad_list.launch.xml", &[]);
    assert_eq!(
        text,
        "<fixtures>/errors/bad_list.launch.xml:3:5: parameter `names`: cannot convert value \
         '[a, 'b c', 1]' to a list of 'str'"
    );
}
