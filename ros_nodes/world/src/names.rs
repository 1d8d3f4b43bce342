//! The canonical vocabulary (issue 5 item 1): fixed place and object names, used everywhere.
//! Aliases come from the semantic map; these enums make the planner's and brain's matches
//! exhaustive. Serde (de)serialises them as their canonical names.

use std::fmt;

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
        )]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            /// Every member, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The canonical name, e.g. `"living room"`.
            pub fn name(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// The member whose canonical name is exactly `name`.
            pub fn from_name(name: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|member| member.name() == name)
            }

            /// The canonical name with spaces as underscores: the default SDF model name.
            pub fn model_name(self) -> String {
                self.name().replace(' ', "_")
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}

vocabulary! {
    /// A place the robot can be sent to: six rooms and the charging dock.
    PlaceId {
        /// The kitchen.
        Kitchen => "kitchen",
        /// The living room.
        LivingRoom => "living room",
        /// The bedroom.
        Bedroom => "bedroom",
        /// The bathroom.
        Bathroom => "bathroom",
        /// The office.
        Office => "office",
        /// The hallway.
        Hallway => "hallway",
        /// The charging dock (a spot in a room, not a room).
        ChargingDock => "charging dock",
    }
}

vocabulary! {
    /// An object the robot can find and bring.
    ObjectId {
        /// A cup.
        Cup => "cup",
        /// A bunch of keys.
        Keys => "keys",
        /// The TV remote control.
        RemoteControl => "remote control",
        /// A book.
        Book => "book",
        /// A water bottle.
        WaterBottle => "water bottle",
        /// A phone.
        Phone => "phone",
        /// An apple.
        Apple => "apple",
        /// A backpack.
        Backpack => "backpack",
    }
}

/// Articles dropped from the front of a phrase before lookup ("the lounge" → "lounge").
const LEADING_ARTICLES: [&str; 3] = ["the", "a", "an"];

/// Normalises a name or phrase for lookup: lowercase, punctuation to spaces, single spaces,
/// leading articles dropped. Applied to aliases and queries alike.
pub fn normalize_phrase(text: &str) -> String {
    let lowered: String = text
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '\'' {
                c.to_ascii_lowercase()
            } else {
                ' '
            }
        })
        .collect();
    let mut words: Vec<&str> = lowered.split_whitespace().collect();
    while words.len() > 1 && LEADING_ARTICLES.contains(&words[0]) {
        words.remove(0);
    }
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_names_round_trip() {
        for place in PlaceId::ALL {
            assert_eq!(PlaceId::from_name(place.name()), Some(*place));
        }
        for object in ObjectId::ALL {
            assert_eq!(ObjectId::from_name(object.name()), Some(*object));
        }
        assert_eq!(PlaceId::LivingRoom.model_name(), "living_room");
        assert_eq!(PlaceId::ALL.len(), 7);
        assert_eq!(ObjectId::ALL.len(), 8);
    }

    #[test]
    fn normalisation() {
        assert_eq!(normalize_phrase("  The Lounge! "), "lounge");
        assert_eq!(normalize_phrase("the   living-room"), "living room");
        assert_eq!(normalize_phrase("an apple"), "apple");
        assert_eq!(normalize_phrase("the"), "the");
    }
}
