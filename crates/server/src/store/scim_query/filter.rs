//! Compiles SCIM filters to SQL over the indexed columns, with bound parameters.
//!
//! What the columns hold exactly (ids, userName, externalId, emails, active, times, group
//! displayName, memberships) compiles to exact SQL, using the indexes, so the common IdP
//! lookups (`userName eq`, `externalId eq`, `emails[type eq "work"].value eq`, `displayName
//! eq`) cost O(log n). Anything else compiles to `TRUE` and marks the filter *residual*: SQL
//! then returns a superset that the caller streams through the core's in-memory evaluator,
//! so the answer is always exactly the core's semantics.
//!
//! Negation is pushed down to the leaves, because SQL's three-valued logic would otherwise
//! drop rows where a column is NULL (SCIM: `title ne "x"` holds when `title` is absent).
use roster_scim::{AttrPath, CompValue, CompareOp, Filter, ResourceKind, ScimError};

use crate::store::db::{paging::like_escape, timestamps::parse_millis};

/// A value bound to a `$n` placeholder.
#[derive(Debug, Clone, PartialEq)]
pub enum Bind {
    Text(String),
    Int(i64),
    Bool(bool),
}

/// A compiled `WHERE` fragment.
#[derive(Debug, Clone, PartialEq)]
pub struct SqlFilter {
    /// SQL over the table alias `u` (users) or `g` (groups).
    pub sql: String,
    pub binds: Vec<Bind>,
    /// Whether rows must still be checked with the in-memory evaluator.
    pub residual: bool,
    /// Whether an index narrows the rows to a handful: an `eq` on an id, `externalId`,
    /// `userName` or group `displayName`, alone or and-ed with anything. Such lookups are
    /// cheap enough to run in place (see `crate::store::db::sqlite`).
    pub seek: bool,
}

/// Compiles `filter`. `$1` is the directory id; the fragment's parameters follow from
/// `first_param`. Errors are filters that cannot be answered at all: members sub-attributes
/// other than `value` (not stored), and a residual filter naming memberships.
pub fn compile(
    kind: ResourceKind,
    filter: &Filter,
    first_param: usize,
) -> Result<SqlFilter, ScimError> {
    let mut c = Compiler {
        kind,
        binds: Vec::new(),
        first_param,
        residual: false,
    };
    let sql = match c.node(filter, false)? {
        Some(sql) => sql,
        None => {
            c.residual = true;
            "1 = 1".to_owned()
        }
    };
    if c.residual {
        if let Some(name) = stored_apart(kind, filter) {
            return Err(ScimError::invalid_filter(format!(
                "'{name}' can be filtered on alone, or combined with conditions Roster answers \
                 from its indexes (such as {}); this filter also has conditions only the stored \
                 documents can answer",
                indexed(kind)
            )));
        }
    }
    Ok(SqlFilter {
        sql,
        binds: c.binds,
        residual: c.residual,
        seek: seeks(kind, filter),
    })
}

/// The attribute of `filter` kept apart from the stored document (a user's `groups`, a group's
/// `members`), if any. A residual filter is decided by the evaluator on the document, which
/// cannot see those: such a filter must compile to SQL exactly.
fn stored_apart(kind: ResourceKind, filter: &Filter) -> Option<&'static str> {
    let apart = |p: &AttrPath| {
        let name = p.attribute.name;
        (!p.is_extension()
            && matches!(
                (kind, name),
                (ResourceKind::User, "groups") | (ResourceKind::Group, "members")
            ))
        .then_some(name)
    };
    match filter {
        Filter::And(l, r) | Filter::Or(l, r) => {
            stored_apart(kind, l).or_else(|| stored_apart(kind, r))
        }
        Filter::Not(inner) => stored_apart(kind, inner),
        Filter::Present(p) | Filter::Compare(p, ..) | Filter::ValuePath(p, _) => apart(p),
    }
}

/// Examples of conditions that compile to SQL exactly, for the refusal above.
fn indexed(kind: ResourceKind) -> &'static str {
    match kind {
        ResourceKind::User => "userName, externalId, emails.value or active eq",
        ResourceKind::Group => "displayName or externalId eq",
    }
}

/// See [`SqlFilter::seek`]. Each of these columns leads an index after `directory_id`.
fn seeks(kind: ResourceKind, filter: &Filter) -> bool {
    match filter {
        Filter::And(l, r) => seeks(kind, l) || seeks(kind, r),
        Filter::Compare(p, CompareOp::Eq, CompValue::String(_)) if !p.is_extension() => {
            matches!(
                (kind, p.attribute.name, p.sub_attribute.map(|s| s.name)),
                (_, "id", None)
                    | (_, "externalId", None)
                    | (ResourceKind::User, "userName", None)
                    | (ResourceKind::User, "emails", Some("value"))
                    | (ResourceKind::Group, "displayName", None)
            )
        }
        _ => false,
    }
}

struct Compiler {
    kind: ResourceKind,
    binds: Vec<Bind>,
    first_param: usize,
    residual: bool,
}

/// Where an attribute lives in SQL.
enum Column {
    /// A column compared as is (`case_folded`: holds lower-cased text; compare lowered values).
    Text {
        expr: &'static str,
        case_folded: bool,
        nullable: bool,
    },
    Bool(&'static str),
    /// Unix milliseconds, compared with dateTime values.
    Millis(&'static str),
}

impl Compiler {
    fn param(&mut self, bind: Bind) -> String {
        self.binds.push(bind);
        format!("${}", self.first_param + self.binds.len() - 1)
    }

    /// `None`: not compilable here (the caller treats it as TRUE and marks residual).
    ///
    /// A subtree whose SQL is dropped takes its parameters with it: every bound value must
    /// have its placeholder in the text, so that one SQL text always has the same parameters
    /// (PostgreSQL's prepared statements are cached by text; a stray bind makes the same text
    /// carry different counts, and a later query fails).
    fn node(&mut self, f: &Filter, negated: bool) -> Result<Option<String>, ScimError> {
        let mark = self.binds.len();
        let sql = self.node_sql(f, negated)?;
        if sql.is_none() {
            self.binds.truncate(mark);
        }
        Ok(sql)
    }

    fn node_sql(&mut self, f: &Filter, negated: bool) -> Result<Option<String>, ScimError> {
        Ok(match f {
            Filter::Not(inner) => self.node(inner, !negated)?,
            Filter::And(l, r) | Filter::Or(l, r) => {
                // De Morgan: under negation `and` becomes `or` and vice versa.
                let is_and = matches!(f, Filter::And(..)) != negated;
                let l = self.node(l, negated)?;
                let r = self.node(r, negated)?;
                match (l, r, is_and) {
                    (Some(l), Some(r), true) => Some(format!("({l} AND {r})")),
                    (Some(l), Some(r), false) => Some(format!("({l} OR {r})")),
                    // An `and` keeps its compilable side as a superset filter.
                    (Some(x), None, true) | (None, Some(x), true) => {
                        self.residual = true;
                        Some(x)
                    }
                    _ => None,
                }
            }
            Filter::Present(p) => self.present(p, negated)?,
            Filter::Compare(p, op, v) => self.compare(p, *op, v, negated)?,
            Filter::ValuePath(p, inner) => self.value_path(p, inner, negated)?,
        })
    }

    fn column(&self, p: &AttrPath) -> Option<Column> {
        if p.is_extension() {
            return None;
        }
        let sub = p.sub_attribute.map(|s| s.name);
        let text = |expr, case_folded, nullable| {
            Some(Column::Text {
                expr,
                case_folded,
                nullable,
            })
        };
        match (self.kind, p.attribute.name, sub) {
            (_, "id", None) => text(alias(self.kind, "id"), false, false),
            (ResourceKind::User, "externalId", None) => text("u.external_id", false, true),
            (ResourceKind::Group, "externalId", None) => text("g.external_id", false, true),
            (ResourceKind::User, "userName", None) => text("u.user_name_lower", true, false),
            (ResourceKind::User, "active", None) => Some(Column::Bool("u.active")),
            (ResourceKind::Group, "displayName", None) => text("g.display_name_lower", true, false),
            (_, "meta", Some("created")) => Some(Column::Millis(alias(self.kind, "created_at"))),
            (_, "meta", Some("lastModified")) => {
                Some(Column::Millis(alias(self.kind, "updated_at")))
            }
            _ => None,
        }
    }

    fn present(&mut self, p: &AttrPath, negated: bool) -> Result<Option<String>, ScimError> {
        if let Some(rel) = self.relation(p)? {
            // The attribute is present with any row; a sub-attribute with a row holding it.
            let cond = match (p.sub_attribute, rel.column_of(p)) {
                (None, _) => None,
                (
                    Some(_),
                    Column::Text {
                        expr,
                        nullable: true,
                        ..
                    },
                ) if !expr.is_empty() => Some(format!("{expr} IS NOT NULL")),
                (Some(_), Column::Text { expr, .. }) if !expr.is_empty() => None,
                // Not a column (`display`), or one that stores absence as a value (`primary`).
                (Some(_), _) => return Ok(None),
            };
            return Ok(Some(in_subquery(
                rel.select,
                &rel.base,
                cond.as_deref(),
                negated,
                self.kind,
            )));
        }
        Ok(match self.column(p) {
            Some(Column::Text {
                expr,
                nullable: true,
                ..
            }) => Some(format!(
                "{expr} IS {}NULL",
                if negated { "" } else { "NOT " }
            )),
            // Required columns are always present; booleans and times always hold a value.
            Some(_) => Some(if negated { "1 = 0" } else { "1 = 1" }.to_owned()),
            None => None,
        })
    }

    fn compare(
        &mut self,
        p: &AttrPath,
        op: CompareOp,
        v: &CompValue,
        negated: bool,
    ) -> Result<Option<String>, ScimError> {
        // `ne` is `not eq`.
        let (op, negated) = match op {
            CompareOp::Ne => (CompareOp::Eq, !negated),
            other => (other, negated),
        };
        if let Some(rel) = self.relation(p)? {
            let column = rel.column_of(p);
            if matches!(column, Column::Text { expr: "", .. }) {
                return Ok(None);
            }
            let Some(cond) = self.leaf(&column, op, v, false) else {
                return Ok(None);
            };
            return Ok(Some(in_subquery(
                rel.select,
                &rel.base,
                Some(&cond),
                negated,
                self.kind,
            )));
        }
        let Some(column) = self.column(p) else {
            return Ok(None);
        };
        Ok(self.leaf(&column, op, v, negated))
    }

    /// A comparison on one column, never NULL-valued (so it negates safely).
    fn leaf(
        &mut self,
        column: &Column,
        op: CompareOp,
        v: &CompValue,
        negated: bool,
    ) -> Option<String> {
        let cond = match (column, v) {
            (Column::Text { expr, nullable, .. }, CompValue::Null) if op == CompareOp::Eq => {
                if *nullable {
                    format!("{expr} IS NULL")
                } else {
                    "1 = 0".to_owned()
                }
            }
            (
                Column::Text {
                    expr,
                    case_folded,
                    nullable,
                },
                CompValue::String(s),
            ) => {
                let value = if *case_folded {
                    s.to_lowercase()
                } else {
                    s.clone()
                };
                let cond = match op {
                    CompareOp::Eq => format!("{expr} = {}", self.param(Bind::Text(value))),
                    CompareOp::Co | CompareOp::Sw | CompareOp::Ew => {
                        if !*case_folded {
                            // SQLite's LIKE ignores ASCII case: a superset for case-exact
                            // columns, narrowed by the evaluator.
                            self.residual = true;
                        }
                        let pattern = like_pattern(&value, op);
                        format!(
                            "{expr} LIKE {} ESCAPE '\\'",
                            self.param(Bind::Text(pattern))
                        )
                    }
                    // Text ordering differs between SQL collations and the core; leave it to
                    // the evaluator.
                    _ => return None,
                };
                if *nullable && negated {
                    return Some(format!("({expr} IS NULL OR NOT ({cond}))"));
                }
                cond
            }
            (Column::Bool(expr), CompValue::Bool(b)) if op == CompareOp::Eq => {
                format!("{expr} = {}", self.param(Bind::Bool(*b)))
            }
            (Column::Millis(expr), CompValue::String(s)) => {
                let millis = parse_millis(s)?;
                let sql_op = match op {
                    CompareOp::Eq => "=",
                    CompareOp::Gt => ">",
                    CompareOp::Ge => ">=",
                    CompareOp::Lt => "<",
                    CompareOp::Le => "<=",
                    _ => return None,
                };
                format!("{expr} {sql_op} {}", self.param(Bind::Int(millis)))
            }
            _ => return None,
        };
        Some(if negated {
            format!("NOT ({cond})")
        } else {
            cond
        })
    }

    fn value_path(
        &mut self,
        p: &AttrPath,
        inner: &Filter,
        negated: bool,
    ) -> Result<Option<String>, ScimError> {
        let Some(rel) = self.relation(p)? else {
            return Ok(None);
        };
        let mut sub = Compiler {
            kind: self.kind,
            binds: Vec::new(),
            first_param: self.first_param + self.binds.len(),
            residual: false,
        };
        let cond = sub.element(&rel, inner, false)?;
        match cond {
            Some(cond) if !sub.residual => {
                self.binds.extend(sub.binds);
                Ok(Some(in_subquery(
                    rel.select,
                    &rel.base,
                    Some(&cond),
                    negated,
                    self.kind,
                )))
            }
            _ => {
                if rel.in_document {
                    Ok(None)
                } else {
                    Err(unsupported(p))
                }
            }
        }
    }

    /// Compiles the inner filter of a value path against the related table's columns; like
    /// [`Self::node`], a dropped subtree takes its parameters with it.
    fn element(
        &mut self,
        rel: &Relation,
        f: &Filter,
        negated: bool,
    ) -> Result<Option<String>, ScimError> {
        let mark = self.binds.len();
        let sql = self.element_sql(rel, f, negated)?;
        if sql.is_none() {
            self.binds.truncate(mark);
        }
        Ok(sql)
    }

    fn element_sql(
        &mut self,
        rel: &Relation,
        f: &Filter,
        negated: bool,
    ) -> Result<Option<String>, ScimError> {
        Ok(match f {
            Filter::Not(i) => self.element(rel, i, !negated)?,
            Filter::And(l, r) | Filter::Or(l, r) => {
                let is_and = matches!(f, Filter::And(..)) != negated;
                match (
                    self.element(rel, l, negated)?,
                    self.element(rel, r, negated)?,
                ) {
                    (Some(l), Some(r)) => {
                        Some(format!("({l} {} {r})", if is_and { "AND" } else { "OR" }))
                    }
                    _ => None,
                }
            }
            Filter::Compare(p, op, v) => {
                let (op, negated) = match op {
                    CompareOp::Ne => (CompareOp::Eq, !negated),
                    other => (*other, negated),
                };
                match rel.column_of(p) {
                    Column::Text { expr: "", .. } => None,
                    column => self.leaf(&column, op, v, negated),
                }
            }
            Filter::Present(p) => match rel.column_of(p) {
                Column::Text { expr: "", .. } => None,
                Column::Text {
                    expr,
                    nullable: true,
                    ..
                } => Some(format!(
                    "{expr} IS {}NULL",
                    if negated { "" } else { "NOT " }
                )),
                Column::Text { .. } => Some(if negated { "1 = 0" } else { "1 = 1" }.to_owned()),
                // A stored `false` may have been sent or left out.
                _ => None,
            },
            Filter::ValuePath(..) => None,
        })
    }

    /// Multi-valued attributes kept in their own tables.
    fn relation(&self, p: &AttrPath) -> Result<Option<Relation>, ScimError> {
        if p.is_extension() {
            return Ok(None);
        }
        let sub = p.sub_attribute.map(|s| s.name);
        let rel = match (self.kind, p.attribute.name) {
            (ResourceKind::User, "emails") => Relation {
                select: "e.user_id",
                base: "user_emails e WHERE e.directory_id = $1".to_owned(),
                kind: RelationKind::Emails,
                in_document: true,
            },
            (ResourceKind::User, "groups") => Relation {
                select: "gm.user_id",
                base: "group_members gm WHERE 1 = 1".to_owned(),
                kind: RelationKind::Memberships,
                in_document: false,
            },
            (ResourceKind::Group, "members") => Relation {
                select: "gm.group_id",
                base: "group_members gm WHERE 1 = 1".to_owned(),
                kind: RelationKind::Members,
                in_document: false,
            },
            _ => return Ok(None),
        };
        // Memberships are not in the stored document, so the evaluator cannot answer for
        // their other sub-attributes: refuse instead of answering wrongly.
        if !rel.in_document && !matches!(sub, None | Some("value")) {
            return Err(unsupported(p));
        }
        Ok(Some(rel))
    }
}

enum RelationKind {
    Emails,
    Memberships,
    Members,
}

struct Relation {
    select: &'static str,
    base: String,
    kind: RelationKind,
    /// Whether the attribute is also in the stored document (so the evaluator can decide).
    in_document: bool,
}

impl Relation {
    fn column_of(&self, p: &AttrPath) -> Column {
        let none = Column::Text {
            expr: "",
            case_folded: false,
            nullable: false,
        };
        let sub = p.sub_attribute.map(|s| s.name).unwrap_or("value");
        match (&self.kind, sub) {
            (RelationKind::Emails, "value") => Column::Text {
                expr: "e.value_lower",
                case_folded: true,
                nullable: false,
            },
            (RelationKind::Emails, "type") => Column::Text {
                expr: "e.kind",
                case_folded: true,
                nullable: true,
            },
            (RelationKind::Emails, "primary") => Column::Bool("e.is_primary"),
            (RelationKind::Memberships, "value") => Column::Text {
                expr: "gm.group_id",
                case_folded: false,
                nullable: false,
            },
            (RelationKind::Members, "value") => Column::Text {
                expr: "gm.user_id",
                case_folded: false,
                nullable: false,
            },
            _ => none,
        }
    }
}

fn alias(kind: ResourceKind, column: &'static str) -> &'static str {
    match (kind, column) {
        (ResourceKind::User, "id") => "u.id",
        (ResourceKind::User, "created_at") => "u.created_at",
        (ResourceKind::User, _) => "u.updated_at",
        (_, "id") => "g.id",
        (_, "created_at") => "g.created_at",
        _ => "g.updated_at",
    }
}

fn in_subquery(
    select: &str,
    base: &str,
    cond: Option<&str>,
    negated: bool,
    kind: ResourceKind,
) -> String {
    let id = alias(kind, "id");
    let not = if negated { "NOT " } else { "" };
    match cond {
        Some(c) => format!("{id} {not}IN (SELECT {select} FROM {base} AND {c})"),
        None => format!("{id} {not}IN (SELECT {select} FROM {base})"),
    }
}

fn unsupported(p: &AttrPath) -> ScimError {
    ScimError::invalid_filter(format!(
        "filtering on '{}' is not supported; filter on its 'value'",
        p.short_name()
    ))
}

/// A LIKE pattern for `co`/`sw`/`ew`, with `%`, `_` and `\` escaped.
fn like_pattern(value: &str, op: CompareOp) -> String {
    let escaped = like_escape(value);
    match op {
        CompareOp::Sw => format!("{escaped}%"),
        CompareOp::Ew => format!("%{escaped}"),
        _ => format!("%{escaped}%"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sql(kind: ResourceKind, text: &str) -> SqlFilter {
        compile(kind, &Filter::parse(kind, text).unwrap(), 2).unwrap()
    }

    #[test]
    fn indexed_lookups_compile_exactly() {
        let f = sql(ResourceKind::User, r#"userName eq "Bob@Example.com""#);
        assert_eq!(f.sql, "u.user_name_lower = $2");
        assert_eq!(f.binds, [Bind::Text("bob@example.com".into())]);
        assert!(!f.residual);

        let f = sql(ResourceKind::User, "externalId eq jyoung");
        assert_eq!(f.sql, "u.external_id = $2");
        assert_eq!(f.binds, [Bind::Text("jyoung".into())]);

        let f = sql(
            ResourceKind::User,
            r#"emails[type eq "work"].value eq "A@b.com""#,
        );
        assert_eq!(
            f.sql,
            "u.id IN (SELECT e.user_id FROM user_emails e WHERE e.directory_id = $1 AND (e.kind = $2 AND e.value_lower = $3))"
        );
        assert_eq!(
            f.binds,
            [Bind::Text("work".into()), Bind::Text("a@b.com".into())]
        );
        assert!(!f.residual);

        let f = sql(ResourceKind::Group, r#"displayName eq "Engineering""#);
        assert_eq!(f.sql, "g.display_name_lower = $2");
    }

    #[test]
    fn only_index_seeks_are_marked_seek() {
        for (kind, text) in [
            (ResourceKind::User, r#"userName eq "bob""#),
            (ResourceKind::User, r#"externalId eq "x" and title co "y""#),
            (ResourceKind::User, r#"emails.value eq "a@b.com""#),
            (ResourceKind::User, r#"id eq "u1""#),
            (ResourceKind::Group, r#"displayName eq "Eng""#),
        ] {
            assert!(sql(kind, text).seek, "{text}");
        }
        for (kind, text) in [
            (ResourceKind::User, r#"userName co "bob""#),
            (ResourceKind::User, r#"userName ne "bob""#),
            (ResourceKind::User, r#"not (userName eq "bob")"#),
            (ResourceKind::User, r#"userName eq "a" or title eq "b""#),
            (ResourceKind::User, "active eq true"),
            (ResourceKind::User, r#"title eq "CEO""#),
            (ResourceKind::Group, r#"members[value eq "u1"]"#),
        ] {
            assert!(!sql(kind, text).seek, "{text}");
        }
    }

    #[test]
    fn negation_keeps_absent_values() {
        let f = sql(ResourceKind::User, r#"externalId ne "x""#);
        assert_eq!(f.sql, "(u.external_id IS NULL OR NOT (u.external_id = $2))");
        let f = sql(ResourceKind::User, r#"not (emails.value eq "x")"#);
        assert!(f.sql.starts_with("u.id NOT IN"), "{}", f.sql);
        let f = sql(
            ResourceKind::User,
            r#"not (userName eq "a" or active eq true)"#,
        );
        assert_eq!(
            f.sql,
            "(NOT (u.user_name_lower = $2) AND NOT (u.active = $3))"
        );
    }

    #[test]
    fn unindexed_attributes_are_residual() {
        let f = sql(ResourceKind::User, r#"title eq "CEO""#);
        assert!(f.residual);
        assert_eq!(f.sql, "1 = 1");
        let f = sql(ResourceKind::User, r#"userName sw "a" and title eq "CEO""#);
        assert!(f.residual);
        assert_eq!(f.sql, "u.user_name_lower LIKE $2 ESCAPE '\\'");
        let f = sql(ResourceKind::User, r#"userName eq "a" or title eq "CEO""#);
        assert!(f.residual);
        assert_eq!(f.sql, "1 = 1");
    }

    /// Every `$n` of the text has one value, and every value its `$n`.
    fn placeholders_match_binds(f: &SqlFilter, first: usize) {
        let count = f.binds.len();
        for n in first..first + count {
            assert!(f.sql.contains(&format!("${n}")), "${n} missing: {f:?}");
        }
        assert!(!f.sql.contains(&format!("${}", first + count)), "{f:?}");
    }

    #[test]
    fn dropped_subtrees_bind_nothing() {
        for (kind, text) in [
            (
                ResourceKind::User,
                r#"userName eq "a@example.com" or title ne "x""#,
            ),
            (ResourceKind::User, r#"title ne "x""#),
            (
                ResourceKind::User,
                r#"(userName eq "a" or title eq "b") and externalId eq "c""#,
            ),
            (
                ResourceKind::User,
                r#"not (active eq true or nickName pr) and userName sw "a""#,
            ),
            (
                ResourceKind::User,
                r#"emails[type eq "work" or display co "x"] and userName eq "u""#,
            ),
            (ResourceKind::User, r#"meta.resourceType eq "User""#),
        ] {
            let f = sql(kind, text);
            placeholders_match_binds(&f, 2);
        }
        let f = sql(
            ResourceKind::User,
            r#"(userName eq "a" or title eq "b") and externalId eq "c""#,
        );
        assert_eq!(f.sql, "u.external_id = $2");
        assert_eq!(f.binds, [Bind::Text("c".into())]);
        assert!(sql(
            ResourceKind::User,
            r#"userName eq "a@example.com" or title ne "x""#
        )
        .binds
        .is_empty());
    }

    #[test]
    fn memberships_compile_to_the_membership_table() {
        let f = sql(ResourceKind::Group, r#"members[value eq "u1"]"#);
        assert_eq!(
            f.sql,
            "g.id IN (SELECT gm.group_id FROM group_members gm WHERE 1 = 1 AND gm.user_id = $2)"
        );
        let f = sql(ResourceKind::User, r#"groups.value eq "g1""#);
        assert_eq!(
            f.sql,
            "u.id IN (SELECT gm.user_id FROM group_members gm WHERE 1 = 1 AND gm.group_id = $2)"
        );
        let err = compile(
            ResourceKind::Group,
            &Filter::parse(ResourceKind::Group, r#"members.display eq "x""#).unwrap(),
            2,
        )
        .unwrap_err();
        assert_eq!(err.status, 400);
    }

    #[test]
    fn like_patterns_escape_wildcards_and_times_compare_as_millis() {
        assert_eq!(like_pattern("50%_a\\", CompareOp::Co), "%50\\%\\_a\\\\%");
        let f = sql(ResourceKind::User, r#"emails.display eq "x""#);
        assert!(f.residual);
        let f = sql(
            ResourceKind::User,
            r#"meta.lastModified gt "2026-01-01T00:00:00Z""#,
        );
        assert_eq!(f.sql, "u.updated_at > $2");
        assert_eq!(f.binds, [Bind::Int(1_767_225_600_000)]);
    }
}
