//! `layout` step: no two modules of a crate import each other, directly or round a longer
//! circle. A circle means something both need lives in one of them; it belongs in a file of
//! its own that both import. Uses of a module's own ancestors or descendants (a child naming
//! `super::Store`, a parent re-exporting a child) are how Rust modules nest, not circles.
//!
//! The check reads the source, not the compiler's view: `use` trees and `crate::`, `super::`
//! and `self::` paths in code outside comments, strings and the `#[cfg(test)]` module at the
//! end of a file, each resolved to the deepest module that exists. Between two modules under
//! a common parent, an edge joins the parent's two children they sit in.
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

/// The crates' source folders, from the workspace root.
const CRATES: &[&str] = &[
    "src",
    "crates/api-types/src",
    "crates/scim/src",
    "crates/server/src",
    "crates/loadgen/src",
    "xtask/src",
];

type Module = Vec<String>;

/// Fails naming every circle in the workspace's crates.
pub fn check(root: &Path) -> Result<()> {
    let mut circles = Vec::new();
    for dir in CRATES {
        for circle in circles_in(&root.join(dir))? {
            let names: Vec<String> = circle.iter().map(|m| m.join("::")).collect();
            circles.push(format!("{dir}: {}", names.join(" <-> ")));
        }
    }
    if !circles.is_empty() {
        bail!(
            "modules that import each other (move what both need into a file of its own):\n  {}",
            circles.join("\n  ")
        );
    }
    println!("no import circles in {} crates", CRATES.len());
    Ok(())
}

/// The circles among sibling modules of the crate whose source is in `src`.
fn circles_in(src: &Path) -> Result<Vec<Vec<Module>>> {
    let modules = modules(src)?;
    let mut edges: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    for (module, file) in &modules {
        let text = std::fs::read_to_string(file).with_context(|| format!("{}", file.display()))?;
        for path in references(module, &code(&text)) {
            let Some(target) = resolve(&path, &modules) else {
                continue;
            };
            let common = module
                .iter()
                .zip(&target)
                .take_while(|(a, b)| a == b)
                .count();
            if common == module.len() || common == target.len() {
                continue; // an ancestor or a descendant
            }
            edges
                .entry(module[..=common].to_vec())
                .or_default()
                .insert(target[..=common].to_vec());
        }
    }
    Ok(strongly_connected(&edges)
        .into_iter()
        .filter(|c| c.len() > 1)
        .collect())
}

/// Every module of the crate and its file.
fn modules(src: &Path) -> Result<BTreeMap<Module, PathBuf>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).with_context(|| format!("{}", dir.display()))? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let relative = path.strip_prefix(src)?.with_extension("");
            let mut module: Module = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if module.first().is_some_and(|m| m == "bin") {
                continue; // each binary is a crate of its own
            }
            if module
                .last()
                .is_some_and(|m| matches!(m.as_str(), "mod" | "lib" | "main"))
            {
                module.pop();
            }
            out.insert(module, path);
        }
    }
    Ok(out)
}

/// The text outside comments, string literals and the trailing test module.
fn code(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod ") {
        Some(at) => &text[..at],
        None => text,
    };
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        let rest = &text[i..];
        if rest.starts_with("//") {
            i += rest.find('\n').unwrap_or(rest.len());
        } else if rest.starts_with("/*") {
            i += rest.find("*/").map_or(rest.len(), |end| end + 2);
        } else if let Some(hashes) = raw_string_start(rest) {
            let close = format!("\"{}", "#".repeat(hashes));
            let body = hashes + 2;
            i += rest[body..]
                .find(&close)
                .map_or(rest.len(), |end| body + end + close.len());
        } else if rest.starts_with('"') {
            let mut j = 1;
            while j < rest.len() && rest.as_bytes()[j] != b'"' {
                j += if rest.as_bytes()[j] == b'\\' { 2 } else { 1 };
            }
            i += (j + 1).min(rest.len());
        } else if rest.starts_with("'\"'") {
            i += 3;
        } else {
            let ch = rest.chars().next().unwrap_or(' ');
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

/// The number of `#`s when `text` starts a raw string (`r"`, `r#"`, …).
fn raw_string_start(text: &str) -> Option<usize> {
    let after = text.strip_prefix('r')?;
    let hashes = after.len() - after.trim_start_matches('#').len();
    after[hashes..].starts_with('"').then_some(hashes)
}

/// The crate-relative paths `code` of `module` names.
fn references(module: &Module, code: &str) -> Vec<Module> {
    let mut paths = Vec::new();
    let mut rest = code;
    while let Some(at) = find_word(rest, "use") {
        let tree = &rest[at + 3..];
        let end = tree.find(';').unwrap_or(tree.len());
        expand(tree[..end].trim(), "", &mut paths);
        rest = &tree[end..];
    }
    for start in ["crate::", "super::", "self::"] {
        let mut rest = code;
        while let Some(at) = find_word(rest, start.trim_end_matches(':')) {
            let tail = &rest[at..];
            let len = tail
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .unwrap_or(tail.len());
            if tail[..len].starts_with(start) {
                paths.push(tail[..len].trim_end_matches(':').to_owned());
            }
            rest = &tail[len.max(1)..];
        }
    }
    paths
        .iter()
        .filter_map(|path| absolute(module, path))
        .collect()
}

/// Where `word` starts in `text` as a whole word.
fn find_word(text: &str, word: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(at) = text[from..].find(word).map(|a| a + from) {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        let boundary = |c: Option<char>| !c.is_some_and(|c| c.is_alphanumeric() || c == '_');
        if boundary(before) && boundary(after) {
            return Some(at);
        }
        from = at + word.len();
    }
    None
}

/// The paths of a `use` tree (`a::{b, c::{d, e as f}}`), each prefixed with `prefix`.
fn expand(tree: &str, prefix: &str, out: &mut Vec<String>) {
    let Some(open) = tree.find('{') else {
        let path = tree.split(" as ").next().unwrap_or(tree).trim();
        out.push(
            format!("{prefix}{path}")
                .trim_end_matches("::self")
                .to_owned(),
        );
        return;
    };
    let head = format!("{prefix}{}", &tree[..open]);
    let body = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let (mut depth, mut start) = (0, 0);
    for (i, ch) in body.char_indices() {
        match ch {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                expand_item(&body[start..i], &head, out);
                start = i + 1;
            }
            _ => {}
        }
    }
    expand_item(&body[start..], &head, out);
}

fn expand_item(item: &str, head: &str, out: &mut Vec<String>) {
    let item = item.trim();
    if item == "self" {
        out.push(head.trim_end_matches("::").to_owned());
    } else if !item.is_empty() {
        expand(item, head, out);
    }
}

/// A path as seen from `module`, from the crate root; `None` for other crates' paths.
fn absolute(module: &Module, path: &str) -> Option<Module> {
    let mut parts = path.split("::").map(str::trim).filter(|p| !p.is_empty());
    let mut out = match parts.next()? {
        "crate" => Vec::new(),
        "super" => module[..module.len().saturating_sub(1)].to_vec(),
        "self" => module.clone(),
        _ => return None,
    };
    for part in parts {
        match part {
            "super" => {
                out.pop();
            }
            "self" => {}
            name => out.push(name.to_owned()),
        }
    }
    Some(out)
}

/// The deepest module that `path` names or is inside.
fn resolve(path: &Module, modules: &BTreeMap<Module, PathBuf>) -> Option<Module> {
    (1..=path.len())
        .rev()
        .map(|n| path[..n].to_vec())
        .find(|m| modules.contains_key(m))
}

/// Tarjan's strongly connected components of `edges`.
fn strongly_connected(edges: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<Vec<Module>> {
    struct State<'a> {
        edges: &'a BTreeMap<Module, BTreeSet<Module>>,
        index: BTreeMap<&'a Module, (usize, usize)>,
        stack: Vec<&'a Module>,
        on_stack: BTreeSet<&'a Module>,
        next: usize,
        out: Vec<Vec<Module>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a Module) {
        s.index.insert(v, (s.next, s.next));
        s.next += 1;
        s.stack.push(v);
        s.on_stack.insert(v);
        for w in s.edges.get(v).into_iter().flatten() {
            if !s.index.contains_key(w) {
                visit(s, w);
                let low = s.index[w].1.min(s.index[v].1);
                s.index.entry(v).and_modify(|e| e.1 = low);
            } else if s.on_stack.contains(w) {
                let low = s.index[w].0.min(s.index[v].1);
                s.index.entry(v).and_modify(|e| e.1 = low);
            }
        }
        if s.index[v].0 == s.index[v].1 {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.push(w.clone());
                if w == v {
                    break;
                }
            }
            component.sort();
            s.out.push(component);
        }
    }
    let mut state = State {
        edges,
        index: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next: 0,
        out: Vec::new(),
    };
    for v in edges.keys() {
        if !state.index.contains_key(v) {
            visit(&mut state, v);
        }
    }
    state.out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crate_with(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    fn found(files: &[(&str, &str)]) -> Vec<String> {
        let dir = crate_with(files);
        circles_in(dir.path())
            .unwrap()
            .iter()
            .map(|c| {
                c.iter()
                    .map(|m| m.join("::"))
                    .collect::<Vec<_>>()
                    .join(" <-> ")
            })
            .collect()
    }

    #[test]
    fn siblings_that_use_each_other_are_a_circle() {
        let files = [
            ("lib.rs", "mod a;\nmod b;\n"),
            ("a.rs", "use crate::b::B;\npub struct A;\n"),
            ("b.rs", "use super::{a::A, c};\npub struct B;\n"),
        ];
        assert_eq!(found(&files), ["a <-> b"]);
    }

    #[test]
    fn a_circle_between_folders_counts_once_at_their_level() {
        let files = [
            (
                "store/mod.rs",
                "pub mod users;\npub mod groups;\npub struct Store;\n",
            ),
            (
                "store/users/scim.rs",
                "use crate::store::{groups::scim::x, Store};\n",
            ),
            (
                "store/groups/scim.rs",
                "fn f() { crate::store::users::scim::y() }\n",
            ),
        ];
        assert_eq!(found(&files), ["store::groups <-> store::users"]);
    }

    #[test]
    fn parents_children_comments_strings_and_tests_are_not_circles() {
        let files = [
            ("lib.rs", "mod a;\npub use a::A;\n"),
            ("a/mod.rs", "mod x;\npub use x::X;\npub struct A;\n"),
            (
                "a/x.rs",
                "use super::A;\n// crate::b::B\nconst S: &str = \"crate::b\";\n",
            ),
            (
                "b.rs",
                "use crate::a::A;\n#[cfg(test)]\nmod tests {\n    use crate::a::x::X;\n}\n",
            ),
            (
                "c.rs",
                "fn f() { let s = r#\"use crate::b;\"#; crate::b::g() }\n",
            ),
        ];
        assert!(found(&files).is_empty(), "{:?}", found(&files));
    }
}
