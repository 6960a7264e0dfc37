//! The relation options of the derive reach the model's metadata as written: `to_field`,
//! `symmetrical`, `through_fields` and the `on_delete` rules `SET(value)`, `SET_DEFAULT` and
//! `DO_NOTHING`.

use aksara::{ForeignKey, ManyToMany, Model, OnDelete, Value, DO_NOTHING, SET, SET_DEFAULT};

#[derive(Model, Debug, Clone)]
pub struct OptCountry {
    pub id: i64,
    #[aksara(unique, max_length = 2)]
    pub code: String,
}

#[derive(Model, Debug, Clone)]
pub struct OptPerson {
    pub id: i64,
    #[aksara(to_field = "code", on_delete = DO_NOTHING)]
    pub country: ForeignKey<OptCountry, String>,
    #[aksara(on_delete = SET(0), related_name = "fallback_people")]
    pub fallback: Option<ForeignKey<OptCountry>>,
    #[aksara(on_delete = SET_DEFAULT, default = 1, related_name = "home_people")]
    pub home: ForeignKey<OptCountry>,
    #[aksara(on_delete = aksara::SET(7), related_name = "spelled_people")]
    pub spelled: ForeignKey<OptCountry>,
    #[aksara(symmetrical)]
    pub friends: ManyToMany<OptPerson>,
    #[aksara(through = OptFollow, through_fields = ("source", "target"), related_name = "followers")]
    pub follows: ManyToMany<OptPerson>,
}

#[derive(Model, Debug, Clone)]
pub struct OptFollow {
    pub id: i64,
    #[aksara(related_name = "+")]
    pub source: ForeignKey<OptPerson>,
    #[aksara(related_name = "+")]
    pub target: ForeignKey<OptPerson>,
    #[aksara(related_name = "+")]
    pub introduced_by: Option<ForeignKey<OptPerson>>,
}

fn relation(name: &str) -> aksara::RelationMeta {
    OptPerson::meta()
        .field(name)
        .and_then(|f| f.relation.clone())
        .unwrap_or_else(|| panic!("{name} is a relation"))
}

#[test]
fn to_field_and_do_nothing_are_recorded() {
    let country = relation("country");
    assert_eq!(country.to_field.as_deref(), Some("code"));
    assert_eq!(country.on_delete, OnDelete::DoNothing);
    assert_eq!(country.on_delete.name(), "DO_NOTHING");
    assert!(relation("fallback").to_field.is_none());
}

#[test]
fn set_keeps_its_value_and_set_default_its_rule() {
    match relation("fallback").on_delete {
        OnDelete::Set(value) => assert_eq!(value(), Value::from(0)),
        other => panic!("expected SET, got {other:?}"),
    }
    match relation("spelled").on_delete {
        OnDelete::Set(value) => assert_eq!(value(), Value::from(7)),
        other => panic!("expected SET, got {other:?}"),
    }
    assert_eq!(relation("home").on_delete, OnDelete::SetDefault);
    assert_eq!(SET_DEFAULT.name(), "SET_DEFAULT");
    assert_eq!(SET(|| Value::from(1)).name(), "SET");
}

#[test]
fn symmetrical_and_through_fields_are_recorded() {
    assert!(relation("friends").symmetrical);
    assert!(!relation("follows").symmetrical);
    assert_eq!(
        relation("follows").through_fields,
        Some(("source".to_string(), "target".to_string()))
    );
}
