//! Short names between the initial module and its JS glue. wasm-bindgen names every JS function
//! the wasm imports `__wbg_<name>_<16 hex digits>` and exports closures under their full Rust
//! paths (`wasm_bindgen_<hash>___convert__closures_____invoke___…`); the glue spells each name
//! once more. Hex hashes do not compress: the names took about 7 KiB of the first download's
//! 205 KiB gzip. [`shorten`] renames them to `a`, `b`, … in both files, as a JS minifier would
//! rename identifiers, leaving alone what other code reads by name (the split loader's exports,
//! the glue's own JS exports such as `mount`).
//!
//! Only two spellings in the glue are rewritten: an import as a key of the import object
//! (`__wbg_x_0123…: function(…)`) and an export as a member of the instance's exports
//! (`wasm.x`). A name the glue spells any other way keeps its name, and [`shorten`] fails if a
//! renamed name is left in a spelling it rewrites, so a wasm-bindgen that writes its glue
//! differently breaks the build, not the console.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{bail, Context, Result};

const IMPORT_SECTION: u8 = 2;
const EXPORT_SECTION: u8 = 7;

/// Renames the imports `wasm` takes from `glue_module` (the glue's name for itself) and the
/// exports the glue reads, in `wasm` and `js`. Exports named in `keep` (the text of other JS
/// that reads them, e.g. the split loader) keep their names. Returns the new wasm and glue and
/// how many names changed.
pub fn shorten(
    wasm: &[u8],
    js: &str,
    glue_module: &str,
    keep: &str,
) -> Result<(Vec<u8>, String, usize)> {
    let sections = sections(wasm)?;
    let mut imports = BTreeSet::new();
    let mut exports = BTreeSet::new();
    for &(id, body) in &sections {
        match id {
            IMPORT_SECTION => {
                for import in parse_imports(body)? {
                    if import.module == glue_module {
                        imports.insert(import.name.to_owned());
                    }
                }
            }
            EXPORT_SECTION => {
                for export in parse_exports(body)? {
                    exports.insert(export.name.to_owned());
                }
            }
            _ => {}
        }
    }
    let kept: BTreeSet<&str> = identifiers(keep).map(|(_, token)| token).collect();
    let keys: BTreeSet<&str> = identifiers(js)
        .filter(|&(at, token)| is_key(js, at + token.len()))
        .map(|(_, token)| token)
        .collect();
    let members: BTreeSet<&str> = identifiers(js)
        .filter(|&(at, _)| is_export_member(js, at))
        .map(|(_, token)| token)
        .collect();
    let import_names = short_names(
        imports.iter().filter(|name| keys.contains(name.as_str())),
        &imports,
    );
    let export_names = short_names(
        exports
            .iter()
            .filter(|name| members.contains(name.as_str()) && !kept.contains(name.as_str())),
        &exports,
    );

    let mut renamed_js = String::with_capacity(js.len());
    let mut copied = 0;
    for (at, token) in identifiers(js) {
        let new = if is_key(js, at + token.len()) {
            import_names.get(token)
        } else if is_export_member(js, at) {
            export_names.get(token)
        } else {
            None
        };
        if let Some(new) = new {
            renamed_js.push_str(&js[copied..at]);
            renamed_js.push_str(new);
            copied = at + token.len();
        }
    }
    renamed_js.push_str(&js[copied..]);
    for (at, token) in identifiers(&renamed_js) {
        let stale = (import_names.contains_key(token) && is_key(&renamed_js, at + token.len()))
            || (export_names.contains_key(token) && is_export_member(&renamed_js, at));
        if stale {
            bail!("the JS glue still names `{token}` after renaming it");
        }
    }

    let mut out = wasm[..8].to_vec();
    for (id, body) in sections {
        let body = match id {
            IMPORT_SECTION => rename_imports(body, glue_module, &import_names)?,
            EXPORT_SECTION => rename_exports(body, &export_names)?,
            _ => body.to_vec(),
        };
        out.push(id);
        write_u32(&mut out, u32::try_from(body.len())?);
        out.extend_from_slice(&body);
    }
    Ok((out, renamed_js, import_names.len() + export_names.len()))
}

/// `a`, `b`, … `Z`, `aa`, … for `names`, in order, skipping any name in `taken`.
fn short_names<'a>(
    names: impl Iterator<Item = &'a String>,
    taken: &BTreeSet<String>,
) -> BTreeMap<String, String> {
    const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut next = 0usize;
    let mut short = || loop {
        let (mut n, mut name) = (next, Vec::new());
        next += 1;
        loop {
            name.push(LETTERS[n % LETTERS.len()]);
            n /= LETTERS.len();
            if n == 0 {
                break;
            }
            n -= 1;
        }
        let name = String::from_utf8(name).unwrap_or_default();
        if !taken.contains(&name) {
            return name;
        }
    };
    names.map(|name| (name.clone(), short())).collect()
}

/// Every JS identifier-like token of `js` with its byte offset.
fn identifiers(js: &str) -> impl Iterator<Item = (usize, &str)> {
    let bytes = js.as_bytes();
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$';
    let mut at = 0;
    std::iter::from_fn(move || {
        while at < bytes.len() && !ident(bytes[at]) {
            at += 1;
        }
        if at >= bytes.len() {
            return None;
        }
        let start = at;
        while at < bytes.len() && ident(bytes[at]) {
            at += 1;
        }
        Some((start, &js[start..at]))
    })
}

/// Whether the token ending at `end` is an object key (`name: …`).
fn is_key(js: &str, end: usize) -> bool {
    js[end..].starts_with(": ")
}

/// Whether the token at `at` is read from the instance's exports (`wasm.name`).
fn is_export_member(js: &str, at: usize) -> bool {
    js[..at].ends_with("wasm.")
        && !js[..at - 5]
            .bytes()
            .next_back()
            .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b == b'.')
}

/// The sections of a wasm module: (id, contents).
fn sections(wasm: &[u8]) -> Result<Vec<(u8, &[u8])>> {
    if wasm.len() < 8 || &wasm[..4] != b"\0asm" {
        bail!("not a wasm module");
    }
    let mut at = 8;
    let mut out = Vec::new();
    while at < wasm.len() {
        let id = wasm[at];
        at += 1;
        let size = read_u32(wasm, &mut at)? as usize;
        let body = wasm
            .get(at..at + size)
            .context("a wasm section runs past the end")?;
        at += size;
        out.push((id, body));
    }
    Ok(out)
}

struct Import<'a> {
    module: &'a str,
    name: &'a str,
    /// The encoded import description (kind and type), copied as it is.
    desc: &'a [u8],
}

fn parse_imports(body: &[u8]) -> Result<Vec<Import<'_>>> {
    let mut at = 0;
    let count = read_u32(body, &mut at)?;
    let mut out = Vec::new();
    for _ in 0..count {
        let module = read_name(body, &mut at)?;
        let name = read_name(body, &mut at)?;
        let start = at;
        let kind = *body.get(at).context("truncated import")?;
        at += 1;
        match kind {
            // Function: type index.
            0x00 => {
                read_u32(body, &mut at)?;
            }
            // Table: element type, limits.
            0x01 => {
                at += 1;
                read_limits(body, &mut at)?;
            }
            // Memory: limits.
            0x02 => read_limits(body, &mut at)?,
            // Global: value type, mutability.
            0x03 => at += 2,
            other => bail!("import `{module}.{name}` of unknown kind {other:#x}"),
        }
        out.push(Import {
            module,
            name,
            desc: &body[start..at],
        });
    }
    Ok(out)
}

struct Export<'a> {
    name: &'a str,
    /// Kind and index, copied as they are.
    desc: &'a [u8],
}

fn parse_exports(body: &[u8]) -> Result<Vec<Export<'_>>> {
    let mut at = 0;
    let count = read_u32(body, &mut at)?;
    let mut out = Vec::new();
    for _ in 0..count {
        let name = read_name(body, &mut at)?;
        let start = at;
        at += 1;
        read_u32(body, &mut at)?;
        out.push(Export {
            name,
            desc: &body[start..at],
        });
    }
    Ok(out)
}

fn rename_imports(
    body: &[u8],
    glue_module: &str,
    names: &BTreeMap<String, String>,
) -> Result<Vec<u8>> {
    let imports = parse_imports(body)?;
    let mut out = Vec::with_capacity(body.len());
    write_u32(&mut out, u32::try_from(imports.len())?);
    for import in imports {
        let name = match names.get(import.name) {
            Some(short) if import.module == glue_module => short.as_str(),
            _ => import.name,
        };
        write_name(&mut out, import.module)?;
        write_name(&mut out, name)?;
        out.extend_from_slice(import.desc);
    }
    Ok(out)
}

fn rename_exports(body: &[u8], names: &BTreeMap<String, String>) -> Result<Vec<u8>> {
    let exports = parse_exports(body)?;
    let mut out = Vec::with_capacity(body.len());
    write_u32(&mut out, u32::try_from(exports.len())?);
    for export in exports {
        let name = names.get(export.name).map_or(export.name, String::as_str);
        write_name(&mut out, name)?;
        out.extend_from_slice(export.desc);
    }
    Ok(out)
}

fn read_limits(bytes: &[u8], at: &mut usize) -> Result<()> {
    let flags = read_u32(bytes, at)?;
    read_u32(bytes, at)?;
    if flags & 1 != 0 {
        read_u32(bytes, at)?;
    }
    Ok(())
}

fn read_u32(bytes: &[u8], at: &mut usize) -> Result<u32> {
    let mut value = 0u32;
    for shift in (0..35).step_by(7) {
        let byte = *bytes.get(*at).context("truncated LEB128 number")?;
        *at += 1;
        value |= u32::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok(value);
        }
    }
    bail!("LEB128 number too long")
}

fn write_u32(out: &mut Vec<u8>, mut value: u32) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn read_name<'a>(bytes: &'a [u8], at: &mut usize) -> Result<&'a str> {
    let len = read_u32(bytes, at)? as usize;
    let name = bytes.get(*at..*at + len).context("truncated name")?;
    *at += len;
    std::str::from_utf8(name).context("a name that is not UTF-8")
}

fn write_name(out: &mut Vec<u8>, name: &str) -> Result<()> {
    write_u32(out, u32::try_from(name.len())?);
    out.extend_from_slice(name.as_bytes());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module importing `f_0123` from the glue and `g` from elsewhere, exporting `run` and
    /// `memory`.
    fn module() -> Vec<u8> {
        let mut wasm = b"\0asm\x01\0\0\0".to_vec();
        let mut imports = Vec::new();
        write_u32(&mut imports, 2);
        for (module, name) in [("./app_bg.js", "f_0123"), ("./other.js", "g")] {
            write_name(&mut imports, module).unwrap();
            write_name(&mut imports, name).unwrap();
            imports.extend_from_slice(&[0x00, 0x00]);
        }
        let mut exports = Vec::new();
        write_u32(&mut exports, 2);
        for (name, index) in [("run", 1u8), ("memory", 0)] {
            write_name(&mut exports, name).unwrap();
            exports.extend_from_slice(&[if name == "memory" { 2 } else { 0 }, index]);
        }
        for (id, body) in [(IMPORT_SECTION, imports), (EXPORT_SECTION, exports)] {
            wasm.push(id);
            write_u32(&mut wasm, body.len() as u32);
            wasm.extend_from_slice(&body);
        }
        wasm
    }

    #[test]
    fn renames_in_both_files_and_leaves_the_rest() {
        let js = "export function run() { wasm.run(); }\n\
                  const import0 = { f_0123: function() { return wasm.memory; } };\n\
                  const other = { g: function() {} };";
        let (wasm, js, renamed) = shorten(&module(), js, "./app_bg.js", "memory").unwrap();
        assert_eq!(renamed, 2);
        assert_eq!(
            js,
            "export function run() { wasm.a(); }\n\
             const import0 = { a: function() { return wasm.memory; } };\n\
             const other = { g: function() {} };"
        );
        let sections = sections(&wasm).unwrap();
        let imports = parse_imports(sections[0].1).unwrap();
        let names: Vec<_> = imports.iter().map(|i| (i.module, i.name)).collect();
        assert_eq!(names, [("./app_bg.js", "a"), ("./other.js", "g")]);
        let exports = parse_exports(sections[1].1).unwrap();
        let names: Vec<_> = exports.iter().map(|e| e.name).collect();
        assert_eq!(names, ["a", "memory"]);
    }

    #[test]
    fn numbers_round_trip() {
        for value in [0, 1, 127, 128, 300, 16_384, u32::MAX] {
            let mut out = Vec::new();
            write_u32(&mut out, value);
            assert_eq!(read_u32(&out, &mut 0).unwrap(), value);
        }
        assert_eq!(
            short_names(["x".to_owned()].iter(), &BTreeSet::new())["x"],
            "a"
        );
        let many: Vec<String> = (0..60).map(|i| format!("n{i}")).collect();
        let taken = BTreeSet::from(["b".to_owned()]);
        let names = short_names(many.iter(), &taken);
        assert_eq!(names["n1"], "c");
        assert_eq!(names["n51"], "aa");
    }
}
