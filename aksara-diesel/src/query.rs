//! A compiled statement as a diesel query.
//!
//! [`DieselQuery`] walks the pieces of a [`BoundStatement`]: text with `push_sql`, identifiers
//! with `push_identifier` (diesel quotes them for the backend), values with
//! `push_bind_param` through the backend's [`PushBind`], so diesel writes the placeholders and
//! caches the prepared statement under the SQL text and bind types. Values are converted into
//! the backend's bind form once, when the query is made ([`BindForm`]).

use aksara_core::bound::{BoundPiece, BoundStatement};
use aksara_core::{Sql, Value, ValueType};
use diesel::backend::Backend;
use diesel::deserialize;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::row::{Field, NamedRow, Row};
use diesel::serialize::ToSql;
use diesel::sql_types::{self as st, HasSqlType, Nullable, Untyped};
use diesel::QueryResult;

/// A backend's form of a bind parameter, made from a core [`Value`].
pub trait BindForm: Sized {
    /// The form of `value`, sent as `ty`, or why it has none.
    fn from_value(value: Value, ty: Option<ValueType>) -> Result<Self, String>;

    /// The NULL that stands in for a value that had no form.
    fn null() -> Self;
}

/// How a bind parameter is pushed into a query of the diesel backend `DB`.
pub trait PushBind<DB: Backend> {
    /// Pushes `self` with `push_bind_param`, as its SQL type.
    fn push_bind<'b>(&'b self, out: &mut AstPass<'_, 'b, DB>) -> QueryResult<()>;
}

/// A bind parameter as one of the SQL types every diesel backend binds alike; a backend's
/// bind form is this, or this and the types of its own.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    /// NULL, sent as text: one NULL type for every column keeps one prepared statement per
    /// shape.
    Null,
    /// A boolean.
    Bool(bool),
    /// A 32-bit integer.
    I32(i32),
    /// A 64-bit integer.
    I64(i64),
    /// A double.
    F64(f64),
    /// Text.
    Text(String),
    /// Bytes.
    Bytes(Vec<u8>),
}

impl<DB> PushBind<DB> for Scalar
where
    DB: Backend
        + HasSqlType<st::Text>
        + HasSqlType<st::Bool>
        + HasSqlType<st::Integer>
        + HasSqlType<st::BigInt>
        + HasSqlType<st::Double>
        + HasSqlType<st::Binary>,
    Option<String>: ToSql<Nullable<st::Text>, DB>,
    bool: ToSql<st::Bool, DB>,
    i32: ToSql<st::Integer, DB>,
    i64: ToSql<st::BigInt, DB>,
    f64: ToSql<st::Double, DB>,
    String: ToSql<st::Text, DB>,
    Vec<u8>: ToSql<st::Binary, DB>,
{
    fn push_bind<'b>(&'b self, out: &mut AstPass<'_, 'b, DB>) -> QueryResult<()> {
        match self {
            Scalar::Null => out.push_bind_param::<Nullable<st::Text>, Option<String>>(&None),
            Scalar::Bool(v) => out.push_bind_param::<st::Bool, _>(v),
            Scalar::I32(v) => out.push_bind_param::<st::Integer, _>(v),
            Scalar::I64(v) => out.push_bind_param::<st::BigInt, _>(v),
            Scalar::F64(v) => out.push_bind_param::<st::Double, _>(v),
            Scalar::Text(v) => out.push_bind_param::<st::Text, _>(v),
            Scalar::Bytes(v) => out.push_bind_param::<st::Binary, _>(v),
        }
    }
}

/// A statement compiled by the core, ready for diesel-async; `B` is the backend's bind form.
///
/// Its pieces are shared, so a copy (kept to explain an error after the statement ran) costs
/// a reference count, not the statement.
#[derive(Debug, Clone)]
pub struct DieselQuery<B>(pub BoundStatement<B>);

impl<B: BindForm> DieselQuery<B> {
    /// Converts the parts of `sql`.
    pub fn new(sql: Sql) -> Self {
        DieselQuery(BoundStatement::new(sql, B::from_value, B::null))
    }
}

impl DieselQuery<Scalar> {
    /// Converts the parts of `sql` with `convert`, the backend's conversion into scalars
    /// (a value it refuses is reported when the statement runs).
    pub fn scalars(sql: Sql, convert: fn(Value) -> Result<Scalar, String>) -> Self {
        DieselQuery(BoundStatement::new(sql, |v, _| convert(v), || Scalar::Null))
    }
}

impl<B> DieselQuery<B> {
    /// A statement made of `pieces`.
    pub fn from_pieces(pieces: Vec<BoundPiece<B>>) -> Self {
        DieselQuery(BoundStatement::from_pieces(pieces))
    }

    /// A statement of plain SQL text and no binds.
    pub fn text(sql: &str) -> Self {
        Self::from_pieces(vec![BoundPiece::Text(sql.to_string())])
    }

    /// The pieces.
    pub fn pieces(&self) -> &[BoundPiece<B>] {
        &self.0.pieces
    }

    /// The tables the statement drops (see [`aksara_core::Intent::dropped_tables`]).
    pub fn dropped_tables(&self) -> &[String] {
        self.0.dropped_tables()
    }
}

impl<B> QueryId for DieselQuery<B> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<B> Query for DieselQuery<B> {
    type SqlType = Untyped;
}

impl<DB: Backend, B: PushBind<DB>> QueryFragment<DB> for DieselQuery<B> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        if let Some(e) = &self.0.invalid {
            return Err(diesel::result::Error::SerializationError(e.clone().into()));
        }
        if self.0.one_off {
            out.unsafe_to_cache_prepared();
        }
        for piece in self.0.pieces.iter() {
            match piece {
                BoundPiece::Text(text) => out.push_sql(text),
                BoundPiece::Ident(name) => out.push_identifier(name)?,
                BoundPiece::Bind(bind) => bind.push_bind(&mut out)?,
            }
        }
        Ok(())
    }
}

/// Like [`read_row`], with the columns' names.
///
/// # Errors
/// The first column `decode` refuses.
pub fn read_named_row<'a, DB: Backend>(
    row: &impl NamedRow<'a, DB>,
    decode: impl Fn(Option<DB::RawValue<'_>>) -> deserialize::Result<Value>,
) -> deserialize::Result<(Vec<String>, Vec<Value>)> {
    let count = row.field_count();
    let mut names = Vec::with_capacity(count);
    let mut values = Vec::with_capacity(count);
    for index in 0..count {
        let field = Row::get(row, index).ok_or("column index out of range")?;
        names.push(field.field_name().unwrap_or("?column?").to_string());
        values.push(decode(field.value())?);
    }
    Ok((names, values))
}

/// The columns of a result row, each decoded with `decode` (the backend's decoding of one
/// column; `None` is SQL NULL), for the backend's `QueryableByName` row.
///
/// # Errors
/// The first column `decode` refuses.
pub fn read_row<'a, DB: Backend>(
    row: &impl NamedRow<'a, DB>,
    decode: impl Fn(Option<DB::RawValue<'_>>) -> deserialize::Result<Value>,
) -> deserialize::Result<Vec<Value>> {
    let count = row.field_count();
    let mut values = Vec::with_capacity(count);
    for index in 0..count {
        let field = Row::get(row, index).ok_or("column index out of range")?;
        values.push(decode(field.value())?);
    }
    Ok(values)
}
