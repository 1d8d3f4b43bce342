//! The ROS side of the package (package.xml, CMakeLists.txt) stays consistent with the
//! interface files and the crate.
#![allow(clippy::unwrap_used)] // test code: a panic is a test failure

use std::collections::BTreeSet;
use std::path::Path;

use embodied_msgs_codegen::{BaseType, parse_package_dir};

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn cmake_lists_every_interface_file() {
    let cmake = std::fs::read_to_string(manifest_dir().join("CMakeLists.txt")).unwrap();
    let start = cmake.find("rosidl_generate_interfaces(").unwrap();
    let block = &cmake[start..start + cmake[start..].find(')').unwrap()];
    let listed: BTreeSet<String> = block
        .split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    let on_disk: BTreeSet<String> = parse_package_dir("embodied_msgs", manifest_dir())
        .unwrap()
        .iter()
        .map(|f| format!("{}/{}.{}", f.kind, f.name, f.kind))
        .collect();
    assert_eq!(listed, on_disk);
}

#[test]
fn package_xml_matches_crate_and_dependencies() {
    let text = std::fs::read_to_string(manifest_dir().join("package.xml")).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    let root = doc.root_element();
    assert_eq!(root.attribute("format"), Some("3"));
    let texts = |tag: &str| -> BTreeSet<String> {
        root.children()
            .filter(|n| n.has_tag_name(tag))
            .filter_map(|n| n.text())
            .map(|t| t.trim().to_string())
            .collect()
    };
    assert_eq!(texts("name"), BTreeSet::from(["embodied_msgs".to_string()]));
    assert_eq!(
        texts("version"),
        BTreeSet::from([env!("CARGO_PKG_VERSION").to_string()])
    );
    assert!(texts("buildtool_depend").contains("rosidl_default_generators"));
    assert!(texts("exec_depend").contains("rosidl_default_runtime"));
    assert!(texts("member_of_group").contains("rosidl_interface_packages"));

    // Every package our interface files refer to is a dependency.
    let depends = texts("depend");
    let files = parse_package_dir("embodied_msgs", manifest_dir()).unwrap();
    for file in &files {
        for spec in &file.messages {
            for field in &spec.fields {
                if let BaseType::Named(r) = &field.ty.base
                    && r.package != "embodied_msgs"
                {
                    assert!(
                        depends.contains(&r.package),
                        "{}: {} needs <depend>{}</depend>",
                        file.file.display(),
                        field.name,
                        r.package
                    );
                }
            }
        }
    }
}
