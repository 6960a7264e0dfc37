//! The model versions of `migrations.rs`: one module per version, the same tables.

/// Version 1: people with a name.
pub mod v1 {
    use aksara::Model;
    #[derive(Model, Debug, Clone)]
    #[aksara(table = "mg_people")]
    pub struct Person {
        pub id: i64,
        #[aksara(max_length = 100)]
        pub name: String,
    }
}

/// Version 2: a NOT NULL nickname with a default (existing rows get it).
pub mod v2 {
    use aksara::Model;
    #[derive(Model, Debug, Clone)]
    #[aksara(table = "mg_people")]
    pub struct Person {
        pub id: i64,
        #[aksara(max_length = 100)]
        pub name: String,
        #[aksara(max_length = 50, default = "none")]
        pub nickname: String,
    }
}

/// Version 3: the nickname becomes nullable (and loses its default).
pub mod v3 {
    use aksara::Model;
    #[derive(Model, Debug, Clone)]
    #[aksara(table = "mg_people")]
    pub struct Person {
        pub id: i64,
        #[aksara(max_length = 100)]
        pub name: String,
        #[aksara(max_length = 50)]
        pub nickname: Option<String>,
    }
}

/// Version 4: a team, referenced with SET_NULL.
pub mod v4 {
    use aksara::{ForeignKey, Model, SET_NULL};
    #[derive(Model, Debug, Clone)]
    #[aksara(table = "mg_teams")]
    pub struct Team {
        pub id: i64,
        #[aksara(max_length = 40)]
        pub name: String,
    }
    #[derive(Model, Debug, Clone)]
    #[aksara(table = "mg_people")]
    pub struct Person {
        pub id: i64,
        #[aksara(max_length = 100)]
        pub name: String,
        #[aksara(max_length = 50)]
        pub nickname: Option<String>,
        #[aksara(on_delete = SET_NULL, related_name = "members")]
        pub team: Option<ForeignKey<Team>>,
    }
}

/// Version 5: tags, many-to-many (an automatic junction table).
pub mod v5 {
    use aksara::{ForeignKey, ManyToMany, Model, SET_NULL};
    #[derive(Model, Debug, Clone)]
    #[aksara(table = "mg_teams")]
    pub struct Team {
        pub id: i64,
        #[aksara(max_length = 40)]
        pub name: String,
    }
    #[derive(Model, Debug, Clone)]
    #[aksara(table = "mg_tags")]
    pub struct Tag {
        pub id: i64,
        #[aksara(max_length = 40, unique)]
        pub label: String,
    }
    #[derive(Model, Debug, Clone)]
    #[aksara(table = "mg_people")]
    pub struct Person {
        pub id: i64,
        #[aksara(max_length = 100)]
        pub name: String,
        #[aksara(max_length = 50)]
        pub nickname: Option<String>,
        #[aksara(on_delete = SET_NULL, related_name = "members")]
        pub team: Option<ForeignKey<Team>>,
        #[aksara(db_table = "mg_people_tags", related_name = "people")]
        pub tags: ManyToMany<Tag>,
    }
}

/// Version 6: `name` renamed to `full_name`.
pub mod v6 {
    use aksara::{ForeignKey, ManyToMany, Model, SET_NULL};
    #[derive(Model, Debug, Clone)]
    #[aksara(table = "mg_teams")]
    pub struct Team {
        pub id: i64,
        #[aksara(max_length = 40)]
        pub name: String,
    }
    #[derive(Model, Debug, Clone)]
    #[aksara(table = "mg_tags")]
    pub struct Tag {
        pub id: i64,
        #[aksara(max_length = 40, unique)]
        pub label: String,
    }
    #[derive(Model, Debug, Clone)]
    #[aksara(table = "mg_people")]
    pub struct Person {
        pub id: i64,
        #[aksara(max_length = 100)]
        pub full_name: String,
        #[aksara(max_length = 50)]
        pub nickname: Option<String>,
        #[aksara(on_delete = SET_NULL, related_name = "members")]
        pub team: Option<ForeignKey<Team>>,
        #[aksara(db_table = "mg_people_tags", related_name = "people")]
        pub tags: ManyToMany<Tag>,
    }
}

/// Version 7: the nickname dropped.
pub mod v7 {
    use aksara::{ForeignKey, ManyToMany, Model, SET_NULL};
    #[derive(Model, Debug, Clone)]
    #[aksara(table = "mg_teams")]
    pub struct Team {
        pub id: i64,
        #[aksara(max_length = 40)]
        pub name: String,
    }
    #[derive(Model, Debug, Clone)]
    #[aksara(table = "mg_tags")]
    pub struct Tag {
        pub id: i64,
        #[aksara(max_length = 40, unique)]
        pub label: String,
    }
    #[derive(Model, Debug, Clone)]
    #[aksara(table = "mg_people")]
    pub struct Person {
        pub id: i64,
        #[aksara(max_length = 100)]
        pub full_name: String,
        #[aksara(on_delete = SET_NULL, related_name = "members")]
        pub team: Option<ForeignKey<Team>>,
        #[aksara(db_table = "mg_people_tags", related_name = "people")]
        pub tags: ManyToMany<Tag>,
    }
}

/// Items before the column changes.
pub mod a1 {
    use aksara::Model;
    #[derive(Model, Debug, Clone)]
    #[aksara(table = "mg_items")]
    pub struct Item {
        pub id: i64,
        #[aksara(max_length = 10)]
        pub code: String,
        pub qty: i32,
        #[aksara(max_length = 20)]
        pub note: Option<String>,
    }
}

/// Items after: a longer, unique code; a 64-bit quantity with a default; a required note;
/// (note, qty) unique together.
pub mod a2 {
    use aksara::Model;
    #[derive(Model, Debug, Clone)]
    #[aksara(table = "mg_items", unique_together = "note, qty")]
    pub struct Item {
        pub id: i64,
        #[aksara(max_length = 30, unique)]
        pub code: String,
        #[aksara(default = 5i64)]
        pub qty: i64,
        #[aksara(max_length = 20)]
        pub note: String,
    }
}

/// Two tables that reference each other, and a one-to-one.
pub mod cycle {
    use aksara::{ForeignKey, Model, OneToOne, CASCADE, SET_NULL};
    #[derive(Model, Debug, Clone)]
    #[aksara(table = "mg_departments")]
    pub struct Department {
        pub id: i64,
        #[aksara(on_delete = SET_NULL, related_name = "heads")]
        pub head: Option<ForeignKey<Employee>>,
    }
    #[derive(Model, Debug, Clone)]
    #[aksara(table = "mg_employees")]
    pub struct Employee {
        pub id: i64,
        #[aksara(on_delete = CASCADE, related_name = "staff")]
        pub department: ForeignKey<Department>,
    }
    #[derive(Model, Debug, Clone)]
    #[aksara(table = "mg_badges")]
    pub struct Badge {
        pub id: i64,
        #[aksara(on_delete = CASCADE)]
        pub owner: OneToOne<Employee>,
    }
}
