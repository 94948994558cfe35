//! Listing and searching: `GET /Users`, `GET /Groups`, `POST /{Users,Groups}/.search` and the
//! root `POST /.search`. Filters compile to SQL ([`crate::store::scim_query::filter`]); paging is
//! `startIndex`/`count` over a stable order (creation order unless `sortBy` says otherwise).
//! Answers are written as bytes, each group's members streamed from their rows.
use axum::http::{HeaderMap, StatusCode};
use roster_scim::{Filter, ListResponse, Projection, ResourceKind, ScimError};
use serde_json::Value;

use super::{
    error::ScimApiResult,
    middleware::{ScimDirectory, SyncNote},
    render::{
        self,
        bytes::{write_json, write_resource},
    },
    resources::{Body, Outcome},
};
use crate::{
    state::AppState,
    store::scim_query::{filter as scim_filter, ListQuery, StoredResource},
};

/// Most resources one answer returns (advertised as `filter.maxResults`).
pub const MAX_RESULTS: u64 = 1000;
/// Page size when the client gives no `count`.
const DEFAULT_COUNT: u64 = 100;

/// A list or search request, from query parameters or a `SearchRequest` body.
#[derive(Debug, Default, Clone)]
pub struct ListRequest {
    pub filter: Option<String>,
    pub start_index: u64,
    pub count: u64,
    pub sort_by: Option<String>,
    pub descending: bool,
    pub attributes: Option<String>,
    pub excluded_attributes: Option<String>,
}

fn integer(name: &str, raw: &str) -> Result<i64, ScimError> {
    raw.trim()
        .parse::<i64>()
        .map_err(|_| ScimError::invalid_value(format!("'{name}' must be an integer, got '{raw}'")))
}

impl ListRequest {
    /// From query parameters; names are matched case-insensitively.
    pub fn from_query(params: &[(String, String)]) -> Result<ListRequest, ScimError> {
        let get = |name: &str| {
            params
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone())
        };
        let start = get("startIndex")
            .map(|v| integer("startIndex", &v))
            .transpose()?;
        let count = get("count").map(|v| integer("count", &v)).transpose()?;
        Ok(ListRequest {
            filter: get("filter").filter(|f| !f.trim().is_empty()),
            start_index: start.unwrap_or(1).max(1) as u64,
            count: count
                .map_or(DEFAULT_COUNT, |c| c.max(0) as u64)
                .min(MAX_RESULTS),
            sort_by: get("sortBy").filter(|s| !s.trim().is_empty()),
            descending: get("sortOrder").is_some_and(|o| o.eq_ignore_ascii_case("descending")),
            attributes: get("attributes"),
            excluded_attributes: get("excludedAttributes"),
        })
    }

    /// From a `SearchRequest` body (RFC 7644 §3.4.3).
    pub fn from_body(body: &Value) -> Result<ListRequest, ScimError> {
        let Value::Object(obj) = body else {
            return Err(ScimError::invalid_syntax(
                "a search request must be a JSON object",
            ));
        };
        let field = |name: &str| {
            obj.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v)
        };
        let text = |name: &str| field(name).and_then(Value::as_str).map(str::to_owned);
        let number = |name: &str| -> Result<Option<i64>, ScimError> {
            match field(name) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::Number(n)) => n.as_i64().map(Some).ok_or_else(|| {
                    ScimError::invalid_value(format!("'{name}' must be an integer"))
                }),
                Some(Value::String(s)) => integer(name, s).map(Some),
                Some(_) => Err(ScimError::invalid_value(format!(
                    "'{name}' must be an integer"
                ))),
            }
        };
        let list = |name: &str| match field(name) {
            Some(Value::Array(items)) => Some(
                items
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(","),
            ),
            Some(Value::String(s)) => Some(s.clone()),
            _ => None,
        };
        Ok(ListRequest {
            filter: text("filter").filter(|f| !f.trim().is_empty()),
            start_index: number("startIndex")?.unwrap_or(1).max(1) as u64,
            count: number("count")?
                .map_or(DEFAULT_COUNT, |c| c.max(0) as u64)
                .min(MAX_RESULTS),
            sort_by: text("sortBy"),
            descending: text("sortOrder").is_some_and(|o| o.eq_ignore_ascii_case("descending")),
            attributes: list("attributes"),
            excluded_attributes: list("excludedAttributes"),
        })
    }
}

/// The SQL order expression for a `sortBy` attribute, when it is one Roster sorts by; other
/// attributes keep the default (creation) order.
fn sort_column(kind: ResourceKind, sort_by: &str) -> Option<&'static str> {
    let name = sort_by
        .rsplit(':')
        .next()
        .unwrap_or(sort_by)
        .to_ascii_lowercase();
    match (kind, name.as_str()) {
        (ResourceKind::User, "username") => Some("u.user_name_lower"),
        (ResourceKind::User, "externalid") => Some("u.external_id"),
        (ResourceKind::User, "displayname") => Some("u.display_name"),
        (ResourceKind::User, "name.familyname") => Some("lower(u.family_name)"),
        (ResourceKind::User, "name.givenname") => Some("lower(u.given_name)"),
        (ResourceKind::User, "emails" | "emails.value") => Some("u.primary_email_lower"),
        (ResourceKind::User, "meta.created") => Some("u.created_at"),
        (ResourceKind::User, "meta.lastmodified") => Some("u.updated_at"),
        (ResourceKind::Group, "displayname") => Some("g.display_name_lower"),
        (ResourceKind::Group, "externalid") => Some("g.external_id"),
        (ResourceKind::Group, "meta.created") => Some("g.created_at"),
        (ResourceKind::Group, "meta.lastmodified") => Some("g.updated_at"),
        _ => None,
    }
}

/// The resources of one type in an answer, in order.
enum Page {
    /// Users, rendered (their groups are read for the whole page in one query).
    Users(Vec<Value>),
    /// Groups, rendered as they are written: a group's members are read then, a page of rows
    /// at a time, so an answer never holds all the members of its groups at once.
    Groups {
        rows: Vec<StoredResource>,
        projection: Projection,
    },
}

impl Page {
    fn len(&self) -> usize {
        match self {
            Page::Users(docs) => docs.len(),
            Page::Groups { rows, .. } => rows.len(),
        }
    }
}

/// A list answer found but not yet rendered.
struct Answer {
    total: u64,
    start_index: u64,
    pages: Vec<Page>,
}

impl Answer {
    fn items(&self) -> u64 {
        self.pages.iter().map(|p| p.len() as u64).sum()
    }

    /// The `ListResponse` as bytes: the envelope's fields in the order the tree serialises
    /// them, with the resources written one after another in place of `Resources`.
    async fn write(&self, state: &AppState, dir: &ScimDirectory) -> ScimApiResult<Vec<u8>> {
        let mut envelope = ListResponse::new(Vec::new(), self.total, self.start_index);
        envelope.items_per_page = self.items();
        let Value::Object(envelope) = envelope.to_json() else {
            return Err(ScimError::status(500, "could not serialise the list envelope").into());
        };
        let mut out = Vec::new();
        out.push(b'{');
        for (i, (key, value)) in envelope.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write_json(&mut out, key)?;
            out.push(b':');
            if key != "Resources" {
                write_json(&mut out, value)?;
                continue;
            }
            out.push(b'[');
            let mut first = true;
            for page in &self.pages {
                match page {
                    Page::Users(docs) => {
                        for doc in docs {
                            separate(&mut out, &mut first);
                            write_json(&mut out, doc)?;
                        }
                    }
                    Page::Groups { rows, projection } => {
                        for r in rows {
                            separate(&mut out, &mut first);
                            let group = ResourceKind::Group;
                            write_resource(state, dir, group, r, projection, &mut out).await?;
                        }
                    }
                }
            }
            out.push(b']');
        }
        out.push(b'}');
        Ok(out)
    }

    /// The same answer as one JSON tree, every member of every group in memory at once.
    async fn tree(self, state: &AppState, dir: &ScimDirectory) -> ScimApiResult<Value> {
        let mut resources = Vec::new();
        for page in self.pages {
            match page {
                Page::Users(docs) => resources.extend(docs),
                Page::Groups { rows, projection } => {
                    for r in &rows {
                        let group = ResourceKind::Group;
                        resources.push(render::tree(state, dir, group, r, &projection).await?);
                    }
                }
            }
        }
        Ok(ListResponse::new(resources, self.total, self.start_index).to_json())
    }
}

/// A comma before every array element but the first.
fn separate(out: &mut Vec<u8>, first: &mut bool) {
    if !std::mem::take(first) {
        out.push(b',');
    }
}

/// One resource type's matches: the total and the requested window.
async fn search_kind(
    state: &AppState,
    dir: &ScimDirectory,
    kind: ResourceKind,
    req: &ListRequest,
    filter: Option<&Filter>,
    start_index: u64,
    count: u64,
) -> ScimApiResult<(u64, Page)> {
    let compiled = filter
        .map(|f| scim_filter::compile(kind, f, 2))
        .transpose()?;
    let query = ListQuery {
        filter: compiled,
        order_by: req.sort_by.as_deref().and_then(|s| sort_column(kind, s)),
        descending: req.descending,
        start_index,
        count,
    };
    let projection = Projection::parse(
        kind,
        req.attributes.as_deref(),
        req.excluded_attributes.as_deref(),
    )?;
    // Residual filters are decided on the full resource, as the core defines them.
    let keep = |r: &StoredResource| {
        filter.is_none_or(|f| f.matches(&render::resource(dir, kind, r.clone(), None)))
    };
    let (total, rows) = match kind {
        ResourceKind::User => state.store.list_users(&dir.id, &query, keep).await?,
        ResourceKind::Group => {
            let (total, rows) = state.store.list_groups(&dir.id, &query, keep).await?;
            return Ok((total, Page::Groups { rows, projection }));
        }
    };
    let mut resources = Vec::with_capacity(rows.len());
    if projection.wants("groups") && !rows.is_empty() {
        let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
        let memberships = state.store.groups_of_users(&ids).await?;
        for r in rows {
            let groups: Vec<(&str, &str)> = memberships
                .iter()
                .filter(|(uid, _, _)| *uid == r.id)
                .map(|(_, gid, name)| (gid.as_str(), name.as_str()))
                .collect();
            resources.push(render::user(dir, r, groups, &projection));
        }
    } else {
        for r in &rows {
            resources.push(render::tree(state, dir, kind, r, &projection).await?);
        }
    }
    Ok((total, Page::Users(resources)))
}

/// The answer to `GET /Users`, `GET /Groups` and their `.search`.
async fn find(
    state: &AppState,
    dir: &ScimDirectory,
    kind: ResourceKind,
    req: &ListRequest,
) -> ScimApiResult<Answer> {
    let filter = req
        .filter
        .as_deref()
        .map(|f| Filter::parse(kind, f))
        .transpose()?;
    let (total, page) = search_kind(
        state,
        dir,
        kind,
        req,
        filter.as_ref(),
        req.start_index,
        req.count,
    )
    .await?;
    Ok(Answer {
        total,
        start_index: req.start_index,
        pages: vec![page],
    })
}

/// The answer to the root `POST /.search`: users first, then groups, as one result set. A
/// filter that names attributes only one type has applies to that type alone.
async fn find_all(
    state: &AppState,
    dir: &ScimDirectory,
    req: &ListRequest,
) -> ScimApiResult<Answer> {
    let mut kinds = Vec::new();
    let mut first_error = None;
    for kind in [ResourceKind::User, ResourceKind::Group] {
        match req
            .filter
            .as_deref()
            .map(|f| Filter::parse(kind, f))
            .transpose()
        {
            Ok(f) => kinds.push((kind, f)),
            Err(e) => first_error = first_error.or(Some(e)),
        }
    }
    if kinds.is_empty() {
        return Err(first_error
            .unwrap_or_else(|| ScimError::invalid_filter("invalid filter"))
            .into());
    }
    let mut answer = Answer {
        total: 0,
        start_index: req.start_index,
        pages: Vec::new(),
    };
    let mut skip = req.start_index - 1;
    for (kind, filter) in &kinds {
        let want = req.count.saturating_sub(answer.items());
        let (n, page) =
            search_kind(state, dir, *kind, req, filter.as_ref(), skip + 1, want).await?;
        skip = skip.saturating_sub(n);
        answer.total += n;
        answer.pages.push(page);
    }
    Ok(answer)
}

fn list_outcome(body: Vec<u8>, operation: &'static str, kind: Option<ResourceKind>) -> Outcome {
    Outcome {
        status: StatusCode::OK,
        body: Some(Body::Serialized(body)),
        headers: HeaderMap::new(),
        note: SyncNote {
            operation,
            resource_type: kind.map(ResourceKind::name),
            ..SyncNote::default()
        },
    }
}

/// `GET /Users`, `GET /Groups` and their `.search`, written as bytes (see [`Answer::write`]).
pub async fn list(
    state: &AppState,
    dir: &ScimDirectory,
    kind: ResourceKind,
    req: &ListRequest,
) -> ScimApiResult<Outcome> {
    let body = find(state, dir, kind, req).await?.write(state, dir).await?;
    let operation = match (kind, req.filter.is_some()) {
        (ResourceKind::User, false) => "listUsers",
        (ResourceKind::User, true) => "filterUsers",
        (ResourceKind::Group, false) => "listGroups",
        (ResourceKind::Group, true) => "filterGroups",
    };
    let mut outcome = list_outcome(body, operation, Some(kind));
    outcome.note.resource_label = req.filter.clone();
    Ok(outcome)
}

/// The root `POST /.search`, written as bytes.
pub async fn search_all(
    state: &AppState,
    dir: &ScimDirectory,
    req: &ListRequest,
) -> ScimApiResult<Outcome> {
    let body = find_all(state, dir, req).await?.write(state, dir).await?;
    Ok(list_outcome(body, "search", None))
}

/// The answer of [`list`] built as one `serde_json::Value` tree, as lists were built before
/// they were written as bytes. It holds every member of every group on the page at once:
/// kept only as the reference the written answer is tested against.
pub async fn list_tree(
    state: &AppState,
    dir: &ScimDirectory,
    kind: ResourceKind,
    req: &ListRequest,
) -> ScimApiResult<Value> {
    find(state, dir, kind, req).await?.tree(state, dir).await
}

/// The answer of [`search_all`] as one tree; see [`list_tree`].
pub async fn search_all_tree(
    state: &AppState,
    dir: &ScimDirectory,
    req: &ListRequest,
) -> ScimApiResult<Value> {
    find_all(state, dir, req).await?.tree(state, dir).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn query_parameters_follow_rfc_7644() {
        let r = ListRequest::from_query(&q(&[("startIndex", "0"), ("count", "-5")])).unwrap();
        assert_eq!((r.start_index, r.count), (1, 0));
        let r =
            ListRequest::from_query(&q(&[("count", "5000"), ("sortOrder", "descending")])).unwrap();
        assert_eq!(r.count, MAX_RESULTS);
        assert!(r.descending);
        let r = ListRequest::from_query(&q(&[("STARTINDEX", "101"), ("filter", "")])).unwrap();
        assert_eq!(r.start_index, 101);
        assert_eq!(r.filter, None);
        let err = ListRequest::from_query(&q(&[("count", "ten")])).unwrap_err();
        assert_eq!(err.status, 400);
    }

    #[test]
    fn search_bodies_take_lists_and_numbers() {
        let r = ListRequest::from_body(&serde_json::json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
            "filter": "userName sw \"a\"", "startIndex": 3, "count": 10,
            "attributes": ["userName", "emails"]
        }))
        .unwrap();
        assert_eq!(r.attributes.as_deref(), Some("userName,emails"));
        assert_eq!((r.start_index, r.count), (3, 10));
    }
}
