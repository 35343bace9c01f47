//! Each edition's language: numbers, dates and plurals from ICU4X locale
//! data (`format`), and the theme's UI strings, checked when loaded
//! (`strings`).

pub mod format;
pub mod strings;
