//! What tables a database holds, their columns as the archive's three kinds, their
//! primary keys and references, read from each dialect's own catalog, and the order that
//! loads parents before children.

use super::BackupError;
use app::db::Backend;
use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Row};

/// How a column's values travel in the archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// BIGINT / INTEGER: a JSON number.
    Int,
    /// TEXT: a JSON string.
    Text,
    /// BYTEA / BLOB: a base64 JSON string.
    Bytes,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub name: String,
    pub kind: Kind,
}

#[derive(Debug, Clone)]
pub struct Table {
    pub name: String,
    pub columns: Vec<Column>,
    pub primary_key: Vec<String>,
    /// (column, referenced table) of every foreign key.
    pub references: Vec<(String, String)>,
    /// PostgreSQL: the column whose identity sequence must move past restored ids.
    pub identity: Option<String>,
}

impl Table {
    /// Columns that reference this same table (a category's parent, a reply's message).
    pub fn self_references(&self) -> Vec<String> {
        self.references
            .iter()
            .filter(|(_, t)| *t == self.name)
            .map(|(c, _)| c.clone())
            .collect()
    }
}

/// `"name"`: identifiers are quoted the same way in both dialects.
pub fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn kind_of(table: &str, column: &str, declared: &str) -> Result<Kind, BackupError> {
    let t = declared.to_ascii_lowercase();
    if t.contains("int") {
        Ok(Kind::Int)
    } else if t.contains("blob") || t == "bytea" {
        Ok(Kind::Bytes)
    } else if t.contains("text") || t.contains("char") {
        Ok(Kind::Text)
    } else {
        Err(BackupError::Unsupported {
            table: table.into(),
            column: column.into(),
            kind: declared.into(),
        })
    }
}

/// The database's own tables (not the migration log), by name.
pub async fn table_names(
    conn: &mut AnyConnection,
    backend: Backend,
) -> Result<Vec<String>, BackupError> {
    let sql = match backend {
        Backend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
             AND name <> '_sqlx_migrations' ORDER BY name"
        }
        Backend::Postgres => {
            "SELECT table_name::text FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' \
             AND table_name <> '_sqlx_migrations' ORDER BY table_name"
        }
    };
    let rows: Vec<(String,)> = sqlx::query_as(sql).fetch_all(&mut *conn).await?;
    Ok(rows.into_iter().map(|(n,)| n).collect())
}

/// Every table with its columns, key and references.
pub async fn tables(conn: &mut AnyConnection, backend: Backend) -> Result<Vec<Table>, BackupError> {
    let mut out = Vec::new();
    for name in table_names(conn, backend).await? {
        out.push(match backend {
            Backend::Sqlite => sqlite_table(conn, name).await?,
            Backend::Postgres => postgres_table(conn, name).await?,
        });
    }
    Ok(out)
}

async fn sqlite_table(conn: &mut AnyConnection, name: String) -> Result<Table, BackupError> {
    let cols = sqlx::query("SELECT name, type, pk FROM pragma_table_info($1) ORDER BY cid")
        .bind(&name)
        .fetch_all(&mut *conn)
        .await?;
    let mut columns = Vec::new();
    let mut keyed = Vec::new();
    for row in cols {
        let column: String = row.try_get(0)?;
        let declared: String = row.try_get(1)?;
        let pk: i64 = row.try_get(2)?;
        if pk > 0 {
            keyed.push((pk, column.clone()));
        }
        columns.push(Column {
            kind: kind_of(&name, &column, &declared)?,
            name: column,
        });
    }
    keyed.sort();
    let references: Vec<(String, String)> =
        sqlx::query_as("SELECT \"from\", \"table\" FROM pragma_foreign_key_list($1)")
            .bind(&name)
            .fetch_all(&mut *conn)
            .await?;
    Ok(Table {
        name,
        columns,
        primary_key: keyed.into_iter().map(|(_, c)| c).collect(),
        references,
        identity: None,
    })
}

async fn postgres_table(conn: &mut AnyConnection, name: String) -> Result<Table, BackupError> {
    let cols: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT column_name::text, data_type::text, is_identity::text FROM information_schema.columns \
         WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
    )
    .bind(&name)
    .fetch_all(&mut *conn)
    .await?;
    let mut columns = Vec::new();
    let mut identity = None;
    for (column, declared, is_identity) in cols {
        if is_identity == "YES" {
            identity = Some(column.clone());
        }
        columns.push(Column {
            kind: kind_of(&name, &column, &declared)?,
            name: column,
        });
    }
    let keys: Vec<(String,)> = sqlx::query_as(
        "SELECT a.attname::text FROM pg_constraint c \
         JOIN pg_class t ON t.oid = c.conrelid \
         JOIN pg_namespace n ON n.oid = t.relnamespace \
         CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord) \
         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum \
         WHERE c.contype = 'p' AND n.nspname = current_schema() AND t.relname = $1 \
         ORDER BY k.ord",
    )
    .bind(&name)
    .fetch_all(&mut *conn)
    .await?;
    let references: Vec<(String, String)> = sqlx::query_as(
        "SELECT a.attname::text, p.relname::text FROM pg_constraint c \
         JOIN pg_class t ON t.oid = c.conrelid \
         JOIN pg_class p ON p.oid = c.confrelid \
         JOIN pg_namespace n ON n.oid = t.relnamespace \
         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = c.conkey[1] \
         WHERE c.contype = 'f' AND n.nspname = current_schema() AND t.relname = $1",
    )
    .bind(&name)
    .fetch_all(&mut *conn)
    .await?;
    Ok(Table {
        name,
        columns,
        primary_key: keys.into_iter().map(|(c,)| c).collect(),
        references,
        identity,
    })
}

/// Indexes into `tables`, every table after the tables it references (references to
/// itself aside). A cycle between tables is an error: no order could load it.
pub fn load_order(tables: &[Table]) -> Result<Vec<usize>, BackupError> {
    let index = |name: &str| tables.iter().position(|t| t.name == name);
    let mut placed = vec![false; tables.len()];
    let mut order = Vec::with_capacity(tables.len());
    while order.len() < tables.len() {
        let before = order.len();
        for (i, table) in tables.iter().enumerate() {
            if placed[i] {
                continue;
            }
            let ready = table.references.iter().all(|(_, parent)| {
                *parent == table.name || index(parent).is_none_or(|p| placed[p])
            });
            if ready {
                placed[i] = true;
                order.push(i);
            }
        }
        if order.len() == before {
            let stuck: Vec<&str> = tables
                .iter()
                .enumerate()
                .filter(|(i, _)| !placed[*i])
                .map(|(_, t)| t.name.as_str())
                .collect();
            return Err(BackupError::Format(format!(
                "tables reference each other in a cycle: {}",
                stuck.join(", ")
            )));
        }
    }
    Ok(order)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(name: &str, refs: &[&str]) -> Table {
        Table {
            name: name.into(),
            columns: vec![],
            primary_key: vec!["id".into()],
            references: refs
                .iter()
                .map(|r| ("x".to_string(), r.to_string()))
                .collect(),
            identity: None,
        }
    }

    #[test]
    fn parents_load_before_children_and_self_references_do_not_block() {
        let tables = vec![
            table("order_line", &["orders", "product"]),
            table("orders", &["client"]),
            table("category", &["category"]),
            table("product", &["category"]),
            table("client", &[]),
        ];
        let order: Vec<&str> = load_order(&tables)
            .expect("an order")
            .into_iter()
            .map(|i| tables[i].name.as_str())
            .collect();
        let at = |n: &str| order.iter().position(|o| *o == n).expect("placed");
        assert!(at("client") < at("orders"));
        assert!(at("orders") < at("order_line"));
        assert!(at("category") < at("product"));
        assert!(at("product") < at("order_line"));
    }

    #[test]
    fn a_cycle_is_refused_by_name() {
        let tables = vec![table("a", &["b"]), table("b", &["a"])];
        match load_order(&tables) {
            Err(BackupError::Format(text)) => assert!(text.contains("a, b"), "{text}"),
            other => panic!("expected a cycle error, got {other:?}"),
        }
    }

    #[test]
    fn column_kinds_follow_both_dialects_names() {
        assert_eq!(kind_of("t", "c", "BIGINT").ok(), Some(Kind::Int));
        assert_eq!(kind_of("t", "c", "integer").ok(), Some(Kind::Int));
        assert_eq!(kind_of("t", "c", "bytea").ok(), Some(Kind::Bytes));
        assert_eq!(kind_of("t", "c", "BLOB").ok(), Some(Kind::Bytes));
        assert_eq!(kind_of("t", "c", "text").ok(), Some(Kind::Text));
        assert!(kind_of("t", "c", "double precision").is_err());
    }
}
