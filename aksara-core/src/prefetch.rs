//! `prefetch_related`: one query per relation level, whatever the number of rows.
//!
//! # How prefetched rows are stitched to their parents
//! For each relation in the prefetch tree, the keys of the parent rows are collected (each
//! parent's foreign key for a forward relation, its primary key otherwise), deduplicated, and
//! sent in one query as one list parameter: `= ANY($1)` with an array on PostgreSQL, an `IN`
//! list padded to a few fixed sizes elsewhere, so the statement text, and therefore diesel's
//! prepared-statement cache entry, stays the same whatever the number of rows. Where lists
//! are bound item by item, more keys than one statement may carry (about 31,000 on SQLite,
//! 64,000 on MySQL) are sent in as many queries as needed.
//! Each fetched row carries its link key: its own column (the target's key, or its foreign key
//! to the parent) or, for many-to-many, the junction's column selected beside it. Rows are
//! decoded through the target's [`ModelOps`](crate::dynamic::ModelOps), prefetched further
//! down first (nested paths such as `posts__tags` are one more query each), then grouped by link
//! key and handed to each parent by name ([`AnyModel::attach`]): a forward relation receives
//! the one shared row, a reverse one-to-one its row or none, a to-many relation its rows in
//! query order. A row related to many parents is shared through an `Arc`, never copied.
//! A custom [`Prefetch`](crate::query::Prefetch) adds conditions and order, or a whole inner
//! queryset: its `select_related` relations are joined into the level's one query (their
//! columns follow the row's, and the junction's), its own prefetches are nested levels, and
//! its limit and offset are applied per parent with `ROW_NUMBER() OVER (PARTITION BY link
//! ...)`. Its `to_attr` names where each parent keeps the rows instead of the relation.
//! A forward to-one step that `select_related` already loaded on every parent is not read
//! again: its rows are taken out of their parents, prefetched further down, and put back.

use crate::compile::{in_list_limit, Compiler, PrefetchLink};
use crate::db::Db;
use crate::dialect::Dialect;
use crate::dynamic::{AnyModel, Loaded, SharedAny};
use crate::error::{Error, Result};
use crate::model::RowReader;
use crate::query::PrefetchNode;
use crate::registry::{Edge, ModelInfo, Via};
use crate::value::Value;
use rustc_hash::FxHashMap as HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// A value usable as a hash key (keys are integers, UUIDs or text).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyOf {
    /// An integer key.
    Int(i64),
    /// A UUID key.
    Uuid(uuid::Uuid),
    /// Any other key, by its text.
    Text(String),
}

impl KeyOf {
    /// The key of `value`, `None` for NULL.
    pub fn of(value: &Value) -> Option<KeyOf> {
        Some(match value {
            Value::Null => return None,
            Value::I32(v) => KeyOf::Int(i64::from(*v)),
            Value::I64(v) => KeyOf::Int(*v),
            Value::Uuid(u) => KeyOf::Uuid(*u),
            Value::String(s) => KeyOf::Text(s.clone()),
            other => KeyOf::Text(other.to_string()),
        })
    }
}

impl crate::query::Prefetch {
    /// The related rows are those of `queryset`: its conditions, order, `select_related`
    /// (joined into the one query of this level), `prefetch_related` (one more query per
    /// nested level) and its `limit`/`offset`, applied per parent row. It replaces what
    /// [`filter`](Self::filter), [`order_by`](Self::order_by) and [`limit`](Self::limit)
    /// set before. The queryset must be of the relation's target model; running the prefetch
    /// with another model is an [`Error::Config`](crate::Error::Config).
    pub fn queryset<M: crate::model::Model>(
        mut self,
        queryset: crate::manager::QuerySet<M>,
    ) -> Self {
        self.query = queryset.query;
        self.model = Some(M::meta().name.clone());
        self
    }
}

/// Prefetches `nodes` for `rows` of `model`.
pub fn prefetch<'a>(
    db: &'a Db,
    model: &'a ModelInfo,
    rows: Vec<&'a mut dyn AnyModel>,
    nodes: &'a [PrefetchNode],
) -> Pin<Box<dyn Future<Output = Result<()>> + Send + 'a>> {
    Box::pin(async move {
        let mut rows = rows;
        for node in nodes {
            prefetch_one(db, model, &mut rows, node).await?;
        }
        Ok(())
    })
}

/// The parents' keys in lists that each fit one statement (see [`in_list_limit`]): one
/// more query per 31,000 keys or so on SQLite.
fn key_chunks(dialect: &dyn Dialect, keys: Vec<Value>) -> Vec<Vec<Value>> {
    let per_query = in_list_limit(dialect);
    if keys.len() <= per_query {
        return vec![keys];
    }
    keys.chunks(per_query).map(<[Value]>::to_vec).collect()
}

async fn prefetch_one(
    db: &Db,
    model: &ModelInfo,
    rows: &mut [&mut dyn AnyModel],
    node: &PrefetchNode,
) -> Result<()> {
    let registry = db.registry().clone();
    let edge = model
        .edge(&node.name)
        .ok_or_else(|| model.unknown(&node.name))?
        .clone();
    let target = registry.at(edge.target);
    let ops = target.meta.ops.ok_or_else(|| {
        Error::config(format!(
            "{} has no Rust type to load prefetched rows into",
            target.meta.name
        ))
    })?;
    check_node(model, target, &edge, node)?;
    if reuse_selected(db, target, rows, node).await? {
        return Ok(());
    }
    let attr = node.attr();
    // Where each parent's key is, and how fetched rows link back.
    let parent_key_index = match &edge.via {
        Via::Forward { column, .. } => model
            .meta
            .concrete_fields()
            .position(|f| &f.column == column),
        Via::Reverse { source_column, .. }
        | Via::Junction {
            source_key: source_column,
            ..
        } => model
            .meta
            .concrete_fields()
            .position(|f| &f.column == source_column),
    }
    .ok_or_else(|| {
        Error::config(format!(
            "{}.{}: key column not found",
            model.meta.name, node.name
        ))
    })?;
    let mut keys: Vec<Value> = Vec::new();
    let mut seen: HashMap<KeyOf, ()> = HashMap::default();
    let parent_keys: Vec<Option<KeyOf>> = rows
        .iter()
        .map(|row| {
            let value = row.value_at(parent_key_index);
            let key = KeyOf::of(&value);
            if let Some(k) = &key {
                if seen.insert(k.clone(), ()).is_none() {
                    keys.push(value);
                }
            }
            key
        })
        .collect();
    let many = edge.is_many();
    // Parents sharing a key (posts of one author, for a forward relation) share its group;
    // otherwise each parent takes its group without a copy.
    let parents_share_keys = keys.len() < parent_keys.iter().flatten().count();
    if keys.is_empty() {
        for row in rows.iter_mut() {
            row.attach(attr, empty(ops.list, &edge))?;
        }
        return Ok(());
    }
    let (link, junction_link, child_link_index) = match &edge.via {
        Via::Forward { target_column, .. } => {
            let field = target
                .meta
                .concrete_fields()
                .find(|f| &f.column == target_column)
                .ok_or_else(|| missing_column(&target.meta.name, target_column))?;
            let index = target
                .meta
                .concrete_fields()
                .position(|f| &f.column == target_column);
            (PrefetchLink::Column(field), None, index)
        }
        Via::Reverse { column, .. } => {
            let field = target
                .meta
                .concrete_fields()
                .find(|f| &f.column == column)
                .ok_or_else(|| missing_column(&target.meta.name, column))?;
            let index = target
                .meta
                .concrete_fields()
                .position(|f| &f.column == column);
            (PrefetchLink::Column(field), None, index)
        }
        Via::Junction {
            junction,
            source_column,
            target_column,
            ..
        } => {
            let junction = registry.at(*junction);
            let source = junction
                .meta
                .concrete_fields()
                .find(|f| &f.column == source_column)
                .ok_or_else(|| missing_column(&junction.meta.name, source_column))?;
            let link = PrefetchLink::Junction {
                junction,
                source,
                target_column,
            };
            (link, Some(source.kind.clone()), None)
        }
    };
    let mut fetched = Vec::new();
    let mut selected = Vec::new();
    for chunk in key_chunks(db.dialect(), keys) {
        let statement = Compiler::new(&registry, db.dialect()).select_prefetch(
            target,
            &node.query,
            link,
            chunk,
        )?;
        fetched.extend(db.fetch(statement.sql).await?);
        selected = statement.related;
    }
    // A row reached from several parents (a tag of many posts) arrives once per parent; it is
    // decoded once and shared, keyed by its primary key.
    let target_pk = target.meta.try_pk().and_then(|pk| {
        let index = target
            .meta
            .concrete_fields()
            .position(|f| std::ptr::eq(f, pk))?;
        Some((index, pk.kind.clone()))
    });
    let mut distinct: Vec<std::sync::Arc<dyn AnyModel>> = Vec::with_capacity(fetched.len());
    let mut by_key: HashMap<KeyOf, usize> = HashMap::default();
    let mut links: Vec<(usize, Option<KeyOf>)> = Vec::with_capacity(fetched.len());
    let width = target.meta.concrete_fields().count();
    // Only rows reached through a junction can arrive more than once (a tag of many posts);
    // otherwise each row arrives once, as the keys sent were distinct.
    let may_repeat = junction_link.is_some();
    for row in fetched {
        let key = target_pk
            .as_ref()
            .filter(|_| may_repeat)
            .and_then(|(i, kind)| row.get(*i).cloned().and_then(|v| kind.coerce(v).ok()))
            .and_then(|v| KeyOf::of(&v));
        // The junction's column arrives as the backend's natural value (bytes on MySQL, text
        // on SQLite for a UUID); coerced to its kind it compares with the parents' keys.
        let junction_key = junction_link.as_ref().and_then(|kind| {
            row.get(width)
                .cloned()
                .and_then(|v| kind.coerce(v).ok())
                .and_then(|v| KeyOf::of(&v))
        });
        let known = key.as_ref().and_then(|k| by_key.get(k)).copied();
        let index = match known {
            Some(index) => index,
            None => {
                let mut reader = RowReader::new(row);
                let mut child = (ops.decode)(&mut reader)?;
                if !selected.is_empty() {
                    // The junction's column sits between the row and its joined relations.
                    reader.skip(usize::from(junction_link.is_some()));
                    crate::selected::attach_selected(
                        &registry,
                        crate::dynamic::unique(&mut child),
                        &selected,
                        &mut reader,
                        None,
                    )?;
                }
                distinct.push(child);
                if let Some(k) = key {
                    by_key.insert(k, distinct.len() - 1);
                }
                distinct.len() - 1
            }
        };
        let link = if junction_link.is_some() {
            junction_key
        } else {
            child_link_index.and_then(|i| KeyOf::of(&distinct[index].value_at(i)))
        };
        links.push((index, link));
    }
    if !node.children.is_empty() {
        let refs: Vec<&mut dyn AnyModel> =
            distinct.iter_mut().map(crate::dynamic::unique).collect();
        prefetch(db, target, refs, &node.children).await?;
    }
    let mut grouped: HashMap<KeyOf, Vec<SharedAny>> = HashMap::default();
    for (index, link) in links {
        if let Some(link) = link {
            grouped
                .entry(link)
                .or_default()
                .push(crate::dynamic::share(distinct[index].clone()));
        }
    }
    for (row, key) in rows.iter_mut().zip(parent_keys) {
        let loaded = if many {
            let group = match key {
                Some(k) if parents_share_keys => grouped.get(&k).cloned(),
                Some(k) => grouped.remove(&k),
                None => None,
            };
            Loaded::Many((ops.list)(group.unwrap_or_default()))
        } else {
            let group = key.and_then(|k| grouped.get(&k));
            Loaded::One(group.and_then(|g| g.first().cloned()))
        };
        row.attach(attr, loaded)?;
    }
    Ok(())
}

/// Refuses a prefetch whose inner queryset is of another model than the relation's, or whose
/// `to_attr` would hide a field or relation of the parent.
fn check_node(
    model: &ModelInfo,
    target: &ModelInfo,
    edge: &Edge,
    node: &PrefetchNode,
) -> Result<()> {
    if let Some(queried) = &node.model {
        if queried != &target.meta.name {
            return Err(Error::config(format!(
                "Prefetch(\"{}\"): the queryset is of {queried}, but {}.{} holds {} rows",
                node.name, model.meta.name, edge.name, target.meta.name
            )));
        }
    }
    if let Some(to_attr) = &node.to_attr {
        if model.edge(to_attr).is_some() || model.meta.fields.iter().any(|f| &f.name == to_attr) {
            return Err(Error::config(format!(
                "Prefetch(\"{}\").to_attr(\"{to_attr}\"): {to_attr} is already a field or relation of {}",
                node.name, model.meta.name
            )));
        }
    }
    Ok(())
}

/// A prefetch through a forward to-one relation that `select_related` already loaded on every
/// parent: the loaded rows are used (the nested prefetches run on them) rather than read
/// again. Returns false, changing nothing, when some parent lacks the row or the prefetch has
/// a query or a `to_attr` of its own.
async fn reuse_selected(
    db: &Db,
    target: &ModelInfo,
    rows: &mut [&mut dyn AnyModel],
    node: &PrefetchNode,
) -> Result<bool> {
    if node.to_attr.is_some() || node.query != crate::query::Query::default() {
        return Ok(false);
    }
    let mut taken: Vec<Option<Arc<dyn AnyModel>>> = Vec::with_capacity(rows.len());
    let mut complete = true;
    for row in rows.iter_mut() {
        match row.take_loaded(&node.name) {
            Some(one) if one.as_ref().is_none_or(|r| Arc::strong_count(r) == 1) => taken.push(one),
            other => {
                if let Some(one) = other {
                    taken.push(one);
                }
                complete = false;
                break;
            }
        }
    }
    if complete && !node.children.is_empty() {
        let refs: Vec<&mut dyn AnyModel> = taken
            .iter_mut()
            .flatten()
            .map(crate::dynamic::unique)
            .collect();
        prefetch(db, target, refs, &node.children).await?;
    }
    for (row, one) in rows.iter_mut().zip(taken) {
        row.attach(&node.name, Loaded::One(one.map(crate::dynamic::share)))?;
    }
    Ok(complete)
}

/// Nothing loaded for a relation: an empty list for a to-many relation (built by `list`),
/// no row for a to-one one.
fn empty(list: fn(Vec<SharedAny>) -> SharedAny, edge: &Edge) -> Loaded {
    if edge.is_many() {
        Loaded::Many(list(Vec::new()))
    } else {
        Loaded::One(None)
    }
}

/// The error for a relation whose column its model does not have (metadata built by hand or
/// read from a changed catalog), instead of a panic.
fn missing_column(model: &str, column: &str) -> Error {
    Error::config(format!(
        "model {model} has no column {column}, which one of its relations uses"
    ))
}
