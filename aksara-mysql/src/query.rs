//! How values bind on MySQL / MariaDB (the statement itself is `aksara_diesel`'s
//! [`DieselQuery`]; diesel writes `?` placeholders and backticks).
//!
//! Values MySQL has no type for are converted once, when the query is made: a UUID becomes its
//! 16 bytes (`BINARY(16)`), a date-time its UTC wall clock (`DATETIME(6)`), JSON its text.

use aksara_core::{Value, ValueType};
use aksara_diesel::{BindForm, DieselQuery, PushBind, Scalar};
use diesel::mysql::Mysql;
use diesel::query_builder::AstPass;
use diesel::sql_types as st;
use diesel::QueryResult;

/// A bind parameter in the form MySQL receives it: a scalar, or a date-time or date as
/// MySQL's own types.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Bind {
    Scalar(Scalar),
    DateTime(chrono::NaiveDateTime),
    Date(chrono::NaiveDate),
    Time(chrono::NaiveTime),
    #[cfg(feature = "rust_decimal")]
    Decimal(rust_decimal::Decimal),
}

impl Bind {
    /// The MySQL form of `value`, or why it has none.
    pub(crate) fn from_value(value: Value) -> Result<Bind, String> {
        Ok(Bind::Scalar(match value {
            Value::Null => Scalar::Null,
            Value::Bool(v) => Scalar::Bool(v),
            Value::I32(v) => Scalar::I32(v),
            Value::I64(v) => Scalar::I64(v),
            Value::F64(v) => Scalar::F64(v),
            Value::String(v) => Scalar::Text(v),
            Value::Uuid(v) => Scalar::Bytes(v.as_bytes().to_vec()),
            Value::DateTime(v) => return Ok(Bind::DateTime(v.naive_utc())),
            Value::Date(v) => return Ok(Bind::Date(v)),
            Value::Timestamp(v) => return Ok(Bind::DateTime(v)),
            Value::Time(v) => return Ok(Bind::Time(v)),
            #[cfg(feature = "rust_decimal")]
            Value::Decimal(v) => return Ok(Bind::Decimal(v)),
            Value::Json(v) => Scalar::Text(v.to_string()),
            Value::Bytes(v) => Scalar::Bytes(v),
            other => return Err(format!("cannot bind {other:?} on MySQL")),
        }))
    }
}

impl BindForm for Bind {
    fn from_value(value: Value, _: Option<ValueType>) -> Result<Self, String> {
        Bind::from_value(value)
    }

    fn null() -> Self {
        Bind::Scalar(Scalar::Null)
    }
}

/// A statement compiled by the core, ready for diesel-async on MySQL.
pub type MysqlQuery = DieselQuery<Bind>;

impl PushBind<Mysql> for Bind {
    fn push_bind<'b>(&'b self, out: &mut AstPass<'_, 'b, Mysql>) -> QueryResult<()> {
        match self {
            Bind::Scalar(scalar) => scalar.push_bind(out),
            Bind::DateTime(v) => out.push_bind_param::<st::Datetime, _>(v),
            Bind::Date(v) => out.push_bind_param::<st::Date, _>(v),
            Bind::Time(v) => out.push_bind_param::<st::Time, _>(v),
            #[cfg(feature = "rust_decimal")]
            Bind::Decimal(v) => out.push_bind_param::<st::Numeric, _>(v),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_bind_as_sixteen_bytes_and_datetimes_as_utc() {
        let id = uuid::Uuid::now_v7();
        assert_eq!(
            Bind::from_value(Value::Uuid(id)),
            Ok(Bind::Scalar(Scalar::Bytes(id.as_bytes().to_vec())))
        );
        let at = chrono::DateTime::parse_from_rfc3339("2024-05-06T07:08:09.123456+02:00")
            .unwrap()
            .with_timezone(&chrono::Utc);
        assert_eq!(
            Bind::from_value(Value::DateTime(at)),
            Ok(Bind::DateTime(
                chrono::NaiveDate::from_ymd_opt(2024, 5, 6)
                    .unwrap()
                    .and_hms_micro_opt(5, 8, 9, 123_456)
                    .unwrap()
            ))
        );
        assert!(Bind::from_value(Value::Array(vec![])).is_err());
    }

    #[test]
    fn recognises_the_ddl_drop() {
        let mut sql = aksara_core::Sql::drop_table("posts");
        sql.push("DROP TABLE IF EXISTS ").ident("posts").push("");
        assert_eq!(MysqlQuery::new(sql).dropped_tables(), ["posts".to_string()]);
        assert!(MysqlQuery::text("DROP TABLE IF EXISTS posts")
            .dropped_tables()
            .is_empty());
    }
}
