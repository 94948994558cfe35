//! Text both stores keep exactly as sent. PostgreSQL's `text` cannot hold NUL (U+0000), which
//! SQLite would store: both APIs refuse it where it enters (bodies, paths, queries), with the
//! same answer on either store. JSON cannot carry other text PostgreSQL refuses: the parser
//! already rejects invalid UTF-8 and unpaired surrogates.

/// What the refusal says.
pub const NUL_REFUSED: &str =
    "text must not contain the NUL character (U+0000, `\\u0000` or `%00`)";

/// Whether a JSON document as sent holds a NUL in any string. Inside a JSON string NUL can only
/// be written `\u0000` (a raw control character is invalid JSON), and outside strings there
/// are no backslashes; each escape is skipped whole, so `\\u0000` (a backslash, then the text
/// `u0000`) is not one.
pub fn json_has_nul(json: &[u8]) -> bool {
    let mut i = 0;
    while i < json.len() {
        if json[i] == b'\\' {
            if json.get(i + 1) == Some(&b'u') && json.get(i + 2..i + 6) == Some(b"0000") {
                return true;
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    false
}

/// Whether a raw (percent-encoded) path or query decodes to text with a NUL.
pub fn uri_has_nul(raw: &str) -> bool {
    raw.contains("%00")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nul_only_where_json_decodes_to_it() {
        assert!(json_has_nul(br#"{"userName":"nul\u0000@example.com"}"#));
        assert!(json_has_nul(br#"["\u0000"]"#));
        assert!(!json_has_nul(br#"{"a":"\\u0000"}"#));
        assert!(json_has_nul(br#"{"a":"\\\u0000"}"#));
        assert!(!json_has_nul(br#""\u00"#));
        assert!(!json_has_nul(br#"{"a":"\u0001 \"u0000"}"#));
        assert!(!json_has_nul(b"\\"));
    }

    #[test]
    fn finds_percent_encoded_nul() {
        assert!(uri_has_nul("/api/v1/directories/%00"));
        assert!(uri_has_nul("filter=userName%20eq%20%22a%00%22"));
        assert!(!uri_has_nul("/api/v1/directories/%2500"));
    }
}
