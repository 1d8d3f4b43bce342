//! A reader for the parts of SDFormat (≥ 1.6; our files are 1.9) that the headless simulator and
//! the planner need; Gazebo reads the same files in full.
//!
//! World files ([`WorldSdf`]): every `<model>` (nested ones too, named `outer::inner`), whether
//! it is static, its pose in the world frame, and each `<collision>`'s geometry (box, cylinder,
//! sphere, capsule; planes are the floor) as a 2-D [`Footprint`]. Poses compose as SDF defines
//! them without `relative_to`: a nested model's `<pose>` is in its parent model's frame, a
//! link's in its model's, a collision's in its link's; `degrees="true"` and
//! `rotation_format="quat_xyzw"` are honoured. What this reader does not implement
//! (`<include>`, `relative_to`, `placement_frame`, mesh geometry, ...) is an error naming the
//! line, never a silently misplaced obstacle.
//!
//! Robot files ([`RobotSdf`]): the DiffDrive plugin's parameters, the lidar and the logical
//! camera, and the robot's collision footprint.

mod robot;
mod xml;

use std::path::{Path, PathBuf};

use nalgebra::{Isometry2, Isometry3, Quaternion, Translation3, UnitQuaternion, Vector2, Vector3};
use roxmltree::Node;

pub use robot::{
    DiffDrive, GaussianNoise, JointStatePublisher, Lidar, LogicalCamera, OdometryPublisher,
    RobotSdf, SpeedLimits,
};
use xml::{XmlFile, child, children};

use crate::{Footprint, Shape, WorldError};

/// A collision geometry's shape, in its own frame (SDF conventions: cylinders and capsules
/// along their local z axis).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Geometry {
    /// `<box><size>x y z</size></box>`.
    Box {
        /// Side lengths in metres.
        size: Vector3<f64>,
    },
    /// `<cylinder>` along local z.
    Cylinder {
        /// Radius in metres.
        radius: f64,
        /// Length in metres.
        length: f64,
    },
    /// `<sphere>`.
    Sphere {
        /// Radius in metres.
        radius: f64,
    },
    /// `<capsule>` along local z (length excludes the hemispherical caps).
    Capsule {
        /// Radius in metres.
        radius: f64,
        /// Length of the cylindrical part in metres.
        length: f64,
    },
    /// `<plane>`: the floor; it has no footprint.
    Plane,
}

/// One `<collision>` element with its pose composed into the enclosing frame.
#[derive(Debug, Clone, PartialEq)]
pub struct Collision {
    /// Scoped name of the model it belongs to (`kitchen::kitchen_table`).
    pub model: String,
    /// Name of its link.
    pub link: String,
    /// Its own name.
    pub name: String,
    /// Line of the `<collision>` element.
    pub line: u32,
    /// Pose in the world frame (robot files: in the model frame).
    pub pose: Isometry3<f64>,
    /// The shape.
    pub geometry: Geometry,
    /// The shape seen from above; `None` for planes.
    pub footprint: Option<Footprint>,
}

/// One `<model>` of a world, nested models flattened.
#[derive(Debug, Clone, PartialEq)]
pub struct SdfModel {
    /// Scoped name: `name` for top-level models, `parent::name` for nested ones.
    pub name: String,
    /// Whether it is a direct child of `<world>`.
    pub top_level: bool,
    /// `<static>` of the model or of an enclosing model.
    pub is_static: bool,
    /// Pose of the model frame in the world frame.
    pub pose: Isometry3<f64>,
    /// Line of the `<model>` element.
    pub line: u32,
    /// Its own collisions (not those of nested models).
    pub collisions: Vec<Collision>,
}

/// A `<plugin>` element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SdfPlugin {
    /// The `name` attribute, e.g. `gz::sim::systems::Physics`.
    pub name: String,
    /// The `filename` attribute, e.g. `gz-sim-physics-system`.
    pub filename: String,
    /// Line of the element.
    pub line: u32,
}

/// What the simulator and planner need from an SDF world file.
#[derive(Debug, Clone, PartialEq)]
pub struct WorldSdf {
    /// The file read.
    pub file: PathBuf,
    /// `<world name>`.
    pub name: String,
    /// Every model, parents before their nested models.
    pub models: Vec<SdfModel>,
    /// The world's system plugins.
    pub plugins: Vec<SdfPlugin>,
}

impl WorldSdf {
    /// Reads and parses an SDF world file.
    pub fn load(path: &Path) -> Result<Self, WorldError> {
        let text = read_file(path)?;
        Self::parse(&text, path)
    }

    /// Parses SDF world text; `path` names it in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Self, WorldError> {
        let doc = parse_xml(text, path)?;
        let xml = XmlFile { path, doc: &doc };
        let root = sdf_root(&xml)?;
        let world = child(root, "world").ok_or_else(|| xml.missing(root, "<world>"))?;
        let name = xml.attribute(world, "name")?.to_string();
        let mut models = Vec::new();
        let mut plugins = Vec::new();
        for node in world.children().filter(Node::is_element) {
            match node.tag_name().name() {
                "model" => read_model(&xml, node, &ModelScope::world(), &mut models)?,
                "include" => {
                    return Err(xml.unsupported(node, "<include> (inline the model instead)"));
                }
                "plugin" => plugins.push(SdfPlugin {
                    name: xml.attribute(node, "name")?.to_string(),
                    filename: xml.attribute(node, "filename")?.to_string(),
                    line: xml.line(node),
                }),
                _ => {}
            }
        }
        tracing::debug!(file = %path.display(), models = models.len(), "read SDF world");
        Ok(Self {
            file: path.to_path_buf(),
            name,
            models,
            plugins,
        })
    }

    /// The model with this scoped name.
    pub fn model(&self, name: &str) -> Option<&SdfModel> {
        self.models.iter().find(|model| model.name == name)
    }

    /// Direct children of `<world>`.
    pub fn top_level_models(&self) -> impl Iterator<Item = &SdfModel> {
        self.models.iter().filter(|model| model.top_level)
    }

    /// Collisions of static models that have a footprint: the fixed obstacles.
    pub fn static_collisions(&self) -> impl Iterator<Item = &Collision> {
        self.models
            .iter()
            .filter(|model| model.is_static)
            .flat_map(|model| model.collisions.iter())
            .filter(|collision| collision.footprint.is_some())
    }
}

/// Frame and name prefix that a `<model>` is read in.
struct ModelScope {
    pose: Isometry3<f64>,
    prefix: Option<String>,
    is_static: bool,
}

impl ModelScope {
    fn world() -> Self {
        Self {
            pose: Isometry3::identity(),
            prefix: None,
            is_static: false,
        }
    }
}

fn read_model(
    xml: &XmlFile<'_>,
    node: Node<'_, '_>,
    scope: &ModelScope,
    out: &mut Vec<SdfModel>,
) -> Result<(), WorldError> {
    let own_name = xml.attribute(node, "name")?;
    if node.attribute("placement_frame").is_some() {
        return Err(xml.unsupported(node, "attribute placement_frame"));
    }
    let name = match &scope.prefix {
        Some(prefix) => format!("{prefix}::{own_name}"),
        None => own_name.to_string(),
    };
    let is_static = scope.is_static
        || match child(node, "static") {
            Some(flag) => xml.boolean(flag)?,
            None => false,
        };
    let pose = scope.pose * pose_of(xml, node)?;
    let mut collisions = Vec::new();
    for link in children(node, "link") {
        let link_name = xml.attribute(link, "name")?;
        let link_pose = pose * pose_of(xml, link)?;
        for collision in children(link, "collision") {
            collisions.push(read_collision(
                xml, collision, &name, link_name, &link_pose,
            )?);
        }
    }
    if let Some(include) = child(node, "include") {
        return Err(xml.unsupported(include, "<include> (inline the model instead)"));
    }
    let index = out.len();
    out.push(SdfModel {
        name: name.clone(),
        top_level: scope.prefix.is_none(),
        is_static,
        pose,
        line: xml.line(node),
        collisions,
    });
    let nested_scope = ModelScope {
        pose,
        prefix: Some(name),
        is_static,
    };
    for nested in children(node, "model") {
        read_model(xml, nested, &nested_scope, out)?;
    }
    debug_assert!(out.len() > index);
    Ok(())
}

/// Reads a `<collision>` whose link frame is `link_pose`.
pub(crate) fn read_collision(
    xml: &XmlFile<'_>,
    node: Node<'_, '_>,
    model: &str,
    link: &str,
    link_pose: &Isometry3<f64>,
) -> Result<Collision, WorldError> {
    let name = xml.attribute(node, "name")?.to_string();
    let pose = link_pose * pose_of(xml, node)?;
    let geometry_node = child(node, "geometry").ok_or_else(|| xml.missing(node, "<geometry>"))?;
    let geometry = read_geometry(xml, geometry_node)?;
    Ok(Collision {
        model: model.to_string(),
        link: link.to_string(),
        name,
        line: xml.line(node),
        pose,
        geometry,
        footprint: footprint_of(&pose, &geometry),
    })
}

fn read_geometry(xml: &XmlFile<'_>, node: Node<'_, '_>) -> Result<Geometry, WorldError> {
    let shape = node
        .children()
        .find(Node::is_element)
        .ok_or_else(|| xml.missing(node, "a shape (<box>, <cylinder>, <sphere>, ...)"))?;
    let positive = |v: f64| v > 0.0;
    let required = |name: &str| xml.required(shape, name);
    match shape.tag_name().name() {
        "box" => {
            let size_node = required("size")?;
            let size = xml.numbers(size_node, 3)?;
            if size.iter().any(|v| *v <= 0.0) {
                return Err(xml.invalid(size_node, xml.text(size_node), "sizes must be positive"));
            }
            Ok(Geometry::Box {
                size: Vector3::new(size[0], size[1], size[2]),
            })
        }
        "cylinder" => Ok(Geometry::Cylinder {
            radius: xml.number(required("radius")?, positive, "a positive radius")?,
            length: xml.number(required("length")?, positive, "a positive length")?,
        }),
        "capsule" => Ok(Geometry::Capsule {
            radius: xml.number(required("radius")?, positive, "a positive radius")?,
            length: xml.number(required("length")?, |v| v >= 0.0, "a length ≥ 0")?,
        }),
        "sphere" => Ok(Geometry::Sphere {
            radius: xml.number(required("radius")?, positive, "a positive radius")?,
        }),
        "plane" => Ok(Geometry::Plane),
        other => Err(xml.unsupported(shape, format!("<{other}> geometry"))),
    }
}

/// The pose in an element's `<pose>` child (identity when absent), in its parent's frame.
pub(crate) fn pose_of(
    xml: &XmlFile<'_>,
    parent: Node<'_, '_>,
) -> Result<Isometry3<f64>, WorldError> {
    let Some(node) = child(parent, "pose") else {
        return Ok(Isometry3::identity());
    };
    if node
        .attribute("relative_to")
        .is_some_and(|frame| !frame.is_empty())
    {
        return Err(xml.unsupported(node, "attribute relative_to"));
    }
    let degrees = match node.attribute("degrees") {
        None | Some("false") | Some("0") => false,
        Some("true") | Some("1") => true,
        Some(other) => return Err(xml.invalid(node, other, "degrees must be true or false")),
    };
    if xml.text(node).is_empty() {
        return Ok(Isometry3::identity());
    }
    let angle = |v: f64| if degrees { v.to_radians() } else { v };
    match node.attribute("rotation_format").unwrap_or("euler_rpy") {
        "euler_rpy" => {
            let v = xml.numbers(node, 6)?;
            // SDF's rpy is extrinsic x-y-z, the same convention as nalgebra's from_euler_angles.
            let rotation = UnitQuaternion::from_euler_angles(angle(v[3]), angle(v[4]), angle(v[5]));
            Ok(Isometry3::from_parts(
                Translation3::new(v[0], v[1], v[2]),
                rotation,
            ))
        }
        "quat_xyzw" => {
            let v = xml.numbers(node, 7)?;
            let q = Quaternion::new(v[6], v[3], v[4], v[5]);
            if q.norm() < 1e-9 {
                return Err(xml.invalid(node, xml.text(node), "a zero quaternion"));
            }
            Ok(Isometry3::from_parts(
                Translation3::new(v[0], v[1], v[2]),
                UnitQuaternion::from_quaternion(q),
            ))
        }
        other => Err(xml.invalid(
            node,
            other,
            "rotation_format must be euler_rpy or quat_xyzw",
        )),
    }
}

/// The footprint of `geometry` at `pose`: exact for upright shapes (boxes become rotated
/// rectangles, cylinders circles); tilted shapes get their axis-aligned bounding rectangle.
pub fn footprint_of(pose: &Isometry3<f64>, geometry: &Geometry) -> Option<Footprint> {
    let centre = pose.translation.vector;
    let axis = pose.rotation * Vector3::z();
    let upright = (axis.z - 1.0).abs() < 1e-9;
    let at = |yaw: f64| Isometry2::new(Vector2::new(centre.x, centre.y), yaw);
    let bounding = |half: Vector3<f64>| Footprint {
        pose: at(0.0),
        shape: Shape::Rectangle {
            half_extents: Vector2::new(half.x, half.y),
        },
        z_min: centre.z - half.z,
        z_max: centre.z + half.z,
    };
    let round = |radius: f64, half_height: f64| Footprint {
        pose: at(0.0),
        shape: Shape::Circle { radius },
        z_min: centre.z - half_height,
        z_max: centre.z + half_height,
    };
    // Half extent along each world axis of a segment of half length `half` along `axis`,
    // swept by a disc (cylinder) or ball (capsule) of radius `radius`.
    let swept = |half: f64, radius: f64, ball: bool| {
        axis.map(|a| {
            let across = if ball {
                radius
            } else {
                radius * (1.0 - a * a).max(0.0).sqrt()
            };
            a.abs() * half + across
        })
    };
    match *geometry {
        Geometry::Plane => None,
        Geometry::Sphere { radius } => Some(round(radius, radius)),
        Geometry::Box { size } => {
            if upright {
                let (_, _, yaw) = pose.rotation.euler_angles();
                Some(Footprint {
                    pose: at(yaw),
                    shape: Shape::Rectangle {
                        half_extents: Vector2::new(size.x / 2.0, size.y / 2.0),
                    },
                    z_min: centre.z - size.z / 2.0,
                    z_max: centre.z + size.z / 2.0,
                })
            } else {
                let rotation = pose.rotation.to_rotation_matrix();
                Some(bounding(rotation.matrix().abs() * (size / 2.0)))
            }
        }
        Geometry::Cylinder { radius, length } => Some(if upright {
            round(radius, length / 2.0)
        } else {
            bounding(swept(length / 2.0, radius, false))
        }),
        Geometry::Capsule { radius, length } => Some(if upright {
            round(radius, length / 2.0 + radius)
        } else {
            bounding(swept(length / 2.0, radius, true))
        }),
    }
}

pub(crate) fn read_file(path: &Path) -> Result<String, WorldError> {
    std::fs::read_to_string(path).map_err(|source| WorldError::Read {
        path: path.to_path_buf(),
        source,
    })
}

pub(crate) fn parse_xml<'a>(
    text: &'a str,
    path: &Path,
) -> Result<roxmltree::Document<'a>, WorldError> {
    roxmltree::Document::parse(text).map_err(|source| WorldError::Xml {
        file: path.to_path_buf(),
        source,
    })
}

/// The `<sdf version="...">` root element, checked.
pub(crate) fn sdf_root<'a, 'input>(xml: &XmlFile<'a>) -> Result<Node<'a, 'input>, WorldError>
where
    'a: 'input,
{
    let root = xml.doc.root_element();
    if root.tag_name().name() != "sdf" {
        return Err(xml.invalid(
            root,
            root.tag_name().name(),
            "the root element must be <sdf>",
        ));
    }
    let version = xml.attribute(root, "version")?;
    let parsed: Option<(u32, u32)> = version
        .split_once('.')
        .and_then(|(major, minor)| Some((major.parse().ok()?, minor.parse().ok()?)));
    match parsed {
        Some(v) if v >= (1, 6) => Ok(root),
        _ => Err(xml.invalid(root, version, "SDF version 1.6 or later expected")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::FRAC_PI_2;

    fn parse(text: &str) -> Result<WorldSdf, WorldError> {
        WorldSdf::parse(text, Path::new("test.sdf"))
    }

    #[test]
    fn nested_poses_compose_as_sdf_defines() {
        let world = parse(
            r#"<sdf version="1.9"><world name="w">
              <model name="room"><static>true</static><pose>10 0 0 0 0 1.5707963267948966</pose>
                <model name="table"><pose>2 0 0 0 0 0</pose>
                  <link name="l"><pose>0 1 0 0 0 0</pose>
                    <collision name="top"><pose degrees="true">0 0 0.5 0 0 90</pose>
                      <geometry><box><size>2 1 0.1</size></box></geometry></collision>
                  </link>
                </model>
              </model></world></sdf>"#,
        )
        .unwrap();
        let table = world.model("room::table").unwrap();
        assert!(table.is_static && !table.top_level);
        let collision = &table.collisions[0];
        // room yaw 90°: table's (2, 0) → (0, 2); link's (0, 1) in the table frame → (-1, 0).
        let p = collision.pose.translation.vector;
        assert!((p - Vector3::new(9.0, 2.0, 0.5)).norm() < 1e-9, "{p}");
        let footprint = collision.footprint.unwrap();
        let (_, _, yaw) = collision.pose.rotation.euler_angles();
        assert!((yaw.abs() - std::f64::consts::PI).abs() < 1e-9);
        // Long side (2 m) is along x again after two quarter turns.
        let (lo, hi) = footprint.aabb();
        assert!((hi.x - lo.x - 2.0).abs() < 1e-9 && (hi.y - lo.y - 1.0).abs() < 1e-9);
    }

    #[test]
    fn tilted_cylinder_gets_bounding_rectangle() {
        let pose = Isometry3::from_parts(
            Translation3::new(0.0, 0.0, 0.05),
            UnitQuaternion::from_euler_angles(-FRAC_PI_2, 0.0, 0.0),
        );
        let footprint = footprint_of(
            &pose,
            &Geometry::Cylinder {
                radius: 0.05,
                length: 0.03,
            },
        )
        .unwrap();
        let (lo, hi) = footprint.aabb();
        assert!(
            (hi.x - 0.05).abs() < 1e-9 && (hi.y - 0.015).abs() < 1e-9,
            "{lo} {hi}"
        );
        assert!((footprint.z_min - 0.0).abs() < 1e-9 && (footprint.z_max - 0.1).abs() < 1e-9);
    }

    #[test]
    fn errors_name_the_line() {
        let err = parse("<sdf version=\"1.9\">\n<world name=\"w\">\n<model name=\"m\">\n<link name=\"l\">\n<collision name=\"c\"><geometry><box><size>1 x 1</size></box></geometry></collision>\n</link></model></world></sdf>").unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("test.sdf:5: <size>"), "{text}");
        let err = parse("<sdf version=\"1.9\"><world name=\"w\">\n<model>\n</model></world></sdf>")
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("test.sdf:2: <model> lacks attribute \"name\"")
        );
        let err = parse("<sdf version=\"1.9\"><world name=\"w\">\n\n<model name=\"m\"><link name=\"l\"><collision name=\"c\"><geometry><mesh/></geometry></collision></link></model></world></sdf>").unwrap_err();
        assert!(err.to_string().contains("test.sdf:3: <mesh>"), "{err}");
        let err =
            parse("<sdf version=\"1.9\"><world name=\"w\">\n<model name=\"m\"\n</world></sdf>")
                .unwrap_err();
        assert!(err.to_string().contains("test.sdf: malformed XML"), "{err}");
        let err = parse("<sdf version=\"1.9\"></sdf>").unwrap_err();
        assert!(err.to_string().contains("<sdf> lacks <world>"), "{err}");
    }
}
