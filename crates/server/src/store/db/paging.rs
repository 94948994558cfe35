//! Keyset pagination for the admin API's long lists (users, groups, members, sync events).
//!
//! A page is "the next `limit` rows after (or before) an anchor row" in a total order of
//! (sort key, id), so page 10,000 costs what page 1 costs: each query is an index range scan
//! with a `LIMIT`, never an `OFFSET`. Cursors are opaque to clients: base64url JSON naming the
//! listing, the direction and the anchor's sort key and id.
//!
//! Also here: [`Sql`], a tiny builder for the dynamic queries these lists need, numbering
//! `$n` placeholders in the order they appear (SQLite assigns parameter slots by first
//! appearance, so the numbering must follow the text).
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use roster_api_types::page::Page;
use serde::{Deserialize, Serialize};
use sqlx::{any::AnyArguments, query::Query, Any};

/// Page size when the client does not ask for one.
pub const DEFAULT_LIMIT: u32 = 50;
/// Largest page a client may ask for.
pub const MAX_LIMIT: u32 = 200;
/// Filtered totals are counted up to this many; past it the total is reported as unknown,
/// so a broad search never counts a million rows.
pub const COUNT_CAP: i64 = 10_000;

/// The sort key of a row as stored in a cursor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum SortValue {
    Int(i64),
    Text(String),
    /// A NULL sort key (optional columns such as the family name).
    Null,
}

impl From<Option<String>> for SortValue {
    fn from(v: Option<String>) -> Self {
        v.map_or(SortValue::Null, SortValue::Text)
    }
}

/// A row a page starts after: its sort key and id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Anchor {
    pub key: SortValue,
    pub id: String,
}

/// The cursor as encoded for clients.
#[derive(Serialize, Deserialize)]
struct CursorData {
    /// Which listing (and sort) the cursor belongs to.
    s: String,
    /// Whether it asks for the page before the anchor.
    b: bool,
    k: SortValue,
    i: String,
}

/// A cursor that is not one of ours, or belongs to another listing or sort.
#[derive(Debug, thiserror::Error)]
#[error("The cursor is invalid or belongs to another listing; start again without it.")]
pub struct InvalidCursor;

/// One page request: where to start, which way to walk, how many rows.
#[derive(Debug)]
pub struct PageRequest {
    tag: String,
    limit: usize,
    backward: bool,
    anchor: Option<Anchor>,
}

impl PageRequest {
    /// Reads `cursor` for the listing named `tag` (which must include the sort, so a cursor of
    /// one ordering is never applied to another).
    pub fn new(tag: &str, cursor: Option<&str>, limit: u32) -> Result<PageRequest, InvalidCursor> {
        let mut request = PageRequest {
            tag: tag.to_owned(),
            limit: limit.clamp(1, MAX_LIMIT) as usize,
            backward: false,
            anchor: None,
        };
        if let Some(cursor) = cursor.filter(|c| !c.is_empty()) {
            let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| InvalidCursor)?;
            let data: CursorData = serde_json::from_slice(&bytes).map_err(|_| InvalidCursor)?;
            if data.s != tag {
                return Err(InvalidCursor);
            }
            request.backward = data.b;
            request.anchor = Some(Anchor {
                key: data.k,
                id: data.i,
            });
        }
        Ok(request)
    }

    /// Whether the rows must be fetched against the listing's order (a previous page).
    pub fn reversed(&self) -> bool {
        self.backward
    }

    /// The row to start after, in the direction of [`PageRequest::reversed`].
    pub fn anchor(&self) -> Option<&Anchor> {
        self.anchor.as_ref()
    }

    /// How many rows to fetch: one more than the page, to learn whether another page follows.
    pub fn fetch_limit(&self) -> usize {
        self.limit + 1
    }

    /// Turns the fetched rows (in fetch order) into a page with its cursors.
    pub fn finish<T>(&self, mut rows: Vec<T>, anchor_of: impl Fn(&T) -> Anchor) -> Page<T> {
        let more = rows.len() > self.limit;
        rows.truncate(self.limit);
        if self.backward {
            rows.reverse();
        }
        let first = rows.first().map(|r| self.cursor(true, anchor_of(r)));
        let last = rows.last().map(|r| self.cursor(false, anchor_of(r)));
        // Walking forward, a page reached through a cursor has rows before it; walking
        // backward, the rows after the anchor are the page the client came from.
        let (prev_cursor, next_cursor) = match (self.backward, self.anchor.is_some()) {
            (false, had_cursor) => (first.filter(|_| had_cursor), last.filter(|_| more)),
            (true, _) => (first.filter(|_| more), last),
        };
        Page {
            items: rows,
            total: None,
            next_cursor,
            prev_cursor,
            feed_cursor: None,
        }
    }

    fn cursor(&self, backward: bool, anchor: Anchor) -> String {
        let data = CursorData {
            s: self.tag.clone(),
            b: backward,
            k: anchor.key,
            i: anchor.id,
        };
        // Serialising plain strings and numbers cannot fail.
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(&data).unwrap_or_default())
    }
}

/// A value bound to a [`Sql`] placeholder.
#[derive(Clone, Debug)]
enum Arg {
    Text(String),
    Int(i64),
}

/// A query assembled from fragments, with `$n` placeholders numbered as they are bound.
#[derive(Debug, Default)]
pub struct Sql {
    text: String,
    args: Vec<Arg>,
}

impl Sql {
    pub fn new(text: &str) -> Sql {
        Sql {
            text: text.to_owned(),
            args: Vec::new(),
        }
    }

    /// Appends SQL text.
    pub fn push(&mut self, text: &str) -> &mut Sql {
        self.text.push_str(text);
        self
    }

    /// Binds a text value and returns its placeholder, to be pushed next.
    pub fn text(&mut self, value: &str) -> String {
        self.args.push(Arg::Text(value.to_owned()));
        format!("${}", self.args.len())
    }

    /// Binds an integer value and returns its placeholder, to be pushed next.
    pub fn int(&mut self, value: i64) -> String {
        self.args.push(Arg::Int(value));
        format!("${}", self.args.len())
    }

    /// Binds a non-NULL sort key (NULL keys are handled with `IS NULL`, never bound).
    pub fn key(&mut self, value: &SortValue) -> String {
        match value {
            SortValue::Int(i) => self.int(*i),
            SortValue::Text(s) => self.text(s),
            SortValue::Null => "NULL".to_owned(),
        }
    }

    /// Appends `AND` conditions keeping rows strictly after `anchor` in the order
    /// (`column`, `id_column`), ascending or descending. Written as `col >= k AND (col > k OR
    /// id > i)` so both databases can start an index range scan at `k`.
    pub fn push_after(&mut self, column: &str, id_column: &str, desc: bool, anchor: &Anchor) {
        let (ge, gt) = if desc { ("<=", "<") } else { (">=", ">") };
        let k = self.key(&anchor.key);
        let i = self.text(&anchor.id);
        self.push(&format!(
            " AND {column} {ge} {k} AND ({column} {gt} {k} OR {id_column} {gt} {i})"
        ));
    }

    /// Appends an `AND` condition: `column` starts with `prefix` (already lower-cased). A range
    /// on the column lets the index find the candidates; `substr` keeps only true prefixes.
    pub fn push_prefix_any(&mut self, columns: &[&str], prefix: &str) {
        let lo = self.text(prefix);
        let hi = prefix_successor(prefix).map(|s| self.text(&s));
        let len = prefix.chars().count();
        let parts: Vec<String> = columns
            .iter()
            .map(|c| {
                let upper = hi
                    .as_ref()
                    .map(|hi| format!(" AND {c} < {hi}"))
                    .unwrap_or_default();
                format!("({c} >= {lo}{upper} AND substr({c}, 1, {len}) = {lo})")
            })
            .collect();
        self.push(&format!(" AND ({})", parts.join(" OR ")));
    }

    /// The SQL text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The query with every value bound.
    pub fn query(&self) -> Query<'_, Any, AnyArguments<'_>> {
        let mut query = sqlx::query(&self.text);
        for arg in &self.args {
            query = match arg {
                Arg::Text(s) => query.bind(s.clone()),
                Arg::Int(i) => query.bind(*i),
            };
        }
        query
    }
}

/// The smallest string greater than every string starting with `prefix` (in code point order),
/// or `None` when there is none.
pub fn prefix_successor(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        let next = (u32::from(last) + 1..=u32::from(char::MAX)).find_map(char::from_u32);
        if let Some(next) = next {
            chars.push(next);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

/// Escapes `%`, `_` and `\` for a `LIKE ... ESCAPE '\'` pattern.
pub fn like_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn anchor(id: &str) -> Anchor {
        Anchor {
            key: SortValue::Text(id.to_owned()),
            id: id.to_owned(),
        }
    }

    #[test]
    fn cursors_round_trip_and_are_bound_to_their_listing() {
        let first = PageRequest::new("users:userName:asc", None, 2).unwrap();
        let page = first.finish(vec!["a", "b", "c"], |s| anchor(s));
        assert_eq!(page.items, vec!["a", "b"]);
        assert!(page.prev_cursor.is_none());
        let next = page.next_cursor.unwrap();
        let second = PageRequest::new("users:userName:asc", Some(&next), 2).unwrap();
        assert!(!second.reversed());
        assert_eq!(second.anchor(), Some(&anchor("b")));
        assert!(PageRequest::new("users:userName:desc", Some(&next), 2).is_err());
        assert!(PageRequest::new("users:userName:asc", Some("not a cursor"), 2).is_err());
    }

    #[test]
    fn a_backward_page_is_reversed_into_order() {
        let back = PageRequest {
            tag: "t".into(),
            limit: 2,
            backward: true,
            anchor: Some(anchor("d")),
        };
        // Fetched walking backwards from "d": c, b, a.
        let page = back.finish(vec!["c", "b", "a"], |s| anchor(s));
        assert_eq!(page.items, vec!["b", "c"]);
        assert!(page.prev_cursor.is_some());
        assert!(page.next_cursor.is_some());
    }

    #[test]
    fn successors_and_escapes() {
        assert_eq!(prefix_successor("ab").as_deref(), Some("ac"));
        assert_eq!(prefix_successor("a\u{d7ff}").as_deref(), Some("a\u{e000}"));
        assert_eq!(prefix_successor("a\u{10ffff}").as_deref(), Some("b"));
        assert_eq!(prefix_successor(""), None);
        assert_eq!(like_escape(r"50%_a\b"), r"50\%\_a\\b");
    }

    #[test]
    fn placeholders_follow_the_text() {
        let mut sql = Sql::new("SELECT 1 WHERE a = ");
        let p = sql.text("x");
        sql.push(&p);
        sql.push_after("k", "id", true, &anchor("m"));
        assert_eq!(
            sql.as_str(),
            "SELECT 1 WHERE a = $1 AND k <= $2 AND (k < $2 OR id < $3)"
        );
    }
}
