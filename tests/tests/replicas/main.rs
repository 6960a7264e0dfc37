//! Read replicas on real servers: a PostgreSQL primary and hot standby
//! (`aksara_tests::replica`) and a MariaDB primary and GTID replica
//! (`aksara_tests::mariadb_replica`), started once per test process and reached through one
//! cluster handle (`aksara::connect_cluster`); tests that stop or pause a replica start one
//! of their own. A two-node Galera cluster (`aksara_tests::galera`) shows certification
//! conflicts.

mod common;
mod galera;
mod mariadb;
mod postgres;
