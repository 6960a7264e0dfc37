//! Reading an existing database (Chinook) through its catalog.

use aksara::{q, QuerySet, Record, RelationKind, Value};
use aksara_tests::chinook::{load, model_name};
use aksara_tests::{backend_tests, TestDb};

async fn chinook_relations_are_discovered(t: TestDb) {
    let (db, schema) = load(&t).await;
    let registry = db.registry().clone();
    let track = registry.model(&model_name(&schema, "Track")).unwrap();
    let album = registry.model(&model_name(&schema, "Album")).unwrap();
    let playlist = registry.model(&model_name(&schema, "Playlist")).unwrap();
    let employee = registry.model(&model_name(&schema, "Employee")).unwrap();

    // Forward foreign keys, named after their column without the Id suffix.
    let to_album = track
        .edges
        .iter()
        .find(|e| e.forward && e.target == album.index)
        .expect("Track -> Album");
    assert_eq!(to_album.kind, RelationKind::ForeignKey);
    assert!(
        to_album.name.eq_ignore_ascii_case("album"),
        "{}",
        to_album.name
    );
    // Reverse: Album -> its Tracks.
    assert!(album
        .edges
        .iter()
        .any(|e| !e.forward && e.target == track.index && e.is_many()));
    // Many-to-many through PlaylistTrack.
    let m2m = playlist
        .edges
        .iter()
        .find(|e| e.kind == RelationKind::ManyToMany)
        .expect("Playlist <-> Track");
    assert_eq!(m2m.target, track.index);
    // Self-reference: Employee.ReportsTo.
    assert!(employee
        .edges
        .iter()
        .any(|e| e.forward && e.target == employee.index));
    // Row estimates or exact table info exist for every table.
    assert_eq!(schema.tables.len(), 11);
    let playlist_track = schema.table(&model_name(&schema, "PlaylistTrack")).unwrap();
    assert_eq!(playlist_track.key_columns.len(), 2);

    // Walk: a track, its album, the album's artist, and back.
    let tracks = QuerySet::<Record>::of(track.name())
        .order_by([track.meta.pk().expect("Track has a key").name.as_str()])
        .limit(1)
        .all(&db)
        .await
        .unwrap();
    let first = &tracks[0];
    let albums = first
        .related(&to_album.name)
        .unwrap()
        .all(&db)
        .await
        .unwrap();
    assert_eq!(albums.len(), 1);
    assert!(
        albums[0]
            .values()
            .iter()
            .any(|v| matches!(v, Value::String(s) if s.contains("Rock"))),
        "the first track's album is For Those About To Rock"
    );
    let same_album_tracks = albums[0]
        .related(
            &album
                .edges
                .iter()
                .find(|e| !e.forward && e.target == track.index)
                .unwrap()
                .name,
        )
        .unwrap()
        .count(&db)
        .await
        .unwrap();
    assert_eq!(
        same_album_tracks, 10,
        "For Those About To Rock has 10 tracks"
    );
    let playlists = QuerySet::<Record>::of(playlist.name())
        .filter(q!(Name = "Grunge"))
        .all(&db)
        .await;
    let playlists = match playlists {
        Ok(p) => p,
        Err(_) => QuerySet::<Record>::of(playlist.name())
            .filter(q!(name = "Grunge"))
            .all(&db)
            .await
            .unwrap(),
    };
    let grunge_tracks = playlists[0]
        .related(&m2m.name)
        .unwrap()
        .count(&db)
        .await
        .unwrap();
    assert_eq!(grunge_tracks, 15);
}

/// How many rows of the introspected `model` match `path = value` (a lookup path).
async fn count_where(db: &aksara::Db, model: &str, path: String, value: Value) -> u64 {
    QuerySet::<Record>::of(model)
        .filter(aksara::Condition::new(path.clone(), value))
        .count(db)
        .await
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Columns of types the engine has no kind for (PostgreSQL numeric) compare with values given
/// as text or numbers, with every comparison lookup.
async fn columns_of_other_types_can_be_filtered(t: TestDb) {
    let (db, schema) = load(&t).await;
    let registry = db.registry().clone();
    let track = registry.model(&model_name(&schema, "Track")).unwrap();
    let price = track
        .meta
        .concrete_fields()
        .find(|f| f.column.eq_ignore_ascii_case("unitprice") || f.column == "unit_price")
        .expect("the price column")
        .name
        .clone();
    let count = |lookup: &str, value: Value| {
        count_where(&db, track.name(), format!("{price}{lookup}"), value)
    };
    let cheap = count("", Value::String("0.99".into())).await;
    assert_eq!(cheap, 3290, "tracks at 0.99");
    assert_eq!(
        count("__gt", Value::String("0.99".into())).await,
        3503 - 3290
    );
    assert_eq!(count("__lte", Value::F64(0.99)).await, 3290);
    assert_eq!(
        count(
            "__in",
            Value::Array(vec![
                Value::String("0.99".into()),
                Value::String("1.99".into())
            ])
        )
        .await,
        3503
    );
}

/// Two tables that reference each other (Sakila's `store.manager_staff_id` and
/// `staff.store_id`): the reverse relation of `department.head` would be called `department`
/// on `person`, which already has a field of that name. Introspection names it otherwise
/// instead of refusing the schema, and both directions can be followed.
async fn mutual_foreign_keys_open(t: TestDb) {
    let raw = t.connect(aksara::Registry::empty()).await;
    let script = match t.backend() {
        aksara_tests::Backend::Sqlite => {
            "CREATE TABLE department (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL, \
               head_id INTEGER REFERENCES person(id));
             CREATE TABLE person (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL, \
               department_id INTEGER REFERENCES department(id));"
        }
        _ => {
            "CREATE TABLE department (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL, \
               head_id INTEGER);
             CREATE TABLE person (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL, \
               department_id INTEGER);
             ALTER TABLE person ADD CONSTRAINT person_department FOREIGN KEY (department_id) \
               REFERENCES department(id);
             ALTER TABLE department ADD CONSTRAINT department_head FOREIGN KEY (head_id) \
               REFERENCES person(id);"
        }
    };
    raw.batch_execute(script).await.expect("create the tables");
    raw.batch_execute(
        "INSERT INTO department (id, name, head_id) VALUES (1, 'Research', NULL);
         INSERT INTO person (id, name, department_id) VALUES (10, 'Ada', 1), (11, 'Bob', 1);
         UPDATE department SET head_id = 10 WHERE id = 1;",
    )
    .await
    .expect("fill the tables");

    let schema = aksara::introspect::introspect(&raw)
        .await
        .expect("a schema with mutual foreign keys opens");
    let db = raw.with_registry(schema.registry.clone());
    let person = schema.registry.model("person").unwrap();
    let department = schema.registry.model("department").unwrap();
    // person keeps its own field `department`; the reverse of department.head has another name.
    let forward = person.edge("department").expect("person.department");
    assert!(forward.forward);
    let reverse_of_head = person
        .edges
        .iter()
        .find(|e| !e.forward && e.field == "head")
        .expect("the reverse of department.head on person");
    assert_ne!(reverse_of_head.name, "department");
    assert!(department.edge("head").is_some_and(|e| e.forward));

    // Both directions are followed through the engine.
    let headed = QuerySet::<Record>::of("person")
        .filter(aksara::Condition::new(
            format!("{}__name", reverse_of_head.name),
            "Research",
        ))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(headed.len(), 1, "Ada heads Research");
    let members = QuerySet::<Record>::of("person")
        .filter(q!(department__name = "Research"))
        .count(&db)
        .await
        .unwrap();
    assert_eq!(members, 2);
}

/// A constraint the server named itself (`player_team_id_fkey`, `player_ibfk_1`) is not one
/// the registry can look up, yet a refused write on an introspected schema still names the
/// model, the field and the value from what was written.
async fn refused_writes_on_an_introspected_schema_name_model_and_field(t: TestDb) {
    let raw = t.connect(aksara::Registry::empty()).await;
    raw.batch_execute(
        "CREATE TABLE team (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL);
         CREATE TABLE player (id INTEGER PRIMARY KEY, nick VARCHAR(50) NOT NULL UNIQUE, \
           team_id INTEGER REFERENCES team(id));
         INSERT INTO team (id, name) VALUES (1, 'Red');
         INSERT INTO player (id, nick, team_id) VALUES (1, 'ann', 1), (2, 'bob', 1);",
    )
    .await
    .expect("create and fill the tables");
    let schema = aksara::introspect::introspect(&raw)
        .await
        .expect("introspect");
    let db = raw.with_registry(schema.registry.clone());
    let bob = || QuerySet::<Record>::of("player").filter(q!(id = 2));

    let missing_team = bob().update(&db, [("team", Value::I32(99))]).await;
    match missing_team {
        Err(aksara::Error::ForeignKeyConstraint {
            model,
            relation,
            message,
        }) => {
            assert_eq!((model.as_str(), relation.as_str()), ("player", "team"));
            assert!(message.contains("99"), "{message}");
        }
        other => panic!("expected a foreign key error naming player.team, got {other:?}"),
    }
    let taken_nick = bob().update(&db, [("nick", Value::from("ann"))]).await;
    match taken_nick {
        Err(aksara::Error::Integrity {
            model,
            field,
            message,
        }) => {
            assert_eq!((model.as_str(), field.as_str()), ("player", "nick"));
            assert!(message.contains("ann"), "{message}");
        }
        other => panic!("expected an integrity error naming player.nick, got {other:?}"),
    }
    // Nothing was written.
    let row = bob().get(&db, ()).await.unwrap();
    assert_eq!(row.get("nick"), Some(&Value::from("bob")));
}

backend_tests!(
    chinook_relations_are_discovered,
    columns_of_other_types_can_be_filtered,
    mutual_foreign_keys_open,
    refused_writes_on_an_introspected_schema_name_model_and_field
);

/// PostgreSQL enums and arrays, read through the catalog, compare with text values.
#[tokio::test]
async fn postgres_enums_and_arrays_can_be_filtered() {
    let Some(t) = TestDb::new(aksara_tests::Backend::Postgres, "pg_enum_array_filters").await
    else {
        return;
    };
    let raw = t.connect(aksara::Registry::empty()).await;
    raw.batch_execute(
        "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
         CREATE TABLE diary (id serial PRIMARY KEY, feeling mood NOT NULL, scores int[] NOT NULL);
         INSERT INTO diary (feeling, scores) VALUES ('sad', '{1,2}'), ('happy', '{3}'), ('ok', '{}');",
    )
    .await
    .unwrap();
    let schema = aksara::introspect::introspect(&raw).await.unwrap();
    let db = raw.with_registry(schema.registry.clone());
    let count = |path: &str, value: Value| count_where(&db, "diary", path.to_string(), value);
    assert_eq!(count("feeling", Value::String("happy".into())).await, 1);
    // Enums order by their declaration, not alphabetically.
    assert_eq!(count("feeling__gt", Value::String("sad".into())).await, 2);
    assert_eq!(
        count(
            "feeling__in",
            Value::Array(vec![
                Value::String("ok".into()),
                Value::String("sad".into())
            ])
        )
        .await,
        2
    );
    assert_eq!(count("scores", Value::String("{1,2}".into())).await, 1);
    // A value the type refuses is the database's error, not a wrong answer.
    let bad = QuerySet::<Record>::of("diary")
        .filter(q!(feeling = "furious"))
        .count(&db)
        .await;
    assert!(bad.is_err(), "{bad:?}");
}

/// Pagila's `payment` is partitioned by date and its foreign keys live on the partitions
/// (which the catalog hides); another table keeps its key on the partitioned table itself, as
/// PostgreSQL 12 and later allow. Both show as relations of the partitioned table, once each.
#[tokio::test]
async fn postgres_partitioned_tables_keep_their_foreign_keys() {
    let Some(t) = TestDb::new(aksara_tests::Backend::Postgres, "pg_partitioned_fks").await else {
        return;
    };
    let raw = t.connect(aksara::Registry::empty()).await;
    raw.batch_execute(
        "CREATE TABLE customer (customer_id INTEGER PRIMARY KEY, name TEXT NOT NULL);
         CREATE TABLE payment (payment_id INTEGER NOT NULL, customer_id INTEGER NOT NULL,
           paid_on DATE NOT NULL, PRIMARY KEY (payment_id, paid_on)) PARTITION BY RANGE (paid_on);
         CREATE TABLE payment_2022_01 PARTITION OF payment
           FOR VALUES FROM ('2022-01-01') TO ('2022-02-01');
         CREATE TABLE payment_2022_02 PARTITION OF payment
           FOR VALUES FROM ('2022-02-01') TO ('2022-03-01');
         ALTER TABLE payment_2022_01 ADD CONSTRAINT payment_2022_01_customer_fkey
           FOREIGN KEY (customer_id) REFERENCES customer(customer_id);
         ALTER TABLE payment_2022_02 ADD CONSTRAINT payment_2022_02_customer_fkey
           FOREIGN KEY (customer_id) REFERENCES customer(customer_id);
         CREATE TABLE rental (rental_id INTEGER NOT NULL, customer_id INTEGER NOT NULL
           REFERENCES customer(customer_id) ON DELETE CASCADE, rented_on DATE NOT NULL,
           PRIMARY KEY (rental_id, rented_on)) PARTITION BY RANGE (rented_on);
         CREATE TABLE rental_2022 PARTITION OF rental FOR VALUES FROM ('2022-01-01') TO ('2023-01-01');
         CREATE TABLE rental_2023 PARTITION OF rental FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
         INSERT INTO customer VALUES (1, 'Mary'), (2, 'Pat');
         INSERT INTO payment VALUES (1, 1, '2022-01-05'), (2, 1, '2022-02-07'), (3, 2, '2022-02-08');
         INSERT INTO rental VALUES (1, 2, '2022-03-01'), (2, 2, '2023-03-01');",
    )
    .await
    .expect("create the partitioned tables");
    let schema = aksara::introspect::introspect(&raw)
        .await
        .expect("introspect");
    let models: Vec<&str> = schema.tables.iter().map(|t| t.model.as_str()).collect();
    assert!(
        !models
            .iter()
            .any(|m| m.contains("_2022") || m.contains("_2023")),
        "partitions stay hidden: {models:?}"
    );
    let customer = schema.registry.model("customer").unwrap();
    let reverse: Vec<&str> = customer
        .edges
        .iter()
        .filter(|e| !e.forward)
        .map(|e| e.name.as_str())
        .collect();
    assert_eq!(
        reverse.len(),
        2,
        "one reverse relation per table: {reverse:?}"
    );
    let payment = schema.registry.model("payment").unwrap();
    let to_customer: Vec<_> = payment.edges.iter().filter(|e| e.forward).collect();
    assert_eq!(
        to_customer.len(),
        1,
        "the partitions' copies are one relation"
    );

    let db = raw.with_registry(schema.registry.clone());
    let paid_by_mary = QuerySet::<Record>::of("payment")
        .filter(aksara::Condition::new(
            format!("{}__name", to_customer[0].name),
            "Mary",
        ))
        .count(&db)
        .await
        .unwrap();
    assert_eq!(paid_by_mary, 2);
    let renters = QuerySet::<Record>::of("customer")
        .filter(aksara::Condition::new(
            format!(
                "{}__rented_on__gte",
                reverse.iter().find(|n| n.contains("rental")).unwrap()
            ),
            Value::String("2023-01-01".into()),
        ))
        .count(&db)
        .await
        .unwrap();
    assert_eq!(renters, 1);
}
