//! Minifies `style/roster.css` into `$OUT_DIR/roster.min.css`, which the console embeds
//! (`src/app.rs`): comments and layout whitespace are a quarter of the file and would count
//! against the download budget. Whitespace that means something is kept: one space between
//! tokens (descendant selectors such as `.roster :focus-visible`, values such as `1px solid`)
//! and everything inside strings.
use std::path::PathBuf;

fn main() {
    let source = "style/roster.css";
    println!("cargo::rerun-if-changed={source}");
    let css = std::fs::read_to_string(source).unwrap_or_else(|e| panic!("{source}: {e}"));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default()).join("roster.min.css");
    std::fs::write(&out, minify(&css)).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
}

fn minify(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut chars = css.chars().peekable();
    let mut pending_space = false;
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut last = ' ';
                for c in chars.by_ref() {
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
                pending_space = true;
            }
            c if c.is_whitespace() => pending_space = true,
            '"' | '\'' => {
                flush_space(&mut out, &mut pending_space);
                out.push(c);
                for inner in chars.by_ref() {
                    out.push(inner);
                    if inner == c {
                        break;
                    }
                }
            }
            '{' | '}' | ';' | ',' | '>' => {
                pending_space = false;
                if c == '}' && out.ends_with(';') {
                    out.pop();
                }
                out.push(c);
            }
            c => {
                flush_space(&mut out, &mut pending_space);
                out.push(c);
            }
        }
    }
    out
}

/// Writes the one space a run of whitespace or a comment stood for, unless it sits next to
/// punctuation that needs none.
fn flush_space(out: &mut String, pending: &mut bool) {
    if *pending && !out.is_empty() && !out.ends_with(['{', '}', ';', ',', '>']) {
        out.push(' ');
    }
    *pending = false;
}
