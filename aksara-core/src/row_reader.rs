//! [`RowReader`]: reads the columns of one row in order, converting each to its field's type.

use crate::error::{Error, Result};
use crate::field_type::FromValue;
use crate::value::{FieldKind, Value};

/// Reads the columns of one row, in order, converting each to its field's type.
pub struct RowReader {
    values: std::vec::IntoIter<Value>,
}

impl RowReader {
    /// A reader over `values`.
    pub fn new(values: Vec<Value>) -> Self {
        RowReader {
            values: values.into_iter(),
        }
    }

    /// The next raw column.
    pub fn next_raw(&mut self) -> Option<Value> {
        self.values.next()
    }

    /// The next column, coerced to `kind` and converted to `T`; a missing column or a value
    /// that does not convert is an [`Error::Decode`] naming `model` and `field`.
    /// [`RowReader::read`] is this with the names and kind taken from the field's metadata.
    pub fn read_as<T: FromValue>(
        &mut self,
        kind: &FieldKind,
        model: &str,
        field: &str,
    ) -> Result<T> {
        let decode_error = |message: String| Error::Decode {
            model: model.to_string(),
            field: field.to_string(),
            message,
        };
        let raw = self
            .values
            .next()
            .ok_or_else(|| decode_error("the row has fewer columns than the model".into()))?;
        let value = kind.coerce(raw).map_err(decode_error)?;
        T::from_value(value).map_err(decode_error)
    }

    /// Skips `n` columns.
    pub fn skip(&mut self, n: usize) {
        for _ in 0..n {
            self.values.next();
        }
    }

    /// True when the next `n` columns are all NULL (a LEFT JOIN that found nothing).
    pub fn next_all_null(&self, n: usize) -> bool {
        self.values.as_slice().iter().take(n).all(Value::is_null)
    }
}
