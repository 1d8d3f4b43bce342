//! ROS 2 wire encoding: plain CDR (XCDR1) behind the 4-byte encapsulation header.

use byteorder::{BigEndian, LittleEndian};

use crate::RosMessage;

/// Encapsulation header for little-endian plain CDR (`CDR_LE`), what ROS 2 publishes.
pub const CDR_LE_HEADER: [u8; 4] = [0x00, 0x01, 0x00, 0x00];
/// Encapsulation header for big-endian plain CDR (`CDR_BE`).
pub const CDR_BE_HEADER: [u8; 4] = [0x00, 0x00, 0x00, 0x00];

/// Failure to encode or decode a message; always names the ROS type.
#[derive(Debug, thiserror::Error)]
pub enum CdrError {
    /// The value could not be serialised.
    #[error("failed to serialize {type_name} to CDR")]
    Serialize {
        /// ROS type name, e.g. `std_msgs/msg/String`.
        type_name: String,
        /// What cdr-encoding reported.
        #[source]
        source: cdr_encoding::Error,
    },
    /// Fewer bytes than the encapsulation header.
    #[error("{type_name}: {len}-byte CDR sample is shorter than the 4-byte encapsulation header")]
    MissingHeader {
        /// ROS type name.
        type_name: String,
        /// Bytes received.
        len: usize,
    },
    /// A representation other than plain CDR (e.g. XCDR2 or PL_CDR).
    #[error(
        "{type_name}: unsupported encapsulation {representation:02x?}, expected plain CDR (00 00 or 00 01)"
    )]
    UnsupportedRepresentation {
        /// ROS type name.
        type_name: String,
        /// The first two header bytes.
        representation: [u8; 2],
    },
    /// The payload does not decode as this type (truncated, bad bool, bad UTF-8, ...).
    #[error("failed to deserialize {type_name} from a {len}-byte CDR sample")]
    Deserialize {
        /// ROS type name.
        type_name: String,
        /// Sample size including the header.
        len: usize,
        /// What cdr-encoding reported.
        #[source]
        source: cdr_encoding::Error,
    },
}

/// Serialises `message` as ROS 2 does: header `00 01 00 00`, then little-endian plain CDR.
///
/// # Errors
/// [`CdrError::Serialize`] if serde reports an error (not expected for generated types).
pub fn to_cdr<M: RosMessage>(message: &M) -> Result<Vec<u8>, CdrError> {
    let mut bytes = Vec::with_capacity(64 + std::mem::size_of::<M>());
    bytes.extend_from_slice(&CDR_LE_HEADER);
    // Alignment counts from the end of the header: the serializer starts its own offset at 0.
    cdr_encoding::to_writer::<M, LittleEndian, _>(&mut bytes, message).map_err(|source| {
        CdrError::Serialize {
            type_name: M::type_name(),
            source,
        }
    })?;
    Ok(bytes)
}

/// Decodes a CDR sample (encapsulation header included), little or big endian.
///
/// Never panics on malformed input. Bytes after the message are ignored: DDS implementations
/// pad samples to a multiple of 4 bytes.
///
/// # Errors
/// [`CdrError::MissingHeader`], [`CdrError::UnsupportedRepresentation`] or
/// [`CdrError::Deserialize`], each naming `M`'s ROS type.
pub fn from_cdr<M: RosMessage>(bytes: &[u8]) -> Result<M, CdrError> {
    from_cdr_counted(bytes).map(|(message, _consumed)| message)
}

/// Like [`from_cdr`], but also returns how many payload bytes (after the header) the message
/// used; tests use it to check that a sample has no unexplained trailing bytes.
///
/// # Errors
/// As [`from_cdr`].
pub fn from_cdr_counted<M: RosMessage>(bytes: &[u8]) -> Result<(M, usize), CdrError> {
    let Some((header, payload)) = bytes.split_first_chunk::<4>() else {
        return Err(CdrError::MissingHeader {
            type_name: M::type_name(),
            len: bytes.len(),
        });
    };
    let decoded = match [header[0], header[1]] {
        [0x00, 0x01] => cdr_encoding::from_bytes::<M, LittleEndian>(payload),
        [0x00, 0x00] => cdr_encoding::from_bytes::<M, BigEndian>(payload),
        representation => {
            return Err(CdrError::UnsupportedRepresentation {
                type_name: M::type_name(),
                representation,
            });
        }
    };
    decoded.map_err(|source| CdrError::Deserialize {
        type_name: M::type_name(),
        len: bytes.len(),
        source,
    })
}
