//! The audit log: who changed what, when, from what to what. Entries are written inside the
//! transaction of the change they describe (so a change and its entry commit together) and
//! read newest first with keyset paging over indexed (org, filter, at, id) prefixes.
use roster_api_types::{
    audit::{AuditActor, AuditEntry, AuditTarget},
    page::Page,
};
use serde_json::Value;
use sqlx::{any::AnyRow, Row};

use crate::store::{
    db::paging::{prefix_successor, Anchor, PageRequest, SortValue, Sql},
    db::timestamps::rfc3339,
    db::tx::{InTx, Tx},
    new_id, now_millis, Store,
};

/// Cursor tag of the audit log.
pub const AUDIT_TAG: &str = "audit";

/// Who makes a change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    /// `admin`, `token`, `scim` or `system`.
    pub kind: &'static str,
    pub id: Option<String>,
    pub label: String,
}

impl Actor {
    /// A signed-in admin, labelled by email.
    pub fn admin(admin_id: &str, email: &str) -> Actor {
        Actor {
            kind: "admin",
            id: Some(admin_id.to_owned()),
            label: email.to_owned(),
        }
    }

    /// A service token, labelled `API token: <name>`.
    pub fn token(token_id: &str, name: &str) -> Actor {
        Actor {
            kind: "token",
            id: Some(token_id.to_owned()),
            label: format!("API token: {name}"),
        }
    }

    /// Roster itself, or a tool using the store directly (set-up, tests, benchmarks).
    pub fn system() -> Actor {
        Actor {
            kind: "system",
            id: None,
            label: "Roster".to_owned(),
        }
    }

    /// An identity provider pushing through a directory, labelled `SCIM: <directory name>`.
    pub fn scim(directory_id: &str, directory_name: &str) -> Actor {
        Actor {
            kind: "scim",
            id: Some(directory_id.to_owned()),
            label: format!("SCIM: {directory_name}"),
        }
    }

    /// The SCIM actor of a directory, named as it is inside `tx`.
    pub async fn scim_in(tx: &mut Tx<'_>, directory_id: &str) -> Result<Actor, sqlx::Error> {
        let name: Option<String> = sqlx::query("SELECT name FROM directories WHERE id = $1")
            .bind(directory_id)
            .scalar_optional_in(tx)
            .await?;
        Ok(Actor::scim(directory_id, name.as_deref().unwrap_or("?")))
    }
}

/// One change, as recorded.
#[derive(Clone, Debug)]
pub struct Change {
    pub action: &'static str,
    pub target_type: &'static str,
    pub target_id: Option<String>,
    pub target_label: Option<String>,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

impl Change {
    /// A change to `target_type` `target_id` (labelled `label`).
    pub fn new(action: &'static str, target_type: &'static str, id: &str, label: &str) -> Change {
        Change {
            action,
            target_type,
            target_id: Some(id.to_owned()),
            target_label: Some(label.to_owned()),
            before: None,
            after: None,
        }
    }

    pub fn before(mut self, value: Value) -> Change {
        self.before = Some(value);
        self
    }

    pub fn after(mut self, value: Value) -> Change {
        self.after = Some(value);
        self
    }
}

/// Writes one audit entry inside the transaction of the change.
pub async fn record(
    tx: &mut Tx<'_>,
    org_id: &str,
    actor: &Actor,
    change: Change,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_log (id, org_id, at, actor_type, actor_id, actor_label, action, \
         target_type, target_id, target_label, before_json, after_json) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(new_id())
    .bind(org_id)
    .bind(now_millis())
    .bind(actor.kind)
    .bind(&actor.id)
    .bind(&actor.label)
    .bind(change.action)
    .bind(change.target_type)
    .bind(&change.target_id)
    .bind(&change.target_label)
    .bind(change.before.map(|v| v.to_string()))
    .bind(change.after.map(|v| v.to_string()))
    .execute_in(tx)
    .await?;
    Ok(())
}

/// Filters of the audit log; all optional, combined with AND.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    pub actor_id: Option<String>,
    pub actor_type: Option<String>,
    /// Exact action, or a family when it ends with `.*`.
    pub action: Option<String>,
    pub target_id: Option<String>,
    pub target_type: Option<String>,
    /// Unix millis, inclusive.
    pub from: Option<i64>,
    /// Unix millis, exclusive.
    pub to: Option<i64>,
}

fn json_opt(text: Option<String>) -> Option<Value> {
    text.and_then(|t| serde_json::from_str(&t).ok())
}

fn entry_from_row(row: &AnyRow) -> Result<(AuditEntry, i64), sqlx::Error> {
    let at: i64 = row.try_get("at")?;
    Ok((
        AuditEntry {
            id: row.try_get("id")?,
            at: rfc3339(at),
            actor: AuditActor {
                type_: row.try_get("actor_type")?,
                id: row.try_get("actor_id")?,
                label: row.try_get("actor_label")?,
            },
            action: row.try_get("action")?,
            target: AuditTarget {
                type_: row.try_get("target_type")?,
                id: row.try_get("target_id")?,
                label: row.try_get("target_label")?,
            },
            before: json_opt(row.try_get("before_json")?),
            after: json_opt(row.try_get("after_json")?),
        },
        at,
    ))
}

impl Store {
    /// One page of the organization's audit log, newest first.
    pub async fn list_audit(
        &self,
        org_id: &str,
        filter: &AuditFilter,
        page: &PageRequest,
    ) -> Result<Page<AuditEntry>, sqlx::Error> {
        // Newest first; a previous page walks towards newer entries.
        let desc = !page.reversed();
        let dir = if desc { "DESC" } else { "ASC" };
        let mut sql = Sql::new("SELECT * FROM audit_log WHERE org_id = ");
        let o = sql.text(org_id);
        sql.push(&o);
        let eq = |sql: &mut Sql, column: &str, value: &Option<String>| {
            if let Some(v) = value {
                let p = sql.text(v);
                sql.push(&format!(" AND {column} = {p}"));
            }
        };
        eq(&mut sql, "actor_id", &filter.actor_id);
        eq(&mut sql, "actor_type", &filter.actor_type);
        eq(&mut sql, "target_id", &filter.target_id);
        eq(&mut sql, "target_type", &filter.target_type);
        match filter.action.as_deref() {
            Some(family) if family.ends_with(".*") => {
                let prefix = &family[..family.len() - 1];
                let lo = sql.text(prefix);
                sql.push(&format!(" AND action >= {lo}"));
                if let Some(hi) = prefix_successor(prefix) {
                    let hi = sql.text(&hi);
                    sql.push(&format!(" AND action < {hi}"));
                }
            }
            action => eq(&mut sql, "action", &action.map(str::to_owned)),
        }
        if let Some(from) = filter.from {
            let p = sql.int(from);
            sql.push(&format!(" AND at >= {p}"));
        }
        if let Some(to) = filter.to {
            let p = sql.int(to);
            sql.push(&format!(" AND at < {p}"));
        }
        if let Some(a) = page.anchor() {
            sql.push_after("at", "id", desc, a);
        }
        sql.push(&format!(
            " ORDER BY at {dir}, id {dir} LIMIT {}",
            page.fetch_limit()
        ));
        let rows = sql.query().fetch_all(&self.read).await?;
        let rows = rows
            .iter()
            .map(entry_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        let result = page.finish(rows, |(e, at)| Anchor {
            key: SortValue::Int(*at),
            id: e.id.clone(),
        });
        Ok(Page {
            items: result.items.into_iter().map(|(e, _)| e).collect(),
            total: None,
            next_cursor: result.next_cursor,
            prev_cursor: result.prev_cursor,
            feed_cursor: None,
        })
    }
}
