//! How numbers and times read in the console: "1,234", "3 minutes ago", "in 12 days",
//! "29 Nov 2026, 10:12", "29 Nov 2026". The arithmetic is plain Rust (tested natively); only
//! reading the clock and the browser's locale formatting touch JavaScript.

/// `1234567` → "1,234,567".
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// "1 user", "2 users".
pub fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", count(n), if n == 1 { one } else { many })
}

/// Milliseconds since the epoch of an RFC 3339 time, read by the browser.
pub fn parse_millis(rfc3339: &str) -> Option<f64> {
    let ms = js_sys::Date::parse(rfc3339);
    (!ms.is_nan()).then_some(ms)
}

/// Now, in milliseconds since the epoch.
pub fn now_millis() -> f64 {
    js_sys::Date::now()
}

/// A time span in words, `delta_ms` positive for the future: "just now", "5 minutes ago",
/// "in 3 days".
pub fn relative_words(delta_ms: f64) -> String {
    let future = delta_ms > 0.0;
    let secs = (delta_ms.abs() / 1000.0).round() as u64;
    if secs < 45 {
        return if future { "in a moment" } else { "just now" }.to_owned();
    }
    let (n, unit) = match secs {
        0..=5399 => (secs.div_ceil(60).max(1), "minute"),
        5400..=84_599 => ((secs + 1800) / 3600, "hour"),
        _ => ((secs + 43_200) / 86_400, "day"),
    };
    let span = format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
    if future {
        format!("in {span}")
    } else {
        format!("{span} ago")
    }
}

/// "5 minutes ago" for an RFC 3339 time; the text itself when it does not parse.
pub fn relative(rfc3339: &str) -> String {
    match parse_millis(rfc3339) {
        Some(ms) => relative_words(ms - now_millis()),
        None => rfc3339.to_owned(),
    }
}

/// Whole days from now until an RFC 3339 time (negative when past).
pub fn days_until(rfc3339: &str) -> Option<i64> {
    parse_millis(rfc3339).map(|ms| ((ms - now_millis()) / 86_400_000.0).floor() as i64)
}

/// The date and time in the admin's locale, e.g. "29 Nov 2026, 10:12".
pub fn datetime(rfc3339: &str) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(rfc3339));
    locale(&date, true).unwrap_or_else(|| rfc3339.to_owned())
}

/// The date alone in the admin's locale, e.g. "29 Nov 2026".
pub fn date(rfc3339: &str) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(rfc3339));
    locale(&date, false).unwrap_or_else(|| rfc3339.to_owned())
}

/// The date `days` from now in the admin's locale, e.g. "29 Nov 2026".
pub fn date_in_days(days: u32) -> String {
    let at = now_millis() + f64::from(days) * 86_400_000.0;
    locale(&js_sys::Date::new(&at.into()), false).unwrap_or_default()
}

/// `date` as the admin's locale writes it, with the time of day when `time`; `None` for an
/// invalid date.
fn locale(date: &js_sys::Date, time: bool) -> Option<String> {
    if date.get_time().is_nan() {
        return None;
    }
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"dateStyle".into(), &"medium".into());
    if time {
        let _ = js_sys::Reflect::set(&options, &"timeStyle".into(), &"short".into());
    }
    Some(date.to_locale_string("default", &options).into())
}

/// A label as it reads inside a sentence: its first word in lower case unless that word is an
/// acronym, the rest as written ("Directory base URL" → "directory base URL", "API key" stays).
pub fn in_sentence(label: &str) -> String {
    let (first, rest) = label.split_once(' ').unwrap_or((label, ""));
    let acronym = first.len() > 1 && first.chars().all(|c| c.is_ascii_uppercase());
    let first = if acronym {
        first.to_owned()
    } else {
        first.to_lowercase()
    };
    if rest.is_empty() {
        first
    } else {
        format!("{first} {rest}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_inside_a_sentence_keep_their_acronyms() {
        assert_eq!(in_sentence("API key"), "API key");
        assert_eq!(in_sentence("Directory base URL"), "directory base URL");
        assert_eq!(in_sentence("Token"), "token");
        assert_eq!(in_sentence("A"), "a");
    }

    #[test]
    fn counts_group_thousands() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1,000");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(plural(1, "user", "users"), "1 user");
        assert_eq!(plural(1200, "user", "users"), "1,200 users");
    }

    #[test]
    fn spans_read_naturally() {
        assert_eq!(relative_words(-10_000.0), "just now");
        assert_eq!(relative_words(-60_000.0), "1 minute ago");
        assert_eq!(relative_words(-5.0 * 60_000.0), "5 minutes ago");
        assert_eq!(relative_words(-3.0 * 3_600_000.0), "3 hours ago");
        assert_eq!(relative_words(12.0 * 86_400_000.0), "in 12 days");
        assert_eq!(relative_words(86_400_000.0), "in 1 day");
    }
}
