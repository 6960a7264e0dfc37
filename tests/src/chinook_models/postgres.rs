//! Models of a postgresql database, written by `aksara inspectdb`: review them (types,
//! `on_delete`, reverse names) before relying on them.

#![allow(missing_docs)]

#[derive(aksara::Model, Debug, Clone)]
#[aksara(table = "album")]
pub struct Album {
    #[aksara(primary_key)]
    pub album_id: i32,
    #[aksara(max_length = 160)]
    pub title: String,
    #[aksara(column = "artist_id", on_delete = aksara::RESTRICT, related_name = "albums")]
    pub artist: aksara::ForeignKey<Artist>,
}

#[derive(aksara::Model, Debug, Clone)]
#[aksara(table = "artist")]
pub struct Artist {
    #[aksara(primary_key)]
    pub artist_id: i32,
    #[aksara(max_length = 120)]
    pub name: Option<String>,
}

#[derive(aksara::Model, Debug, Clone)]
#[aksara(table = "customer")]
pub struct Customer {
    #[aksara(primary_key)]
    pub customer_id: i32,
    #[aksara(max_length = 40)]
    pub first_name: String,
    #[aksara(max_length = 20)]
    pub last_name: String,
    #[aksara(max_length = 80)]
    pub company: Option<String>,
    #[aksara(max_length = 70)]
    pub address: Option<String>,
    #[aksara(max_length = 40)]
    pub city: Option<String>,
    #[aksara(max_length = 40)]
    pub state: Option<String>,
    #[aksara(max_length = 40)]
    pub country: Option<String>,
    #[aksara(max_length = 10)]
    pub postal_code: Option<String>,
    #[aksara(max_length = 24)]
    pub phone: Option<String>,
    #[aksara(max_length = 24)]
    pub fax: Option<String>,
    #[aksara(max_length = 60)]
    pub email: String,
    #[aksara(column = "support_rep_id", on_delete = aksara::RESTRICT, related_name = "customers")]
    pub support_rep: Option<aksara::ForeignKey<Employee>>,
}

#[derive(aksara::Model, Debug, Clone)]
#[aksara(table = "employee")]
pub struct Employee {
    #[aksara(primary_key)]
    pub employee_id: i32,
    #[aksara(max_length = 20)]
    pub last_name: String,
    #[aksara(max_length = 20)]
    pub first_name: String,
    #[aksara(max_length = 30)]
    pub title: Option<String>,
    #[aksara(column = "reports_to", on_delete = aksara::RESTRICT, related_name = "employees_by_reports_to")]
    pub reports_to: Option<aksara::ForeignKey<Employee>>,
    pub birth_date: Option<chrono::DateTime<chrono::Utc>>,
    pub hire_date: Option<chrono::DateTime<chrono::Utc>>,
    #[aksara(max_length = 70)]
    pub address: Option<String>,
    #[aksara(max_length = 40)]
    pub city: Option<String>,
    #[aksara(max_length = 40)]
    pub state: Option<String>,
    #[aksara(max_length = 40)]
    pub country: Option<String>,
    #[aksara(max_length = 10)]
    pub postal_code: Option<String>,
    #[aksara(max_length = 24)]
    pub phone: Option<String>,
    #[aksara(max_length = 24)]
    pub fax: Option<String>,
    #[aksara(max_length = 60)]
    pub email: Option<String>,
}

#[derive(aksara::Model, Debug, Clone)]
#[aksara(table = "genre")]
pub struct Genre {
    #[aksara(primary_key)]
    pub genre_id: i32,
    #[aksara(max_length = 120)]
    pub name: Option<String>,
}

#[derive(aksara::Model, Debug, Clone)]
#[aksara(table = "invoice")]
pub struct Invoice {
    #[aksara(primary_key)]
    pub invoice_id: i32,
    #[aksara(column = "customer_id", on_delete = aksara::RESTRICT, related_name = "invoices")]
    pub customer: aksara::ForeignKey<Customer>,
    pub invoice_date: chrono::DateTime<chrono::Utc>,
    #[aksara(max_length = 70)]
    pub billing_address: Option<String>,
    #[aksara(max_length = 40)]
    pub billing_city: Option<String>,
    #[aksara(max_length = 40)]
    pub billing_state: Option<String>,
    #[aksara(max_length = 40)]
    pub billing_country: Option<String>,
    #[aksara(max_length = 10)]
    pub billing_postal_code: Option<String>,
    /// The column is numeric(10,2); read as the backend decodes it.
    #[aksara(text)]
    pub total: String,
}

#[derive(aksara::Model, Debug, Clone)]
#[aksara(table = "invoice_line")]
pub struct InvoiceLine {
    #[aksara(primary_key)]
    pub invoice_line_id: i32,
    #[aksara(column = "invoice_id", on_delete = aksara::RESTRICT, related_name = "invoice_lines")]
    pub invoice: aksara::ForeignKey<Invoice>,
    #[aksara(column = "track_id", on_delete = aksara::RESTRICT, related_name = "invoice_lines")]
    pub track: aksara::ForeignKey<Track>,
    /// The column is numeric(10,2); read as the backend decodes it.
    #[aksara(text)]
    pub unit_price: String,
    pub quantity: i32,
}

#[derive(aksara::Model, Debug, Clone)]
#[aksara(table = "media_type")]
pub struct MediaType {
    #[aksara(primary_key)]
    pub media_type_id: i32,
    #[aksara(max_length = 120)]
    pub name: Option<String>,
}

#[derive(aksara::Model, Debug, Clone)]
#[aksara(table = "playlist")]
pub struct Playlist {
    #[aksara(primary_key)]
    pub playlist_id: i32,
    #[aksara(max_length = 120)]
    pub name: Option<String>,
    /// Playlist <-> Track (many-to-many) through the table playlist_track. For reading: the table has no `id` column, which adding links through this field would write.
    #[aksara(db_table = "playlist_track", related_name = "playlists")]
    pub tracks: aksara::ManyToMany<Track>,
}

#[derive(aksara::Model, Debug, Clone)]
#[aksara(table = "track")]
pub struct Track {
    #[aksara(primary_key)]
    pub track_id: i32,
    #[aksara(max_length = 200)]
    pub name: String,
    #[aksara(column = "album_id", on_delete = aksara::RESTRICT, related_name = "tracks")]
    pub album: Option<aksara::ForeignKey<Album>>,
    #[aksara(column = "media_type_id", on_delete = aksara::RESTRICT, related_name = "tracks")]
    pub media_type: aksara::ForeignKey<MediaType>,
    #[aksara(column = "genre_id", on_delete = aksara::RESTRICT, related_name = "tracks")]
    pub genre: Option<aksara::ForeignKey<Genre>>,
    #[aksara(max_length = 220)]
    pub composer: Option<String>,
    pub milliseconds: i32,
    pub bytes: Option<i32>,
    /// The column is numeric(10,2); read as the backend decodes it.
    #[aksara(text)]
    pub unit_price: String,
}

// Not written as models (a model needs a single-column primary key); read them as
// `aksara::Record`s: `QuerySet::<Record>::of("table")`.
// - table playlist_track
// - Playlist <-> Track (many-to-many) through the table playlist_track: read by Playlist's ManyToMany field above

/// A registry of every model above.
pub fn registry() -> std::sync::Arc<aksara::Registry> {
    aksara::Registry::builder()
        .model::<Album>()
        .model::<Artist>()
        .model::<Customer>()
        .model::<Employee>()
        .model::<Genre>()
        .model::<Invoice>()
        .model::<InvoiceLine>()
        .model::<MediaType>()
        .model::<Playlist>()
        .model::<Track>()
        .build()
        .expect("the inspected models are valid")
}
