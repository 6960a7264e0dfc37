//! Keeping each connection's prepared statements within a bound.
//!
//! diesel caches a prepared statement per distinct statement text for the life of the
//! connection, with no bound: a program that builds many filter shapes piles up statements
//! on the server. A backend keeps one [`ShapeCache`] per connection beside diesel's cache,
//! and asks it about every statement before running it ([`ShapeCache::admit`]).

use crate::sql::{Part, Sql};
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::sync::Mutex;

/// What to do with a statement about to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// Run it with diesel's cache: its prepared form is (or will be) kept.
    Cache,
    /// Run it without keeping its prepared form.
    NoCache,
    /// Empty diesel's cache first (closing every statement it kept), then run it cached:
    /// the bound was reached.
    FlushThenCache,
}

/// The statement shapes a connection keeps prepared, at most `capacity` of them.
#[derive(Debug, Clone)]
pub struct ShapeCache {
    capacity: usize,
    /// Whether the backend can empty diesel's cache (closing the statements on the server);
    /// when not, shapes beyond the bound run uncached.
    can_flush: bool,
    /// Hashes of the shapes kept.
    shapes: HashSet<u64>,
}

impl ShapeCache {
    /// A cache for `capacity` shapes (0: nothing is kept prepared).
    pub fn new(capacity: usize, can_flush: bool) -> Self {
        ShapeCache {
            capacity,
            can_flush,
            shapes: HashSet::new(),
        }
    }

    /// How many shapes are kept now.
    pub fn len(&self) -> usize {
        self.shapes.len()
    }

    /// True when no shape is kept.
    pub fn is_empty(&self) -> bool {
        self.shapes.is_empty()
    }

    /// Decides how `sql` runs, and remembers it. A statement marked [`Sql::one_off`] is never
    /// kept. When the bound is reached, a backend that can flush empties its cache and
    /// starts again from this shape (the statements used again are prepared again); one that
    /// cannot runs new shapes uncached, keeping the ones it has.
    pub fn admit(&mut self, sql: &Sql) -> Admission {
        if sql.one_off || self.capacity == 0 {
            return Admission::NoCache;
        }
        let shape = shape_of(sql);
        if self.shapes.contains(&shape) {
            return Admission::Cache;
        }
        if self.shapes.len() < self.capacity {
            self.shapes.insert(shape);
            return Admission::Cache;
        }
        if self.can_flush {
            self.shapes.clear();
            self.shapes.insert(shape);
            Admission::FlushThenCache
        } else {
            Admission::NoCache
        }
    }
}

/// The [`ShapeCache`] of every connection of a pool, keyed by the pool's connection id; a
/// connection takes its own out while it is checked out and puts it back when returned.
#[derive(Debug)]
pub struct ShapeCaches<K> {
    capacity: usize,
    can_flush: bool,
    /// The pool's size.
    connections: usize,
    caches: Mutex<HashMap<K, ShapeCache>>,
}

impl<K: Hash + Eq> ShapeCaches<K> {
    /// Caches of `capacity` shapes each (see [`ShapeCache::new`]) for a pool of at most
    /// `connections` connections.
    pub fn new(capacity: usize, can_flush: bool, connections: usize) -> Self {
        ShapeCaches {
            capacity,
            can_flush,
            connections,
            caches: Mutex::new(HashMap::new()),
        }
    }

    /// The cache of connection `key`, and whether it is new (the connection was not seen
    /// before, or its cache was forgotten: a backend that can flush should, to be sure that
    /// the connection holds nothing the cache does not know).
    pub fn take(&self, key: &K) -> (ShapeCache, bool) {
        let found = self
            .caches
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(key);
        match found {
            Some(cache) => (cache, false),
            None => (ShapeCache::new(self.capacity, self.can_flush), true),
        }
    }

    /// Gives back the cache of connection `key` when it returns to the pool. Caches of
    /// connections the pool closed are forgotten now and then.
    pub fn put_back(&self, key: K, cache: ShapeCache) {
        let mut caches = self.caches.lock().unwrap_or_else(|p| p.into_inner());
        if caches.len() > 2 * self.connections + 8 {
            caches.clear();
        }
        caches.insert(key, cache);
    }
}

/// A hash of what diesel keys its cache on: the text, the identifiers and the bind types.
fn shape_of(sql: &Sql) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for part in &sql.parts {
        match part {
            Part::Text(t) => {
                0u8.hash(&mut hasher);
                t.hash(&mut hasher);
            }
            Part::Ident(i) => {
                1u8.hash(&mut hasher);
                i.hash(&mut hasher);
            }
            Part::Bind(value, ty) => {
                2u8.hash(&mut hasher);
                ty.hash(&mut hasher);
                // Arrays bind as one parameter whatever their length; their element type
                // is in `ty`.
                std::mem::discriminant(value).hash(&mut hasher);
            }
        }
    }
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(n: usize) -> Sql {
        let mut sql = Sql::new();
        sql.push(&format!("SELECT {n}"));
        sql
    }

    #[test]
    fn shapes_stay_within_the_bound() {
        let mut flushing = ShapeCache::new(3, true);
        let mut keeping = ShapeCache::new(3, false);
        for n in 0..3 {
            assert_eq!(flushing.admit(&shape(n)), Admission::Cache);
            assert_eq!(keeping.admit(&shape(n)), Admission::Cache);
        }
        assert_eq!(flushing.admit(&shape(0)), Admission::Cache);
        assert_eq!(flushing.admit(&shape(9)), Admission::FlushThenCache);
        assert_eq!(flushing.len(), 1);
        assert_eq!(keeping.admit(&shape(9)), Admission::NoCache);
        assert_eq!(keeping.len(), 3);
        assert_eq!(keeping.admit(&shape(1)), Admission::Cache);
        let mut once = shape(5);
        once.mark_one_off();
        assert_eq!(keeping.admit(&once), Admission::NoCache);
        assert_eq!(
            ShapeCache::new(0, true).admit(&shape(1)),
            Admission::NoCache
        );
    }
}
