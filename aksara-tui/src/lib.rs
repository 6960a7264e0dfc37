//! The Aksara explorer: a terminal browser that walks a database by following its relations.
//!
//! `aksara-tui [URL]` opens PostgreSQL, MySQL/MariaDB or SQLite (or, with no URL, an embedded
//! demo database) and shows its tables; Enter opens a table's rows, a row's detail, and from
//! there any relation: forward foreign keys to the row they point at, reverse ones and
//! many-to-many ones to the list of rows linked. Relations come from the database's own
//! catalog through the engine's introspection, or from the aksara models for the demo.
//! Named databases come from the connections file ([`config`]), listed by the [`picker`]
//! when none is given. `S` shows a table's schema (read by [`schema`]) and `D` its
//! neighbourhood of [`relations`], drawn. `:schema NAME` explores another schema of the
//! server ([`schemas`]); a grid shows the [`labels`] of the rows its foreign keys point at;
//! the mouse selects, opens and scrolls, and the connections file may set the [`theme`]
//! and remap keys.
//!
//! The shape follows ratatui's component template: keys become [`action::Action`]s
//! ([`keymap`], reading the one key table [`keys`] that also feeds the help and the hint
//! line), the [`app::App`] and its [`screens`] change only in `update`, and [`render`] draws
//! the state. Every query runs on the [`worker`]'s own runtime; answers come
//! back tagged with the generation of their request and stale ones are dropped. Pages are read
//! with keyset pagination into a bounded window ([`paging`]), so a table of any size opens
//! and scrolls with flat memory.
//!
//! Tests drive the real [`app::App`] with key events and draw it on ratatui's `TestBackend`.

#![warn(missing_docs)]

pub mod action;
pub mod app;
pub mod catalog;
pub mod cli;
pub mod clipboard;
pub mod config;
pub mod demo;
pub mod edit;
pub mod export;
pub mod filter;
pub mod find;
pub mod format;
pub mod jobs;
pub mod keymap;
pub mod keys;
pub mod labels;
pub mod location;
pub mod nav;
pub mod paging;
pub mod picker;
pub mod relations;
pub mod render;
pub mod schema;
pub mod schemas;
pub mod screens;
pub mod sql;
pub mod terminal;
pub mod theme;
pub mod worker;

pub use app::{App, Settings};
pub use worker::{Target, Worker};
