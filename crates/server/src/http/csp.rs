//! The console page's Content-Security-Policy. Scripts run only from the console's own files
//! and its one inline loader (allowed by hash, so nothing injected runs), wasm compiles, the
//! page talks only to its own origin and the configured API (`apiBaseUrl` in `config.json`),
//! and no other site frames it unless the operator names the sites that may
//! (`--frame-ancestors`). Styles may be inline: the stylesheet travels in the wasm and is
//! rendered as a `<style>` element with the console, so it applies inside a shadow root too.
//!
//! `roster console-csp` prints the same policy for a static host to send.
use std::path::Path;

use anyhow::Context;
use base64::Engine;
use sha2::{Digest, Sha256};

/// The policy for the console built into `dir`, framed only by `frame_ancestors` (none when
/// empty).
pub fn console_policy(dir: &Path, frame_ancestors: &[String]) -> anyhow::Result<String> {
    let index = dir.join("index.html");
    let html = std::fs::read_to_string(&index)
        .with_context(|| format!("cannot read {}", index.display()))?;
    let scripts: Vec<String> = inline_scripts(&html)
        .map(|script| {
            let digest = Sha256::digest(script.as_bytes());
            format!(
                " 'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            )
        })
        .collect();
    let api = api_origin(dir)?
        .map(|origin| format!(" {origin}"))
        .unwrap_or_default();
    let ancestors = if frame_ancestors.is_empty() {
        "'none'".to_owned()
    } else {
        frame_ancestors.join(" ")
    };
    Ok(format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{}; style-src 'self' \
         'unsafe-inline'; img-src 'self' data:; connect-src 'self'{api}; object-src 'none'; \
         base-uri 'self'; form-action 'self'; frame-ancestors {ancestors}",
        scripts.concat()
    ))
}

/// The text of each `<script>` without a `src`, exactly as the browser hashes it.
fn inline_scripts(html: &str) -> impl Iterator<Item = &str> {
    html.split("<script").skip(1).filter_map(|rest| {
        let (tag, body) = rest.split_once('>')?;
        let (text, _) = body.split_once("</script>")?;
        (!tag.contains(" src=")).then_some(text)
    })
}

/// The origin of `apiBaseUrl` in the console's `config.json`, when it names another server.
fn api_origin(dir: &Path) -> anyhow::Result<Option<String>> {
    let path = dir.join("config.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(None);
    };
    let config: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))?;
    let Some(url) = config["apiBaseUrl"].as_str().map(str::trim) else {
        return Ok(None);
    };
    let Some((scheme, rest)) = url.split_once("://") else {
        // Empty, or a path on the console's own origin.
        return Ok(None);
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if host.is_empty() || !matches!(scheme, "http" | "https") {
        anyhow::bail!(
            "{}: apiBaseUrl {url:?} is not an http(s) URL",
            path.display()
        );
    }
    Ok(Some(format!("{scheme}://{host}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_inline_scripts_and_allows_the_configured_api() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("index.html"),
            "<html><head><script type=\"module\" src=\"/a.js\"></script>\
             <script type=\"module\" data-x=\"1\">alert(1)</script></head></html>",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("config.json"),
            r#"{"apiBaseUrl": "https://roster.example.com/base/"}"#,
        )
        .unwrap();
        let policy = console_policy(dir.path(), &[]).unwrap();
        // `echo -n 'alert(1)' | openssl sha256 -binary | base64`
        assert!(
            policy.contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI=';"),
            "{policy}"
        );
        assert!(policy.contains("connect-src 'self' https://roster.example.com;"));
        assert!(policy.ends_with("frame-ancestors 'none'"));
        let framed = console_policy(dir.path(), &["https://portal.example.com".into()]).unwrap();
        assert!(framed.ends_with("frame-ancestors https://portal.example.com"));
    }

    #[test]
    fn same_origin_api_adds_nothing() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("index.html"), "<html></html>").unwrap();
        std::fs::write(dir.path().join("config.json"), "{}").unwrap();
        assert!(console_policy(dir.path(), &[])
            .unwrap()
            .contains("connect-src 'self';"));
        std::fs::write(
            dir.path().join("config.json"),
            r#"{"apiBaseUrl":"ftp://x"}"#,
        )
        .unwrap();
        assert!(console_policy(dir.path(), &[]).is_err());
    }
}
