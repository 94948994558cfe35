//! The indexed fields the server keeps in columns next to the normalised JSON: for users
//! userName, externalId, displayName, active, emails and the name parts; for groups
//! displayName, externalId and the member ids (stored as rows, not in the JSON).

use crate::error::{ScimError, ScimResult};
use crate::schema::ENTERPRISE_USER_SCHEMA;
use serde_json::Value;
use std::collections::HashSet;

/// One email of a user, as indexed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    /// The address.
    pub value: String,
    /// `work`, `home`, … when given.
    pub kind: Option<String>,
    /// Whether it is the primary address.
    pub primary: bool,
}

/// The indexed columns of a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserFields {
    /// `userName` (required).
    pub user_name: String,
    /// `externalId`.
    pub external_id: Option<String>,
    /// `displayName`.
    pub display_name: Option<String>,
    /// `active`; `true` when absent (RFC 7643 leaves the default to the provider).
    pub active: bool,
    /// `emails`, in order.
    pub emails: Vec<Email>,
    /// `name.givenName`.
    pub given_name: Option<String>,
    /// `name.familyName`.
    pub family_name: Option<String>,
    /// `name.formatted`.
    pub formatted_name: Option<String>,
    /// Enterprise `employeeNumber`.
    pub employee_number: Option<String>,
    /// Enterprise `manager.value` (the manager's id).
    pub manager_id: Option<String>,
}

fn text(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str).map(str::to_string)
}

impl UserFields {
    /// Extracts the fields from a normalised user (as returned by `parse_user` or a PATCH).
    pub fn from_resource(resource: &Value) -> ScimResult<UserFields> {
        let user_name = text(resource.get("userName"))
            .ok_or_else(|| ScimError::invalid_value("'userName' is required"))?;
        let name = resource.get("name");
        let ext = resource.get(ENTERPRISE_USER_SCHEMA);
        let emails = resource
            .get("emails")
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter_map(|e| {
                        Some(Email {
                            value: text(e.get("value"))?,
                            kind: text(e.get("type")),
                            primary: e.get("primary") == Some(&Value::Bool(true)),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(UserFields {
            user_name,
            external_id: text(resource.get("externalId")),
            display_name: text(resource.get("displayName")),
            active: resource
                .get("active")
                .and_then(Value::as_bool)
                .unwrap_or(true),
            emails,
            given_name: text(name.and_then(|n| n.get("givenName"))),
            family_name: text(name.and_then(|n| n.get("familyName"))),
            formatted_name: text(name.and_then(|n| n.get("formatted"))),
            employee_number: text(ext.and_then(|e| e.get("employeeNumber"))),
            manager_id: text(
                ext.and_then(|e| e.get("manager"))
                    .and_then(|m| m.get("value")),
            ),
        })
    }

    /// The primary email, else the first one.
    pub fn primary_email(&self) -> Option<&Email> {
        self.emails
            .iter()
            .find(|e| e.primary)
            .or_else(|| self.emails.first())
    }
}

/// The indexed columns of a group, and its member ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupFields {
    /// `displayName` (required).
    pub display_name: String,
    /// `externalId`.
    pub external_id: Option<String>,
    /// `members[].value`, in order, without duplicates.
    pub member_ids: Vec<String>,
}

impl GroupFields {
    /// Extracts the fields from a normalised group.
    pub fn from_resource(resource: &Value) -> ScimResult<GroupFields> {
        let display_name = text(resource.get("displayName"))
            .ok_or_else(|| ScimError::invalid_value("'displayName' is required"))?;
        Ok(GroupFields {
            display_name,
            external_id: text(resource.get("externalId")),
            member_ids: member_ids(resource),
        })
    }

    /// Removes `members` from a normalised group and returns the member ids: the server
    /// stores members as rows, never inside the group's JSON.
    pub fn take_members(resource: &mut Value) -> Vec<String> {
        let ids = member_ids(resource);
        if let Some(obj) = resource.as_object_mut() {
            obj.remove("members");
        }
        ids
    }
}

/// `members[].value` in order, first occurrence kept (a set keeps large groups linear).
fn member_ids(resource: &Value) -> Vec<String> {
    let mut seen = HashSet::new();
    resource
        .get("members")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|m| text(m.get("value")))
        .filter(|id| seen.insert(id.clone()))
        .collect()
}
