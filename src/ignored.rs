/// Hidden files and the leftovers editors write next to a file being saved.
///
/// (Kept in a file of its own so that the build script, which puts the
/// default theme in the binary, can leave out the same files.)
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || (name.starts_with('#') && name.ends_with('#'))
}
