//! Models of a mysql database, written by `aksara inspectdb`: review them (types,
//! `on_delete`, reverse names) before relying on them.

#![allow(missing_docs)]

#[derive(aksara::Model, Debug, Clone)]
#[aksara(table = "Album")]
pub struct Album {
    #[aksara(primary_key, column = "AlbumId")]
    pub album_id: i32,
    #[aksara(max_length = 160, column = "Title")]
    pub title: String,
    #[aksara(column = "ArtistId", on_delete = aksara::RESTRICT, related_name = "albums")]
    pub artist: aksara::ForeignKey<Artist>,
}

#[derive(aksara::Model, Debug, Clone)]
#[aksara(table = "Artist")]
pub struct Artist {
    #[aksara(primary_key, column = "ArtistId")]
    pub artist_id: i32,
    #[aksara(max_length = 120, column = "Name")]
    pub name: Option<String>,
}

#[derive(aksara::Model, Debug, Clone)]
#[aksara(table = "Customer")]
pub struct Customer {
    #[aksara(primary_key, column = "CustomerId")]
    pub customer_id: i32,
    #[aksara(max_length = 40, column = "FirstName")]
    pub first_name: String,
    #[aksara(max_length = 20, column = "LastName")]
    pub last_name: String,
    #[aksara(max_length = 80, column = "Company")]
    pub company: Option<String>,
    #[aksara(max_length = 70, column = "Address")]
    pub address: Option<String>,
    #[aksara(max_length = 40, column = "City")]
    pub city: Option<String>,
    #[aksara(max_length = 40, column = "State")]
    pub state: Option<String>,
    #[aksara(max_length = 40, column = "Country")]
    pub country: Option<String>,
    #[aksara(max_length = 10, column = "PostalCode")]
    pub postal_code: Option<String>,
    #[aksara(max_length = 24, column = "Phone")]
    pub phone: Option<String>,
    #[aksara(max_length = 24, column = "Fax")]
    pub fax: Option<String>,
    #[aksara(max_length = 60, column = "Email")]
    pub email: String,
    #[aksara(column = "SupportRepId", on_delete = aksara::RESTRICT, related_name = "customers")]
    pub support_rep: Option<aksara::ForeignKey<Employee>>,
}

#[derive(aksara::Model, Debug, Clone)]
#[aksara(table = "Employee")]
pub struct Employee {
    #[aksara(primary_key, column = "EmployeeId")]
    pub employee_id: i32,
    #[aksara(max_length = 20, column = "LastName")]
    pub last_name: String,
    #[aksara(max_length = 20, column = "FirstName")]
    pub first_name: String,
    #[aksara(max_length = 30, column = "Title")]
    pub title: Option<String>,
    #[aksara(column = "ReportsTo", on_delete = aksara::RESTRICT, related_name = "employees_by_reports_to")]
    pub reports_to: Option<aksara::ForeignKey<Employee>>,
    #[aksara(column = "BirthDate")]
    pub birth_date: Option<chrono::DateTime<chrono::Utc>>,
    #[aksara(column = "HireDate")]
    pub hire_date: Option<chrono::DateTime<chrono::Utc>>,
    #[aksara(max_length = 70, column = "Address")]
    pub address: Option<String>,
    #[aksara(max_length = 40, column = "City")]
    pub city: Option<String>,
    #[aksara(max_length = 40, column = "State")]
    pub state: Option<String>,
    #[aksara(max_length = 40, column = "Country")]
    pub country: Option<String>,
    #[aksara(max_length = 10, column = "PostalCode")]
    pub postal_code: Option<String>,
    #[aksara(max_length = 24, column = "Phone")]
    pub phone: Option<String>,
    #[aksara(max_length = 24, column = "Fax")]
    pub fax: Option<String>,
    #[aksara(max_length = 60, column = "Email")]
    pub email: Option<String>,
}

#[derive(aksara::Model, Debug, Clone)]
#[aksara(table = "Genre")]
pub struct Genre {
    #[aksara(primary_key, column = "GenreId")]
    pub genre_id: i32,
    #[aksara(max_length = 120, column = "Name")]
    pub name: Option<String>,
}

#[derive(aksara::Model, Debug, Clone)]
#[aksara(table = "Invoice")]
pub struct Invoice {
    #[aksara(primary_key, column = "InvoiceId")]
    pub invoice_id: i32,
    #[aksara(column = "CustomerId", on_delete = aksara::RESTRICT, related_name = "invoices")]
    pub customer: aksara::ForeignKey<Customer>,
    #[aksara(column = "InvoiceDate")]
    pub invoice_date: chrono::DateTime<chrono::Utc>,
    #[aksara(max_length = 70, column = "BillingAddress")]
    pub billing_address: Option<String>,
    #[aksara(max_length = 40, column = "BillingCity")]
    pub billing_city: Option<String>,
    #[aksara(max_length = 40, column = "BillingState")]
    pub billing_state: Option<String>,
    #[aksara(max_length = 40, column = "BillingCountry")]
    pub billing_country: Option<String>,
    #[aksara(max_length = 10, column = "BillingPostalCode")]
    pub billing_postal_code: Option<String>,
    /// The column is decimal(10,2); read as the backend decodes it.
    #[aksara(text, column = "Total")]
    pub total: String,
}

#[derive(aksara::Model, Debug, Clone)]
#[aksara(table = "InvoiceLine")]
pub struct InvoiceLine {
    #[aksara(primary_key, column = "InvoiceLineId")]
    pub invoice_line_id: i32,
    #[aksara(column = "InvoiceId", on_delete = aksara::RESTRICT, related_name = "invoice_lines")]
    pub invoice: aksara::ForeignKey<Invoice>,
    #[aksara(column = "TrackId", on_delete = aksara::RESTRICT, related_name = "invoice_lines")]
    pub track: aksara::ForeignKey<Track>,
    /// The column is decimal(10,2); read as the backend decodes it.
    #[aksara(text, column = "UnitPrice")]
    pub unit_price: String,
    #[aksara(column = "Quantity")]
    pub quantity: i32,
}

#[derive(aksara::Model, Debug, Clone)]
#[aksara(table = "MediaType")]
pub struct MediaType {
    #[aksara(primary_key, column = "MediaTypeId")]
    pub media_type_id: i32,
    #[aksara(max_length = 120, column = "Name")]
    pub name: Option<String>,
}

#[derive(aksara::Model, Debug, Clone)]
#[aksara(table = "Playlist")]
pub struct Playlist {
    #[aksara(primary_key, column = "PlaylistId")]
    pub playlist_id: i32,
    #[aksara(max_length = 120, column = "Name")]
    pub name: Option<String>,
}

#[derive(aksara::Model, Debug, Clone)]
#[aksara(table = "Track")]
pub struct Track {
    #[aksara(primary_key, column = "TrackId")]
    pub track_id: i32,
    #[aksara(max_length = 200, column = "Name")]
    pub name: String,
    #[aksara(column = "AlbumId", on_delete = aksara::RESTRICT, related_name = "tracks")]
    pub album: Option<aksara::ForeignKey<Album>>,
    #[aksara(column = "MediaTypeId", on_delete = aksara::RESTRICT, related_name = "tracks")]
    pub media_type: aksara::ForeignKey<MediaType>,
    #[aksara(column = "GenreId", on_delete = aksara::RESTRICT, related_name = "tracks")]
    pub genre: Option<aksara::ForeignKey<Genre>>,
    #[aksara(max_length = 220, column = "Composer")]
    pub composer: Option<String>,
    #[aksara(column = "Milliseconds")]
    pub milliseconds: i32,
    #[aksara(column = "Bytes")]
    pub bytes: Option<i32>,
    /// The column is decimal(10,2); read as the backend decodes it.
    #[aksara(text, column = "UnitPrice")]
    pub unit_price: String,
}

// Not written as models (a model needs a single-column primary key); read them as
// `aksara::Record`s: `QuerySet::<Record>::of("table")`.
// - table PlaylistTrack
// - Playlist <-> Track (many-to-many) through the table PlaylistTrack

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
