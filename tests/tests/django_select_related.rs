//! Scenarios of Django's `tests/select_related` and `tests/prefetch_related` on this API and
//! every backend: the biological taxonomy (Domain, Kingdom, Phylum, Klass, Order, Family,
//! Genus, Species), a chain of seven foreign keys walked with one query, and the prefetch of
//! the same chain with one query per level.

use aksara::{
    q, Error, ForeignKey, Model, OptionalRelation, Prefetch, Registry, Related, CASCADE, SET_NULL,
};
use aksara_tests::{backend_tests, TestDb};

mod models {
    use super::*;

    #[derive(Model, Debug, Clone)]
    pub struct Domain {
        pub id: i64,
        #[aksara(max_length = 50)]
        pub name: String,
        pub related: Related,
    }

    #[derive(Model, Debug, Clone)]
    pub struct Kingdom {
        pub id: i64,
        #[aksara(max_length = 50)]
        pub name: String,
        #[aksara(on_delete = CASCADE, related_name = "kingdoms")]
        pub domain: ForeignKey<Domain>,
        pub related: Related,
    }

    #[derive(Model, Debug, Clone)]
    pub struct Phylum {
        pub id: i64,
        #[aksara(max_length = 50)]
        pub name: String,
        #[aksara(on_delete = CASCADE, related_name = "phyla")]
        pub kingdom: ForeignKey<Kingdom>,
        pub related: Related,
    }

    #[derive(Model, Debug, Clone)]
    #[aksara(table = "klasses")]
    pub struct Klass {
        pub id: i64,
        #[aksara(max_length = 50)]
        pub name: String,
        #[aksara(on_delete = CASCADE, related_name = "klasses")]
        pub phylum: ForeignKey<Phylum>,
        pub related: Related,
    }

    #[derive(Model, Debug, Clone)]
    #[aksara(table = "orders")]
    pub struct Order {
        pub id: i64,
        #[aksara(max_length = 50)]
        pub name: String,
        #[aksara(on_delete = CASCADE, related_name = "orders")]
        pub klass: ForeignKey<Klass>,
        pub related: Related,
    }

    #[derive(Model, Debug, Clone)]
    #[aksara(table = "families")]
    pub struct Family {
        pub id: i64,
        #[aksara(max_length = 50)]
        pub name: String,
        #[aksara(on_delete = CASCADE, related_name = "families")]
        pub order: ForeignKey<Order>,
        pub related: Related,
    }

    #[derive(Model, Debug, Clone)]
    pub struct Genus {
        pub id: i64,
        #[aksara(max_length = 50)]
        pub name: String,
        #[aksara(on_delete = CASCADE, related_name = "genera")]
        pub family: ForeignKey<Family>,
        pub related: Related,
    }

    #[derive(Model, Debug, Clone)]
    #[aksara(table = "species")]
    pub struct Species {
        pub id: i64,
        #[aksara(max_length = 50)]
        pub name: String,
        #[aksara(on_delete = CASCADE, related_name = "species")]
        pub genus: ForeignKey<Genus>,
        /// Not in Django's taxonomy: a nullable link, to see LEFT JOINs in the chain.
        #[aksara(on_delete = SET_NULL, related_name = "lookalikes")]
        pub lookalike: Option<ForeignKey<Genus>>,
    }
}

use models::{Domain, Family, Genus, Kingdom, Klass, Order, Phylum, Species};

/// The taxonomy Django's `create_tree` builds: four species, each with its full lineage.
const TREE: [[&str; 8]; 4] = [
    [
        "Eukaryota",
        "Animalia",
        "Chordata",
        "Mammalia",
        "Primates",
        "Hominidae",
        "Homo",
        "sapiens",
    ],
    [
        "Eukaryota",
        "Animalia",
        "Arthropoda",
        "Insecta",
        "Diptera",
        "Drosophilidae",
        "Drosophila",
        "melanogaster",
    ],
    [
        "Eukaryota",
        "Fungi",
        "Basidiomycota",
        "Homobasidiomycatae",
        "Agaricales",
        "Amanitacae",
        "Amanita",
        "muscaria",
    ],
    [
        "Eukaryota",
        "Plantae",
        "Magnoliophyta",
        "Magnoliopsida",
        "Fabales",
        "Fabaceae",
        "Pisum",
        "sativum",
    ],
];

async fn taxonomy(t: &TestDb) -> aksara::Db {
    let registry = Registry::builder()
        .model::<Species>()
        .build()
        .expect("valid models");
    let db = t.db(registry).await;
    // Rows are shared where names repeat (one Eukaryota, one Animalia), as in Django.
    let mut domains: Vec<Domain> = Vec::new();
    let mut kingdoms: Vec<Kingdom> = Vec::new();
    for lineage in TREE {
        let domain = match domains.iter().find(|d| d.name == lineage[0]) {
            Some(d) => d.clone(),
            None => {
                let d = Domain::build().name(lineage[0]).create(&db).await.unwrap();
                domains.push(d.clone());
                d
            }
        };
        let kingdom = match kingdoms.iter().find(|k| k.name == lineage[1]) {
            Some(k) => k.clone(),
            None => {
                let k = Kingdom::build()
                    .name(lineage[1])
                    .domain(&domain)
                    .create(&db)
                    .await
                    .unwrap();
                kingdoms.push(k.clone());
                k
            }
        };
        let phylum = Phylum::build()
            .name(lineage[2])
            .kingdom(&kingdom)
            .create(&db)
            .await
            .unwrap();
        let klass = Klass::build()
            .name(lineage[3])
            .phylum(&phylum)
            .create(&db)
            .await
            .unwrap();
        let order = Order::build()
            .name(lineage[4])
            .klass(&klass)
            .create(&db)
            .await
            .unwrap();
        let family = Family::build()
            .name(lineage[5])
            .order(&order)
            .create(&db)
            .await
            .unwrap();
        let genus = Genus::build()
            .name(lineage[6])
            .family(&family)
            .create(&db)
            .await
            .unwrap();
        Species::build()
            .name(lineage[7])
            .genus(&genus)
            .create(&db)
            .await
            .unwrap();
    }
    db
}

/// The lineage of `s` read through its loaded relations only (strict: no query allowed).
async fn lineage(strict: &aksara::Db, s: &Species) -> Result<Vec<String>, Error> {
    let genus = s.genus.get(strict).await?;
    let family = genus.family.get(strict).await?;
    let order = family.order.get(strict).await?;
    let klass = order.klass.get(strict).await?;
    let phylum = klass.phylum.get(strict).await?;
    let kingdom = phylum.kingdom.get(strict).await?;
    let domain = kingdom.domain.get(strict).await?;
    Ok(vec![
        domain.name.clone(),
        kingdom.name.clone(),
        phylum.name.clone(),
        klass.name.clone(),
        order.name.clone(),
        family.name.clone(),
        genus.name.clone(),
        s.name.clone(),
    ])
}

const FULL_PATH: &str = "genus__family__order__klass__phylum__kingdom__domain";

/// `test_access_fks_with_select_related`: the whole chain in one query, then read with none.
async fn access_chain_with_select_related(t: TestDb) {
    let db = taxonomy(&t).await;
    let before = db.query_count();
    let fly = Species::objects()
        .select_related([FULL_PATH])
        .get(&db, q!(name = "melanogaster"))
        .await
        .unwrap();
    assert_eq!(db.query_count() - before, 1);
    let strict = db.strict();
    assert_eq!(lineage(&strict, &fly).await.unwrap(), TREE[1]);
    assert_eq!(db.query_count() - before, 1, "no query after the join");
}

/// `test_access_fks_without_select_related`: without it, one query per step (eight in all).
async fn access_chain_without_select_related(t: TestDb) {
    let db = taxonomy(&t).await;
    let before = db.query_count();
    let fly = Species::objects()
        .get(&db, q!(name = "melanogaster"))
        .await
        .unwrap();
    let err = lineage(&db.strict(), &fly).await.unwrap_err();
    assert!(matches!(err, Error::LazyLoad { .. }), "{err:?}");
    let genus = fly.genus.get(&db).await.unwrap();
    let family = genus.family.get(&db).await.unwrap();
    let order = family.order.get(&db).await.unwrap();
    let klass = order.klass.get(&db).await.unwrap();
    let phylum = klass.phylum.get(&db).await.unwrap();
    let kingdom = phylum.kingdom.get(&db).await.unwrap();
    let domain = kingdom.domain.get(&db).await.unwrap();
    assert_eq!(domain.name, "Eukaryota");
    assert_eq!(db.query_count() - before, 8);
}

/// `test_list_without_select_related` / `test_list_with_select_related`: a list with its
/// families, by one query with the join.
async fn list_with_select_related(t: TestDb) {
    let db = taxonomy(&t).await;
    let before = db.query_count();
    let world = Species::objects()
        .select_related([FULL_PATH])
        .order_by(["name"])
        .all(&db)
        .await
        .unwrap();
    assert_eq!(db.query_count() - before, 1);
    let strict = db.strict();
    let mut families = Vec::new();
    for s in &world {
        families.push(lineage(&strict, s).await.unwrap()[5].clone());
    }
    assert_eq!(
        families,
        ["Drosophilidae", "Amanitacae", "Hominidae", "Fabaceae"],
        "in species order: melanogaster, muscaria, sapiens, sativum"
    );
}

/// `test_list_with_depth` / `test_certain_fields`: a shorter path loads only its part.
async fn partial_path_loads_only_its_part(t: TestDb) {
    let db = taxonomy(&t).await;
    let world = Species::objects()
        .select_related(["genus__family"])
        .order_by(["name"])
        .all(&db)
        .await
        .unwrap();
    let strict = db.strict();
    let family = world[0]
        .genus
        .get(&strict)
        .await
        .unwrap()
        .family
        .get(&strict)
        .await
        .unwrap();
    assert_eq!(family.name, "Drosophilidae");
    let err = family.order.get(&strict).await.unwrap_err();
    assert!(matches!(err, Error::LazyLoad { .. }), "{err:?}");
}

/// `test_select_related_with_filter` (Django's `test_field_traversal` family): filtering
/// across the chain combines with the join.
async fn filter_across_chain(t: TestDb) {
    let db = taxonomy(&t).await;
    let animals = Species::objects()
        .select_related(["genus"])
        .filter(q!(
            genus__family__order__klass__phylum__kingdom__name = "Animalia"
        ))
        .order_by(["name"])
        .all(&db)
        .await
        .unwrap();
    let names: Vec<&str> = animals.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["melanogaster", "sapiens"]);
    let strict = db.strict();
    assert_eq!(animals[1].genus.get(&strict).await.unwrap().name, "Homo");
    assert_eq!(
        Domain::objects()
            .filter(q!(
                kingdoms__phyla__klasses__orders__families__genera__species__name = "sativum"
            ))
            .count(&db)
            .await
            .unwrap(),
        1
    );
}

/// A nullable link in the path is a LEFT JOIN: rows without it still come back, unlinked.
async fn nullable_link_in_path(t: TestDb) {
    let db = taxonomy(&t).await;
    let homo = Genus::objects().get(&db, q!(name = "Homo")).await.unwrap();
    let mut fly = Species::objects()
        .get(&db, q!(name = "melanogaster"))
        .await
        .unwrap();
    fly.lookalike = Some(ForeignKey::new(homo.id));
    fly.save(&db).await.unwrap();
    let before = db.query_count();
    let rows = Species::objects()
        .select_related(["lookalike__family"])
        .order_by(["name"])
        .all(&db)
        .await
        .unwrap();
    assert_eq!(db.query_count() - before, 1);
    assert_eq!(
        rows.len(),
        4,
        "a LEFT JOIN keeps the rows without a lookalike"
    );
    let strict = db.strict();
    for s in &rows {
        let lookalike = s.lookalike.get(&strict).await.unwrap();
        match s.name.as_str() {
            "melanogaster" => {
                let g = lookalike.expect("linked");
                assert_eq!(g.name, "Homo");
                assert_eq!(g.family.get(&strict).await.unwrap().name, "Hominidae");
            }
            _ => assert!(lookalike.is_none(), "{} has none", s.name),
        }
    }
}

/// `prefetch_related` down the reverse chain: one query per level, whatever the row count.
async fn prefetch_reverse_chain(t: TestDb) {
    let db = taxonomy(&t).await;
    let before = db.query_count();
    let domains = Domain::objects()
        .prefetch_related([Prefetch::new(
            "kingdoms__phyla__klasses__orders__families__genera__species",
        )])
        .all(&db)
        .await
        .unwrap();
    assert_eq!(
        db.query_count() - before,
        8,
        "the domains, then one query per level"
    );
    assert_eq!(domains.len(), 1);
    let kingdoms = domains[0].kingdoms().loaded().expect("prefetched");
    let mut names: Vec<&str> = kingdoms.iter().map(|k| k.name.as_str()).collect();
    names.sort();
    assert_eq!(names, ["Animalia", "Fungi", "Plantae"]);
    let animalia = kingdoms.iter().find(|k| k.name == "Animalia").unwrap();
    let phyla = animalia.phyla().loaded().expect("prefetched");
    let mut species = Vec::new();
    for p in phyla {
        for k in p.klasses().loaded().unwrap() {
            for o in k.orders().loaded().unwrap() {
                for f in o.families().loaded().unwrap() {
                    for g in f.genera().loaded().unwrap() {
                        for s in g.species().loaded().unwrap() {
                            species.push(s.name.clone());
                        }
                    }
                }
            }
        }
    }
    species.sort();
    assert_eq!(species, ["melanogaster", "sapiens"]);
    assert_eq!(
        db.query_count() - before,
        8,
        "reading the loaded rows runs no query"
    );
}

backend_tests!(
    access_chain_with_select_related,
    access_chain_without_select_related,
    list_with_select_related,
    partial_path_loads_only_its_part,
    filter_across_chain,
    nullable_link_in_path,
    prefetch_reverse_chain,
);
