//! inkpress: a static blog generator. Markdown posts with front matter in, a complete
//! tagged blog out.
//!
//! The pipeline lives in [`build`]; each stage has its own module, and `ARCHITECTURE.md`
//! maps them. The binary in
//! `main.rs` only parses arguments and calls [`commands`].

// A Diagnostic is a rich, owned report on the cold path; boxing it would buy nothing.
#![allow(clippy::result_large_err)]

pub mod build;
pub mod check;
pub mod cli;
pub mod commands;
pub mod config;
pub mod content;
pub mod deploy;
pub mod error;
pub mod html;
pub mod images;
pub mod import;
pub mod markdown;
pub mod memo;
pub mod output;
pub mod render;
pub mod scaffold;
pub mod serve;
pub mod site;
pub mod spelling;
pub mod static_files;
pub mod theme;
pub mod timing;
