//! Every bound on what the receiving side accepts from a bundle, in one place. A bundle comes from
//! outside and may be built to exhaust the machine that opens it: whatever its size, header or entries,
//! opening it must stay within a fixed amount of memory (the goal is 64 MiB of peak RSS for
//! `custodia bundle verify`) and take time linear in its size. Anything beyond a bound is refused by name
//! before the work it would cause.
//!
//! | bound | value | why |
//! |---|---|---|
//! | age header, bytes read before it ends | 64 KiB ([`MAX_AGE_HEADER_BYTES`]) | a header is a few hundred bytes per recipient; age re-reads the header it has so far at every line, so an endless one is both memory and quadratic time |
//! | scrypt work factor of a passphrase bundle | log2 N ≤ 16 ([`MAX_SCRYPT_LOG_N`]) | scrypt takes 128·r·N bytes (r = 8): 64 MiB at 16, 256 MiB at age's usual 18, 8 GiB at 23; refused before any derivation. Our own exports use exactly this ([`EXPORT_SCRYPT_LOG_N`]) |
//! | tar entries (files, folders and extension headers) | 100,000 ([`Limits::max_entries`]) | each file is remembered for the checks (path, size, SHA-256) |
//! | bytes of all file paths remembered | 8 MiB ([`Limits::max_name_bytes`]) | the same memory, counted in bytes |
//! | one path | 4096 bytes ([`MAX_PATH_BYTES`]) | PATH_MAX on Linux |
//! | one name in a path | 255 bytes ([`MAX_COMPONENT_BYTES`]) | NAME_MAX on common file systems |
//! | folders in a path, below the bag | 64 ([`MAX_DEPTH`]) | a bag is `data/items/<id>/<file>`; deep paths only serve to slow the walk |
//! | tag files kept in memory, all together | 24 MiB ([`Limits::max_kept_bytes`]) | the manifests, `bag-info.txt`, the custody files (and `items.json` for an import) are read whole for the checks: about 10,000 items' worth |
//! | one extension header (long name, PAX) | 64 KiB ([`MAX_EXTENSION_BYTES`]) | it only carries a name |
//! | zero padding after the archive's end | 1 MiB ([`MAX_TRAILING_ZEROS`]) | GNU tar pads to 10 KiB records |
//! | one file | 256 GiB ([`Limits::max_file_bytes`]) | streamed, never held |
//! | the whole payload | 1 TiB ([`Limits::max_total_bytes`]) | streamed, never held |

/// Bounds on what a bundle may hold that a caller could reasonably change (a test, a future setting);
/// the defaults are those in the table above. The fixed bounds are the constants beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Tar entries of every kind, counted as they come.
    pub max_entries: u64,
    pub max_file_bytes: u64,
    pub max_total_bytes: u64,
    /// The files read into memory for the checks (tag files, and `items.json` for an import), together.
    pub max_kept_bytes: u64,
    /// The paths of all files, together, as remembered for the checks.
    pub max_name_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_entries: 100_000,
            max_file_bytes: 256 << 30,
            max_total_bytes: 1 << 40,
            max_kept_bytes: 24 << 20,
            max_name_bytes: 8 << 20,
        }
    }
}

/// Bytes read from the bundle before age's header must have ended.
pub const MAX_AGE_HEADER_BYTES: u64 = 64 * 1024;
/// The largest scrypt work factor (log2 N) accepted when opening a passphrase bundle.
pub const MAX_SCRYPT_LOG_N: u8 = 16;
/// The scrypt work factor of the passphrase bundles Custodia makes: the most it accepts, so that any
/// Custodia opens its own, on any machine (age would otherwise pick one from this machine's speed).
pub const EXPORT_SCRYPT_LOG_N: u8 = MAX_SCRYPT_LOG_N;
/// One entry's path, in bytes.
pub const MAX_PATH_BYTES: usize = 4096;
/// One name in a path, in bytes.
pub const MAX_COMPONENT_BYTES: usize = 255;
/// Names in a path below the bag's folder (`data/items/E-1/photo.jpg` is 4).
pub const MAX_DEPTH: usize = 64;
/// Extension headers (long names, PAX records) are small; a large one is an attack on memory.
pub const MAX_EXTENSION_BYTES: u64 = 64 * 1024;
/// Zero padding a tar writer may leave after the end-of-archive blocks.
pub const MAX_TRAILING_ZEROS: u64 = 1 << 20;

/// The memory scrypt takes at a work factor: 128 · r · N bytes, with age's r = 8 (saturating, since the
/// work factor comes from the bundle).
pub const fn scrypt_bytes(log_n: u8) -> u64 {
    if log_n >= 54 {
        u64::MAX
    } else {
        (128 * 8) << log_n
    }
}

// Our own passphrase bundles must open under our own ceiling: checked when the crate compiles.
const _: () = assert!(EXPORT_SCRYPT_LOG_N <= MAX_SCRYPT_LOG_N, "exports must use a work factor we accept");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scrypt_ceiling_fits_the_memory_goal() {
        assert_eq!(scrypt_bytes(MAX_SCRYPT_LOG_N), 64 << 20, "scrypt at the ceiling takes 64 MiB");
        assert_eq!(scrypt_bytes(63), u64::MAX, "a bundle's absurd work factor does not overflow");
    }
}
