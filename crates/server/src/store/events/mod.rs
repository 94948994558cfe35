//! The change feed: every change Roster makes is an event, written in the transaction of the
//! change, so a change and its event commit together or not at all. Events about one object
//! are written here from Rust; the access and membership events a change fans out to (one per
//! user) are written by one `INSERT … SELECT` per change ([`access`]), never a loop over users.
//! [`feed`] reads them in an order that never skips one; long polls hear of commits through
//! [`crate::store::db::commits`].
pub mod access;
pub mod feed;
pub mod timeline;

use roster_scim::{GroupFields, UserFields};
use serde_json::{json, Value};
use sqlx::Row;

use crate::store::{
    audit::Actor,
    db::sqlite::AnyQuery,
    db::tx::{InTx, Tx},
    now_millis,
};

/// One event about an object, before it is written.
pub struct NewEvent<'a> {
    pub kind: &'static str,
    pub org_id: &'a str,
    pub directory_id: Option<&'a str>,
    /// (id, userName, email) of the user the event is about, for the user's timeline.
    pub user: Option<(&'a str, &'a str, Option<&'a str>)>,
    /// (id, displayName) of the group the event is about.
    pub group: Option<(&'a str, &'a str)>,
    /// The object's state after the change.
    pub data: Value,
}

impl<'a> NewEvent<'a> {
    pub fn new(kind: &'static str, org_id: &'a str, data: Value) -> NewEvent<'a> {
        NewEvent {
            kind,
            org_id,
            directory_id: None,
            user: None,
            group: None,
            data,
        }
    }

    pub fn directory(mut self, directory_id: &'a str) -> Self {
        self.directory_id = Some(directory_id);
        self
    }

    pub fn user(mut self, id: &'a str, user_name: &'a str, email: Option<&'a str>) -> Self {
        self.user = Some((id, user_name, email));
        self
    }

    pub fn group(mut self, id: &'a str, display_name: &'a str) -> Self {
        self.group = Some((id, display_name));
        self
    }

    /// Binds, in the events table's order, who and what the event is about and its state:
    /// user id, label and email, group id and label, then `data`.
    fn bind_about<'q>(&self, q: AnyQuery<'q>) -> AnyQuery<'q>
    where
        'a: 'q,
    {
        let (user_id, user_label, user_email) = match self.user {
            Some((id, label, email)) => (Some(id), Some(label), email),
            None => (None, None, None),
        };
        let (group_id, group_label) = self.group.unzip();
        q.bind(user_id)
            .bind(user_label)
            .bind(user_email)
            .bind(group_id)
            .bind(group_label)
            .bind(self.data.to_string())
    }
}

/// Writes one event inside the transaction of its change.
pub async fn record(
    tx: &mut Tx<'_>,
    actor: &Actor,
    event: NewEvent<'_>,
) -> Result<(), sqlx::Error> {
    let q = sqlx::query(
        "INSERT INTO events (type, at, actor_type, actor_id, actor_label, org_id, directory_id, \
         user_id, user_label, user_email, group_id, group_label, data) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(event.kind)
    .bind(now_millis())
    .bind(actor.kind)
    .bind(actor.id.as_deref())
    .bind(actor.label.as_str())
    .bind(event.org_id)
    .bind(event.directory_id);
    event.bind_about(q).execute_in(tx).await?;
    Ok(())
}

/// [`record`] for an event by a directory's identity provider: its organization and label
/// come from the directory row in the same statement (the hot path of a sync writes one
/// statement, not two). `event.org_id` is not used.
pub async fn record_scim(
    tx: &mut Tx<'_>,
    directory_id: &str,
    event: NewEvent<'_>,
) -> Result<(), sqlx::Error> {
    let q = sqlx::query(
        "INSERT INTO events (type, at, actor_type, actor_id, actor_label, org_id, directory_id, \
         user_id, user_label, user_email, group_id, group_label, data) \
         SELECT $1, $2, 'scim', d.id, 'SCIM: ' || d.name, d.org_id, d.id, $3, $4, $5, $6, $7, $8 \
         FROM directories d WHERE d.id = $9",
    )
    .bind(event.kind)
    .bind(now_millis());
    event
        .bind_about(q)
        .bind(directory_id)
        .execute_in(tx)
        .await?;
    Ok(())
}

/// The organization of a directory and its identity provider as an actor: who a SCIM write
/// is by. One indexed read.
pub async fn scim_context(
    tx: &mut Tx<'_>,
    directory_id: &str,
) -> Result<(String, Actor), sqlx::Error> {
    let row = sqlx::query("SELECT org_id, name FROM directories WHERE id = $1")
        .bind(directory_id)
        .fetch_one_in(tx)
        .await?;
    let name: String = row.try_get("name")?;
    Ok((row.try_get("org_id")?, Actor::scim(directory_id, &name)))
}

/// A user's state as events carry it.
pub fn user_state(id: &str, directory_id: &str, fields: &UserFields) -> Value {
    json!({"user": {
        "id": id,
        "directoryId": directory_id,
        "userName": fields.user_name,
        "externalId": fields.external_id,
        "displayName": fields.display_name,
        "givenName": fields.given_name,
        "familyName": fields.family_name,
        "email": fields.primary_email().map(|e| e.value.as_str()),
        "active": fields.active,
    }})
}

/// A group's state as events carry it.
pub fn group_state(
    id: &str,
    directory_id: Option<&str>,
    fields: &GroupFields,
    members: i64,
) -> Value {
    json!({"group": {
        "id": id,
        "directoryId": directory_id,
        "displayName": fields.display_name,
        "externalId": fields.external_id,
        "memberCount": members,
    }})
}

/// The user event of a write that moved the user from `was_active` to `active`.
pub fn user_change_kind(was_active: bool, active: bool) -> &'static str {
    match (was_active, active) {
        (true, false) => "user.deactivated",
        (false, true) => "user.reactivated",
        _ => "user.updated",
    }
}

/// A directory's deletion: `user.deleted` for each of its users and `group.deleted` for each
/// of its groups (one statement each), then `directory.deleted`. Written before the rows go.
pub async fn directory_deleted(
    tx: &mut Tx<'_>,
    actor: &Actor,
    org_id: &str,
    directory_id: &str,
    name: &str,
) -> Result<(), sqlx::Error> {
    let at = now_millis();
    for sql in [
        "INSERT INTO events (type, at, actor_type, actor_id, actor_label, org_id, directory_id, \
         user_id, user_label, user_email) SELECT 'user.deleted', $1, $2, $3, $4, $5, \
         u.directory_id, u.id, u.user_name, u.primary_email FROM users u \
         WHERE u.directory_id = $6 ORDER BY u.id",
        "INSERT INTO events (type, at, actor_type, actor_id, actor_label, org_id, directory_id, \
         group_id, group_label) SELECT 'group.deleted', $1, $2, $3, $4, $5, g.directory_id, \
         g.id, g.display_name FROM groups g WHERE g.directory_id = $6 ORDER BY g.id",
    ] {
        sqlx::query(sql)
            .bind(at)
            .bind(actor.kind)
            .bind(actor.id.as_deref())
            .bind(actor.label.as_str())
            .bind(org_id)
            .bind(directory_id)
            .execute_in(tx)
            .await?;
    }
    let state = json!({"directory": {"id": directory_id, "name": name}});
    let event = NewEvent::new("directory.deleted", org_id, state).directory(directory_id);
    record(tx, actor, event).await
}
