//! Where finished pages go: sinks (a folder swapped in atomically, or
//! memory for `digest serve`) and the protocol that brings a sink up to
//! date with the plan, rendering only what changed.

pub mod protocol;
pub mod sink;
pub mod space;
