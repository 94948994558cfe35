//! Every SCIM attribute of a user, readable, on their profile: identity and name parts,
//! contact details (emails, phone numbers, addresses, messaging), the enterprise extension with
//! the manager, and timestamps. Anything the console does not know is still shown, under
//! "Other attributes", and the raw SCIM JSON is one click away. All values are rendered as
//! text.
use leptos::prelude::*;
use roster_api_types::directory::UserDetail;
use serde_json::Value;

use crate::format::datetime;
use crate::state::use_href;
use crate::url::encode;

const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

/// Top-level attributes shown in their own sections.
const KNOWN: [&str; 26] = [
    "schemas",
    "id",
    "externalId",
    "userName",
    "displayName",
    "name",
    "nickName",
    "title",
    "userType",
    "preferredLanguage",
    "locale",
    "timezone",
    "profileUrl",
    "active",
    "emails",
    "phoneNumbers",
    "ims",
    "photos",
    "addresses",
    "entitlements",
    "roles",
    "x509Certificates",
    "groups",
    "meta",
    ENTERPRISE,
    "password",
];

/// A value as text: strings as they are, anything else as compact JSON.
fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Bool(true) => "Yes".to_owned(),
        Value::Bool(false) => "No".to_owned(),
        other => other.to_string(),
    }
}

fn field(obj: &Value, key: &str) -> Option<String> {
    obj.get(key)
        .filter(|v| !v.is_null())
        .map(text)
        .filter(|s| !s.is_empty())
}

/// Rows of a definition list, skipping absent values.
fn facts(rows: Vec<(&'static str, Option<String>)>) -> Option<AnyView> {
    let rows: Vec<_> = rows
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect();
    (!rows.is_empty()).then(|| {
        view! {
            <dl class="roster-facts">
                {rows.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}
            </dl>
        }
        .into_any()
    })
}

/// One line for an entry of a multi-valued attribute: "ada@example.com (work, primary)".
fn multi_line(entry: &Value) -> String {
    let value = if entry.get("streetAddress").is_some()
        || entry.get("locality").is_some()
        || entry.get("formatted").is_some()
    {
        address(entry)
    } else {
        field(entry, "value")
            .or_else(|| field(entry, "display"))
            .unwrap_or_else(|| text(entry))
    };
    let mut notes = Vec::new();
    if let Some(t) = field(entry, "type") {
        notes.push(t);
    }
    if let Some(d) = field(entry, "display").filter(|d| Some(d) != field(entry, "value").as_ref()) {
        if entry.get("value").is_some() {
            notes.push(d);
        }
    }
    if entry.get("primary").and_then(Value::as_bool) == Some(true) {
        notes.push("primary".to_owned());
    }
    if notes.is_empty() {
        value
    } else {
        format!("{value} ({})", notes.join(", "))
    }
}

/// A postal address on one line: the formatted form, or its parts.
fn address(a: &Value) -> String {
    field(a, "formatted")
        .map(|f| f.replace('\n', ", "))
        .unwrap_or_else(|| {
            [
                "streetAddress",
                "locality",
                "region",
                "postalCode",
                "country",
            ]
            .iter()
            .filter_map(|k| field(a, k))
            .collect::<Vec<_>>()
            .join(", ")
        })
}

fn multi(resource: &Value, key: &str, title: &'static str) -> Option<AnyView> {
    let items = resource.get(key)?.as_array()?;
    (!items.is_empty()).then(|| {
        view! {
            <h3>{title}</h3>
            <ul class="roster-values">
                {items.iter().map(|e| view! { <li>{multi_line(e)}</li> }).collect_view()}
            </ul>
        }
        .into_any()
    })
}

/// The attribute sections of a user's profile.
#[component]
pub fn UserAttributes(detail: UserDetail) -> impl IntoView {
    let r = &detail.resource;
    let empty = Value::Null;
    let name = r.get("name").unwrap_or(&empty);
    let ent = r.get(ENTERPRISE).unwrap_or(&empty);
    let identity = facts(vec![
        ("Username", field(r, "userName")),
        ("Display name", field(r, "displayName")),
        ("Full name", field(name, "formatted")),
        ("Honorific prefix", field(name, "honorificPrefix")),
        ("Given name", field(name, "givenName")),
        ("Middle name", field(name, "middleName")),
        ("Family name", field(name, "familyName")),
        ("Honorific suffix", field(name, "honorificSuffix")),
        ("Nickname", field(r, "nickName")),
        ("Title", field(r, "title")),
        ("User type", field(r, "userType")),
        ("Preferred language", field(r, "preferredLanguage")),
        ("Locale", field(r, "locale")),
        ("Time zone", field(r, "timezone")),
        ("Profile URL", field(r, "profileUrl")),
        ("External ID", field(r, "externalId")),
        ("Roster ID", field(r, "id")),
    ]);
    let manager = ent.get("manager").filter(|m| !m.is_null()).map(|m| {
        let label = field(m, "displayName")
            .or_else(|| field(m, "value"))
            .unwrap_or_default();
        match field(m, "value") {
            Some(id) => {
                let href = format!("{}{}", use_href("/users/"), encode(&id));
                view! { <a href=href>{label}</a> }.into_any()
            }
            None => label.into_any(),
        }
    });
    let enterprise = facts(vec![
        ("Employee number", field(ent, "employeeNumber")),
        ("Cost center", field(ent, "costCenter")),
        ("Organization", field(ent, "organization")),
        ("Division", field(ent, "division")),
        ("Department", field(ent, "department")),
    ]);
    let others: Vec<(String, String)> = r
        .as_object()
        .map(|o| {
            o.iter()
                .filter(|(k, _)| !KNOWN.contains(&k.as_str()))
                .map(|(k, v)| {
                    (
                        k.clone(),
                        serde_json::to_string_pretty(v).unwrap_or_default(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let ent_others: Vec<(String, String)> = ent
        .as_object()
        .map(|o| {
            o.iter()
                .filter(|(k, _)| {
                    ![
                        "employeeNumber",
                        "costCenter",
                        "organization",
                        "division",
                        "department",
                        "manager",
                    ]
                    .contains(&k.as_str())
                })
                .map(|(k, v)| (k.clone(), text(v)))
                .collect()
        })
        .unwrap_or_default();
    let meta = r.get("meta").unwrap_or(&empty);
    let raw = serde_json::to_string_pretty(r).unwrap_or_default();
    let contact = [
        multi(r, "emails", "Emails"),
        multi(r, "phoneNumbers", "Phone numbers"),
        multi(r, "addresses", "Addresses"),
        multi(r, "ims", "Messaging"),
        multi(r, "photos", "Photos"),
    ];
    let has_contact = contact.iter().any(Option::is_some);
    let access = [
        multi(r, "roles", "Roles"),
        multi(r, "entitlements", "Entitlements"),
        multi(r, "x509Certificates", "Certificates"),
    ];
    let has_access = access.iter().any(Option::is_some);
    let has_enterprise = enterprise.is_some() || manager.is_some() || !ent_others.is_empty();
    view! {
        <div class="roster-sections">
            <section aria-labelledby="roster-user-identity">
                <h2 id="roster-user-identity">"Identity"</h2>
                {identity}
            </section>
            <section aria-labelledby="roster-user-contact">
                <h2 id="roster-user-contact">"Contact"</h2>
                {if has_contact { contact.into_iter().flatten().collect_view().into_any() } else { view! { <p class="roster-hint">"No emails, phone numbers or addresses."</p> }.into_any() }}
            </section>
            <section aria-labelledby="roster-user-enterprise">
                <h2 id="roster-user-enterprise">"Enterprise"</h2>
                {if has_enterprise {
                    view! {
                        {enterprise}
                        {manager.map(|m| view! { <dl class="roster-facts"><dt>"Manager"</dt><dd>{m}</dd></dl> })}
                        {(!ent_others.is_empty()).then(|| view! {
                            <dl class="roster-facts">
                                {ent_others.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}
                            </dl>
                        })}
                    }.into_any()
                } else {
                    view! { <p class="roster-hint">"The identity provider sent no enterprise attributes (employee number, department, manager…)."</p> }.into_any()
                }}
            </section>
            {has_access.then(|| view! {
                <section aria-labelledby="roster-user-entitlements">
                    <h2 id="roster-user-entitlements">"Roles and entitlements"</h2>
                    {access.into_iter().flatten().collect_view()}
                </section>
            })}
            {(!others.is_empty()).then(|| view! {
                <section aria-labelledby="roster-user-other">
                    <h2 id="roster-user-other">"Other attributes"</h2>
                    <dl class="roster-facts">
                        {others.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd><pre>{v}</pre></dd> }).collect_view()}
                    </dl>
                </section>
            })}
            <section aria-labelledby="roster-user-meta">
                <h2 id="roster-user-meta">"Record"</h2>
                {facts(vec![
                    ("Created", field(meta, "created").map(|t| datetime(&t))),
                    ("Last modified", field(meta, "lastModified").map(|t| datetime(&t))),
                    ("Version", field(meta, "version")),
                    ("Schemas", r.get("schemas").and_then(Value::as_array).map(|a| a.iter().map(text).collect::<Vec<_>>().join(", "))),
                ])}
                <details class="roster-raw">
                    <summary>"SCIM JSON as the identity provider reads it"</summary>
                    <pre>{raw}</pre>
                </details>
            </section>
        </div>
    }
}
