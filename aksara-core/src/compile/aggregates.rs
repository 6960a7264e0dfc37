//! Aggregates in SQL.
//!
//! An annotation (`annotate("n_posts", Count::of("posts"))`) is a correlated scalar subquery
//! over the one row it annotates: `(SELECT COUNT(a.id) FROM authors s INNER JOIN posts a ON
//! a.author_id = s.id WHERE s.id = t.id)`, the path's to-many steps joined inside it. Each
//! annotation has its own subquery, so two annotations over different to-many relations never
//! multiply each other's rows (the trap of one shared join). The model's table is read through
//! a derived table holding its columns and the annotations, so conditions and order name an
//! annotation as a column (`n_posts__gt`).
//!
//! `aggregate(..)` totals are the same subqueries restricted by the query's conditions instead
//! of one row, in a `SELECT` without `FROM`.

use super::paths::Resolved;
use super::{Compiler, Join, Scope};
use crate::error::{Error, Result};
use crate::meta::FieldMeta;
use crate::query::{Aggregate, AggregateFunction, Annotation, Computed, Lookup, Query};
use crate::registry::{Edge, Via};
use crate::sql::Sql;
use crate::value::FieldKind;

/// The longest annotation name, in bytes.
pub const MAX_NAME_LENGTH: usize = 63;

/// A column a query computes besides the model's: its name and the kind it is read as.
#[derive(Debug, Clone)]
pub struct ComputedColumn {
    /// The annotation's (or value's) name.
    pub name: String,
    /// The column it is selected as.
    pub column: String,
    /// The kind its value is read as (`BigInteger` for a count, `Float` for a mean, the
    /// field's own kind for a least or greatest value).
    pub kind: FieldKind,
    /// Whether it may be NULL (a sum, mean, least or greatest value over no row).
    pub nullable: bool,
}

/// The annotated model table of the query being compiled: the derived table's alias, and the
/// annotation columns it adds.
pub(super) struct AnnotatedTable {
    pub(super) alias: String,
    pub(super) columns: Vec<ComputedColumn>,
    pub(super) body: Sql,
}

/// What an aggregate's subquery is restricted to.
pub(super) enum Over<'c> {
    /// The row of the outer query with this alias (an annotation).
    Row(&'c str),
    /// The rows this query selects (an `aggregate` total; its conditions may name its
    /// annotations).
    Rows(&'c Query),
}

/// The value an aggregate reads: a column (through the joins it needed), and the field.
pub(super) struct AggregatedValue {
    pub(super) alias: String,
    pub(super) field: FieldMeta,
    /// The to-many join the value's rows come from (`""` for the row itself).
    pub(super) many_path: String,
    /// The path named a relation: its rows are counted by key.
    pub(super) is_relation: bool,
}

impl Compiler<'_> {
    /// Registers the annotations of a query on `scope` (its top scope): the model's table is
    /// then read through a derived table holding them, and paths may name them.
    pub(super) fn annotate_scope(
        &mut self,
        scope: &Scope,
        annotations: &[Annotation],
    ) -> Result<()> {
        if annotations.is_empty() {
            return Ok(());
        }
        let info = self.registry.at(scope.model);
        let meta = &info.meta;
        let inner = self.alias();
        let mut body = Sql::new();
        body.push("SELECT ").alias(&inner).push(".*");
        let mut columns = Vec::with_capacity(annotations.len());
        for (i, a) in annotations.iter().enumerate() {
            let taken = meta
                .fields
                .iter()
                .any(|f| f.name == a.name || f.column == a.name)
                || info.edge(&a.name).is_some()
                || annotations[..i].iter().any(|b| b.name == a.name);
            if a.name.len() > MAX_NAME_LENGTH {
                return Err(Error::config(format!(
                    "annotate(\"{}…\") on {}: a name is at most {MAX_NAME_LENGTH} bytes (the \
                     longest identifier PostgreSQL keeps; a longer one would be cut and could \
                     read as another)",
                    a.name.chars().take(20).collect::<String>(),
                    meta.name
                )));
            }
            if taken || a.name.is_empty() || a.name.contains("__") {
                return Err(Error::config(format!(
                    "annotate(\"{}\", {}) on {}: the name {}",
                    a.name,
                    a.value.describe(),
                    meta.name,
                    if taken {
                        "is already a field, relation or annotation of the model"
                    } else {
                        "must be non-empty and hold no `__`"
                    }
                )));
            }
            let (sql, column) = match &a.value {
                Computed::Aggregate(aggregate) => {
                    self.aggregate_subquery(scope.model, aggregate, Over::Row(&inner))?
                }
                Computed::Subquery(sub) => {
                    let what = format!("annotate(\"{}\") on {}", a.name, meta.name);
                    self.value_subquery(sub, (scope.model, &inner), &what)?
                }
            };
            body.push(", ").append(sql).push(" AS ").ident(&a.name);
            columns.push(ComputedColumn {
                name: a.name.clone(),
                column: a.name.clone(),
                ..column
            });
        }
        body.push(" FROM ")
            .ident(&meta.table)
            .push(" AS ")
            .alias(&inner);
        self.annotated = Some(AnnotatedTable {
            alias: scope.alias.clone(),
            columns,
            body,
        });
        Ok(())
    }

    /// The annotation columns of `alias`'s table, if it is the annotated one.
    pub(super) fn annotation_columns(&self, alias: &str) -> &[ComputedColumn] {
        match &self.annotated {
            Some(table) if table.alias == alias => &table.columns,
            _ => &[],
        }
    }

    /// A path naming an annotation of the scope's table, as a column (`n_posts__gt`).
    pub(super) fn resolve_annotation(
        &self,
        scope: &Scope,
        parts: &[String],
    ) -> Result<Option<Resolved>> {
        let Some(first) = parts.first() else {
            return Ok(None);
        };
        let Some(column) = self
            .annotation_columns(&scope.alias)
            .iter()
            .find(|c| &c.name == first)
        else {
            return Ok(None);
        };
        let mut field = FieldMeta::new(column.name.clone(), column.kind.clone());
        field.column = column.column.clone();
        field.nullable = column.nullable;
        let info = self.registry.at(scope.model);
        let lookup = super::paths::lookup_of(info, &parts[1..], &field)?;
        Ok(Some(Resolved::Column {
            alias: scope.alias.clone(),
            model: scope.model,
            field,
            lookup,
        }))
    }

    /// `(SELECT AGG(value) FROM table AS s <joins> WHERE <restriction> [AND filter])`: one
    /// aggregate of `model`'s rows, and the column it makes.
    pub(super) fn aggregate_subquery(
        &mut self,
        model: usize,
        aggregate: &Aggregate,
        over: Over<'_>,
    ) -> Result<(Sql, ComputedColumn)> {
        let meta = self.registry.at(model).meta.clone();
        let mut scope = match over {
            Over::Row(_) => self.scope(model),
            Over::Rows(query) => self.top_scope(model, query)?,
        };
        // The restriction first: its to-many conditions stay EXISTS, not the joined rows.
        let mut restriction = Sql::new();
        match over {
            Over::Row(outer) => {
                let pk = meta.pk()?;
                restriction
                    .push(" WHERE ")
                    .column(&scope.alias, &pk.column)
                    .push(" = ")
                    .column(outer, &pk.column);
            }
            Over::Rows(query) => restriction = self.where_clause(&mut scope, &query.conditions)?,
        }
        let value = self.aggregated_value(&mut scope, aggregate)?;
        let filter = match &aggregate.filter {
            Some(condition) => Some(self.aggregate_filter(&mut scope, aggregate, condition)?),
            None => None,
        };
        let column = self.aggregate_column(&meta.name, aggregate, &value)?;
        let mut sql = Sql::new();
        sql.push("(SELECT ");
        self.aggregate_call(&mut sql, aggregate, &value, &column, None);
        self.from(&mut sql, &scope);
        let restricted = !restriction.is_empty();
        sql.append(restriction);
        if let Some(filter) = filter {
            sql.push(if restricted { " AND " } else { " WHERE " })
                .append(filter);
        }
        sql.push(")");
        Ok((sql, column))
    }

    /// The condition of a conditional aggregate, in `scope` (its depth checked first, as
    /// every condition's is).
    pub(super) fn aggregate_filter(
        &mut self,
        scope: &mut Scope,
        aggregate: &Aggregate,
        condition: &crate::query::Condition,
    ) -> Result<Sql> {
        let model = &self.registry.at(scope.model).meta.name;
        crate::query::check_depth(
            &format!("{model} {}", aggregate.describe()),
            std::slice::from_ref(condition),
        )?;
        let flat = super::conditions::flatten_same_kind(condition);
        self.group(scope, &flat)
    }

    /// `CAST(AGG([DISTINCT] value) AS type)`, the value kept only where `only_when` holds
    /// (`CASE WHEN .. THEN value END`) when given.
    pub(super) fn aggregate_call(
        &self,
        sql: &mut Sql,
        aggregate: &Aggregate,
        value: &AggregatedValue,
        column: &ComputedColumn,
        only_when: Option<Sql>,
    ) {
        let cast = match (aggregate.function, &column.kind) {
            (AggregateFunction::Count, _) => None,
            (AggregateFunction::Sum, FieldKind::BigInteger) => Some(self.integer_cast()),
            (AggregateFunction::Avg, _) | (AggregateFunction::Sum, FieldKind::Float) => {
                Some(self.float_cast())
            }
            _ => None,
        };
        if cast.is_some() {
            sql.push("CAST(");
        }
        sql.push(aggregate.function.sql()).push("(");
        if aggregate.distinct {
            sql.push("DISTINCT ");
        }
        match only_when {
            Some(condition) => {
                sql.push("CASE WHEN ")
                    .append(condition)
                    .push(" THEN ")
                    .column(&value.alias, &value.field.column)
                    .push(" END");
            }
            None => {
                sql.column(&value.alias, &value.field.column);
            }
        }
        sql.push(")");
        if let Some(ty) = cast {
            sql.push(" AS ").push(ty).push(")");
        }
    }

    /// Walks an aggregate's path in `scope`, joining its to-many steps (INNER: a row with no
    /// related row then has none to aggregate), to the column it reads.
    pub(super) fn aggregated_value(
        &mut self,
        scope: &mut Scope,
        aggregate: &Aggregate,
    ) -> Result<AggregatedValue> {
        self.walk_aggregated(scope, &aggregate.path, &aggregate.describe(), true)
    }

    /// The column at `path` (`what` names it in messages), to-many steps joined INNER or
    /// LEFT; a path ending at a relation reads the related rows' key.
    pub(super) fn walk_aggregated(
        &mut self,
        scope: &mut Scope,
        path: &str,
        what: &str,
        inner: bool,
    ) -> Result<AggregatedValue> {
        let parts: Vec<String> = path.split("__").map(str::to_string).collect();
        if parts.len() > crate::query::MAX_PATH_LENGTH {
            return Err(Error::config(format!(
                "{what}: a path of {} segments exceeds MAX_PATH_LENGTH = {}",
                parts.len(),
                crate::query::MAX_PATH_LENGTH
            )));
        }
        loop {
            match self.resolve(scope, &parts)? {
                Resolved::Column {
                    alias,
                    field,
                    lookup: Lookup::Exact,
                    ..
                } => {
                    // The deepest to-many join the path walks (joined now or earlier).
                    let many_path = scope
                        .joins
                        .iter()
                        .filter(|j| {
                            j.many && (path == j.path || path.starts_with(&format!("{}__", j.path)))
                        })
                        .map(|j| j.path.clone())
                        .max_by_key(String::len)
                        .unwrap_or_default();
                    return Ok(AggregatedValue {
                        alias,
                        field,
                        many_path,
                        is_relation: false,
                    });
                }
                Resolved::Column { lookup, .. } => {
                    return Err(Error::config(format!(
                        "{what}: reads a field, not a lookup (`{}`)",
                        lookup.name()
                    )))
                }
                Resolved::ToMany { alias, edge, rest } => {
                    let prefix = parts[..parts.len() - rest.len()].join("__");
                    let joined = self.join_many(scope, &prefix, &alias, &edge, inner)?;
                    if rest.is_empty() {
                        let field = self.registry.at(edge.target).meta.pk()?.clone();
                        return Ok(AggregatedValue {
                            alias: joined,
                            field,
                            many_path: prefix,
                            is_relation: true,
                        });
                    }
                }
            }
        }
    }

    /// Joins the to-many relation `edge` from `from` into `scope` under `path` (a reverse
    /// foreign key directly, a many-to-many through its junction table); returns the related
    /// rows' alias. Paths through `path` then walk the joined rows.
    pub(super) fn join_many(
        &mut self,
        scope: &mut Scope,
        path: &str,
        from: &str,
        edge: &Edge,
        inner: bool,
    ) -> Result<String> {
        if let Some(j) = scope.joins.iter().find(|j| j.many && j.path == path) {
            return Ok(j.alias.clone());
        }
        let alias = self.alias();
        let target = self.registry.at(edge.target).meta.table.clone();
        let join = if inner { " INNER JOIN " } else { " LEFT JOIN " };
        let mut clause = Sql::new();
        match &edge.via {
            Via::Reverse {
                column,
                source_column,
            } => {
                clause
                    .push(join)
                    .ident(&target)
                    .push(" AS ")
                    .alias(&alias)
                    .push(" ON ")
                    .column(&alias, column)
                    .push(" = ")
                    .column(from, source_column);
            }
            Via::Junction {
                table,
                source_column,
                target_column,
                source_key,
                target_key,
                ..
            } => {
                let junction = self.alias();
                clause
                    .push(join)
                    .ident(table)
                    .push(" AS ")
                    .alias(&junction)
                    .push(" ON ")
                    .column(&junction, source_column)
                    .push(" = ")
                    .column(from, source_key)
                    .push(join)
                    .ident(&target)
                    .push(" AS ")
                    .alias(&alias)
                    .push(" ON ")
                    .column(&alias, target_key)
                    .push(" = ")
                    .column(&junction, target_column);
            }
            Via::Forward { .. } => {
                return Err(Error::config(format!(
                    "`{}` is a to-one relation, not a to-many one",
                    edge.name
                )))
            }
        }
        scope.joins.push(Join {
            path: path.to_string(),
            alias: alias.clone(),
            inner,
            many: true,
            clause,
        });
        Ok(alias)
    }

    /// The column an aggregate makes: the kind it is read as, or an error for a function the
    /// field's kind has no meaning for.
    pub(super) fn aggregate_column(
        &self,
        model: &str,
        aggregate: &Aggregate,
        value: &AggregatedValue,
    ) -> Result<ComputedColumn> {
        let numeric = matches!(
            value.field.kind,
            FieldKind::Integer
                | FieldKind::BigInteger
                | FieldKind::AutoInteger
                | FieldKind::AutoBigInteger
                | FieldKind::Float
        );
        let refuse =
            |what: &str| Error::config(format!("{} on {model}: {what}", aggregate.describe()));
        if value.is_relation && aggregate.function != AggregateFunction::Count {
            return Err(refuse(
                "the path names a relation; name one of its fields (`posts__views`)",
            ));
        }
        let (kind, nullable) = match aggregate.function {
            AggregateFunction::Count => (FieldKind::BigInteger, false),
            AggregateFunction::Sum if !numeric => {
                return Err(refuse(&format!(
                    "a sum needs a number field; `{}` is {} field",
                    value.field.name,
                    crate::naming::with_article(value.field.kind.describe())
                )))
            }
            AggregateFunction::Sum if value.field.kind == FieldKind::Float => {
                (FieldKind::Float, true)
            }
            AggregateFunction::Sum => (FieldKind::BigInteger, true),
            AggregateFunction::Avg if !numeric => {
                return Err(refuse(&format!(
                    "a mean needs a number field; `{}` is {} field",
                    value.field.name,
                    crate::naming::with_article(value.field.kind.describe())
                )))
            }
            AggregateFunction::Avg => (FieldKind::Float, true),
            AggregateFunction::Min | AggregateFunction::Max => {
                let kind = match &value.field.kind {
                    FieldKind::AutoBigInteger => FieldKind::BigInteger,
                    FieldKind::AutoInteger => FieldKind::Integer,
                    FieldKind::Json | FieldKind::Bytes => {
                        return Err(refuse(&format!(
                            "`{}` is {} field, which has no order",
                            value.field.name,
                            crate::naming::with_article(value.field.kind.describe())
                        )))
                    }
                    other => other.clone(),
                };
                (kind, true)
            }
        };
        Ok(ComputedColumn {
            name: aggregate.path.clone(),
            column: aggregate.path.clone(),
            kind,
            nullable,
        })
    }

    /// `SELECT (total), (total), ...`: the totals of `aggregate(..)` over the rows `conditions`
    /// select, each its own subquery.
    pub fn aggregate_totals(
        &mut self,
        model: usize,
        query: &Query,
        annotations: &[Annotation],
    ) -> Result<(Sql, Vec<ComputedColumn>)> {
        if annotations.is_empty() {
            return Err(Error::config(format!(
                "aggregate() on {} needs at least one aggregate",
                self.registry.at(model).meta.name
            )));
        }
        let mut sql = Sql::new();
        sql.push("SELECT ");
        let mut columns = Vec::with_capacity(annotations.len());
        for (i, a) in annotations.iter().enumerate() {
            if annotations[..i].iter().any(|b| b.name == a.name) {
                return Err(Error::config(format!(
                    "aggregate(): the name `{}` is given twice",
                    a.name
                )));
            }
            let Computed::Aggregate(aggregate) = &a.value else {
                return Err(Error::config(format!(
                    "aggregate(\"{}\"): a subquery is an annotation of each row, not a total",
                    a.name
                )));
            };
            let (total, column) = self.aggregate_subquery(model, aggregate, Over::Rows(query))?;
            if i > 0 {
                sql.push(", ");
            }
            sql.append(total).push(" AS ").ident(&a.name);
            columns.push(ComputedColumn {
                name: a.name.clone(),
                column: a.name.clone(),
                ..column
            });
        }
        Ok((sql, columns))
    }

    fn integer_cast(&self) -> &'static str {
        match self.dialect.name() {
            "mysql" => "SIGNED",
            "sqlite" => "INTEGER",
            _ => "BIGINT",
        }
    }

    fn float_cast(&self) -> &'static str {
        match self.dialect.name() {
            "mysql" => "DOUBLE",
            "sqlite" => "REAL",
            _ => "DOUBLE PRECISION",
        }
    }
}
