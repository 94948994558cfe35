//! Many rows into one table in one call, as cheaply as each executor allows. In place, one
//! cached single-row `INSERT` per row: a statement there costs no thread switch and is not
//! parsed again. On sqlx, one statement whose one parameter is the rows as a JSON array the
//! database unpacks: bound parameters per row would cost SQLite O(n²) (it finds each by
//! scanning a list) and PostgreSQL a larger message to plan.
use serde_json::{Map, Value};

use super::{
    backend::Backend,
    tx::{InTx, Tx},
};

/// A column's SQL type, as the JSON form casts it back.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    Text,
    Int,
}

/// One value of a row, in the order of its table's columns.
#[derive(Clone, Copy, Debug)]
pub enum Cell<'a> {
    Text(Option<&'a str>),
    Int(i64),
}

/// Inserts `rows` into `table`, whose `columns` each row gives in order.
pub async fn insert_rows(
    tx: &mut Tx<'_>,
    table: &str,
    columns: &[(&str, Kind)],
    rows: &[Vec<Cell<'_>>],
) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    let names: Vec<&str> = columns.iter().map(|(name, _)| *name).collect();
    let names = names.join(", ");
    let Some(backend) = tx.sqlx_backend() else {
        let params: Vec<String> = (1..=columns.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "INSERT INTO {table} ({names}) VALUES ({})",
            params.join(", ")
        );
        for row in rows {
            let mut query = sqlx::query(&sql);
            for cell in row {
                query = match *cell {
                    Cell::Text(text) => query.bind(text),
                    Cell::Int(n) => query.bind(n),
                };
            }
            query.execute_in(tx).await?;
        }
        return Ok(());
    };
    let sql = match backend {
        Backend::Sqlite => {
            let values: Vec<String> = columns
                .iter()
                .map(|(name, _)| format!("e.value ->> '{name}'"))
                .collect();
            format!(
                "INSERT INTO {table} ({names}) SELECT {} FROM json_each($1) e",
                values.join(", ")
            )
        }
        Backend::Postgres => {
            let typed: Vec<String> = columns
                .iter()
                .map(|(name, kind)| match kind {
                    Kind::Text => format!("{name} TEXT"),
                    Kind::Int => format!("{name} BIGINT"),
                })
                .collect();
            format!(
                "INSERT INTO {table} ({names}) SELECT {names} \
                 FROM jsonb_to_recordset($1::jsonb) AS e({})",
                typed.join(", ")
            )
        }
    };
    let objects: Vec<Value> = rows
        .iter()
        .map(|row| {
            let mut object = Map::with_capacity(columns.len());
            for ((name, _), cell) in columns.iter().zip(row) {
                let value = match *cell {
                    Cell::Text(text) => text.map_or(Value::Null, Value::from),
                    Cell::Int(n) => Value::from(n),
                };
                object.insert((*name).to_owned(), value);
            }
            Value::Object(object)
        })
        .collect();
    sqlx::query(&sql)
        .bind(Value::Array(objects).to_string())
        .execute_in(tx)
        .await?;
    Ok(())
}
