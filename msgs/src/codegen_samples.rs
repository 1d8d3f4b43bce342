//! Test-only types generated from `tests/interfaces/codegen_test_msgs`, a package that uses
//! every feature of the code generator (all builtin types, every array form, bounded strings,
//! constants, defaults, keyword field names, empty messages, nested and foreign types,
//! services, actions), checked against rosbags' bytes like the real types.

// A test-only mirror that also regenerates the standard types: not every item is used.
#![allow(dead_code)]

pub use crate::{ConstantValue, MessageVisitor, RosAction, RosConstant, RosMessage, RosService};

include!(concat!(env!("OUT_DIR"), "/codegen_samples.rs"));

// The fixture checks shared with tests/golden.rs.
#[cfg(test)]
#[path = "../tests/support/golden.rs"]
mod golden_support;

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::golden_support;
    use super::msg::{AllTypes, Defaults, Empty, Keywords, Nested};
    use super::{MessageVisitor, RosMessage};
    use crate::{from_cdr, to_cdr};

    struct Golden {
        checked: BTreeSet<String>,
        failures: Vec<String>,
    }

    impl MessageVisitor for Golden {
        fn visit<M: RosMessage>(&mut self) {
            // The standard types are generated here too; the real crate's tests cover them.
            if M::PACKAGE != "codegen_test_msgs" {
                return;
            }
            if let Err(e) = golden_support::check_all::<M>() {
                self.failures.push(format!("{}: {e:#}", M::type_name()));
            }
            self.checked.insert(M::NAME.to_string());
        }
    }

    #[test]
    fn every_sample_type_matches_rosbags_and_rosidl() {
        let mut golden = Golden {
            checked: BTreeSet::new(),
            failures: Vec::new(),
        };
        super::visit_all_types(&mut golden);
        assert!(golden.failures.is_empty(), "{}", golden.failures.join("\n"));
        let expected: BTreeSet<String> = [
            "AllTypes",
            "Defaults",
            "Demo_Feedback",
            "Demo_Goal",
            "Demo_Result",
            "Empty",
            "Keywords",
            "Nested",
            "Probe_Request",
            "Probe_Response",
        ]
        .map(String::from)
        .into();
        assert_eq!(golden.checked, expected);
    }

    #[test]
    fn service_and_action_markers_name_their_parts() {
        use super::{RosAction, RosService, action, srv};
        assert_eq!(srv::Probe::type_name(), "codegen_test_msgs/srv/Probe");
        assert_eq!(
            <srv::Probe as RosService>::Response::type_name(),
            "codegen_test_msgs/srv/Probe_Response"
        );
        assert_eq!(
            <action::Demo as RosAction>::Result::dds_type_name(),
            "codegen_test_msgs::action::dds_::Demo_Result_"
        );
        assert!(super::ALL_TYPE_NAMES.contains(&"codegen_test_msgs/msg/Nested"));
    }

    #[test]
    fn constants_keep_type_and_value() {
        assert_eq!(AllTypes::B_TRUE.to_string(), "true");
        assert_eq!(AllTypes::BYTE_C, 255_u8);
        assert_eq!(AllTypes::CHAR_C, b'A');
        assert_eq!(AllTypes::F32_C, -1.5_f32);
        assert_eq!(AllTypes::F64_C, 2.25e-3_f64);
        assert_eq!(AllTypes::I8_MIN, i8::MIN);
        assert_eq!(AllTypes::U8_MAX, u8::MAX);
        assert_eq!(AllTypes::I16_MIN, i16::MIN);
        assert_eq!(AllTypes::U16_MAX, u16::MAX);
        assert_eq!(AllTypes::I32_MIN, i32::MIN);
        assert_eq!(AllTypes::U32_MAX, u32::MAX);
        assert_eq!(AllTypes::I64_MIN, i64::MIN);
        assert_eq!(AllTypes::U64_MAX, u64::MAX);
        assert_eq!(AllTypes::STR_C, "say \"hi\", it's fine");
        assert_eq!(AllTypes::HEX_C, 0x7f);
    }

    #[test]
    fn defaults_come_from_the_interface_file() {
        let d = Defaults::default();
        assert_eq!(d.count, -7);
        assert_eq!(d.gain, 0.5);
        assert_eq!(d.scale, 1000.0);
        assert!(d.enabled);
        assert_eq!(d.name, "default \"name\"");
        assert_eq!(d.code, "ab");
        assert_eq!(d.vector, [1.5, -2.0, 3.0]);
        assert_eq!(d.offsets, vec![1, -2, 0x3]);
        assert_eq!(d.words, vec!["a,b".to_string(), "c".to_string()]);
        assert_eq!(d.big[0], 1.0);
        assert_eq!(d.big[35], 36.0);
        assert_eq!(d.plain, 0);
    }

    #[test]
    fn keyword_fields_keep_their_ros_names() {
        let k = Keywords {
            r#type: "t".into(),
            self_: 1,
            r#match: 2,
            r#loop: 3.0,
            crate_: true,
        };
        let json = serde_json::to_value(&k).unwrap();
        let names: BTreeSet<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            names,
            BTreeSet::from(["type", "self", "match", "loop", "crate"])
        );
    }

    #[test]
    fn empty_and_big_array_types_work() {
        assert_eq!(to_cdr(&Empty::default()).unwrap(), [0, 1, 0, 0, 0]);
        let nested = Nested::default();
        assert_eq!(nested.many_empties.len(), 34);
        assert_eq!(AllTypes::default().big_array, [0.0; 40]);
        let bytes = to_cdr(&nested).unwrap();
        assert_eq!(from_cdr::<Nested>(&bytes).unwrap(), nested);
    }
}
