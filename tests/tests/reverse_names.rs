//! The reverse accessors `#[derive(Model)]` generates on a related model and the reverse
//! names the registry resolves are made by one rule (`aksara::naming`): for names whose snake
//! case is not obvious, and for a model renamed with `name = "..."`, the generated method
//! exists under the name the registry lists (no database needed).

use aksara::{ForeignKey, Model, OneToOne};

#[derive(Model, Debug, Clone)]
pub struct Owner {
    pub id: i64,
}

/// Acronym then word: `http_log_entry`.
#[allow(clippy::upper_case_acronyms)]
#[derive(Model, Debug, Clone)]
pub struct HTTPLogEntry {
    pub id: i64,
    pub owner: ForeignKey<Owner>,
}

/// A digit before a capital: `v2_key`.
#[derive(Model, Debug, Clone)]
pub struct V2Key {
    pub id: i64,
    pub owner: OneToOne<Owner>,
}

/// Renamed in the registry: its reverse accessor follows the registry name.
#[derive(Model, Debug, Clone)]
#[aksara(name = "AuditNote")]
pub struct Note {
    pub id: i64,
    pub owner: ForeignKey<Owner>,
}

fn reverse_accessors() -> Vec<(String, String)> {
    let registry = aksara::Registry::builder()
        .model::<HTTPLogEntry>()
        .model::<V2Key>()
        .model::<Note>()
        .build()
        .expect("valid models");
    let owner = registry.model("Owner").expect("registered");
    let mut names: Vec<(String, String)> = owner
        .edges
        .iter()
        .filter(|e| !e.forward)
        .map(|e| (e.name.clone(), e.accessor.clone()))
        .collect();
    names.sort();
    names
}

#[test]
fn the_derive_and_the_registry_name_reverse_sides_alike() {
    assert_eq!(
        reverse_accessors(),
        [
            ("audit_note".to_string(), "audit_note_set".to_string()),
            (
                "http_log_entry".to_string(),
                "http_log_entry_set".to_string()
            ),
            ("v2_key".to_string(), "v2_key".to_string()),
        ]
    );
    // The generated methods, under the same names (this compiles only if they exist).
    let owner = Owner { id: 1 };
    let _ = owner.http_log_entry_set();
    let _ = owner.audit_note_set();
    let _accessor = Owner::v2_key;
    assert_eq!(
        aksara::naming::default_reverse_names("HTTPLogEntry", false).1,
        "http_log_entry_set"
    );
}
