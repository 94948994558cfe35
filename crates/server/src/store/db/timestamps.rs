//! Stored times are Unix milliseconds; the admin API shows them as RFC 3339 UTC strings. The
//! conversions (and the hour buckets of the sync statistics) live here, in one place.
use time::{format_description::well_known::Rfc3339, OffsetDateTime};

/// One hour in milliseconds: the width of a `sync_stats_hourly` bucket.
pub const HOUR_MILLIS: i64 = 3_600_000;

/// `millis` (Unix milliseconds) as an RFC 3339 UTC string, e.g. `2026-01-02T03:04:05.678Z`.
/// Times outside the representable range (never written by Roster) show as the epoch rather
/// than failing a whole listing.
pub fn rfc3339(millis: i64) -> String {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(millis) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_owned())
}

/// [`rfc3339`] for optional times.
pub fn rfc3339_opt(millis: Option<i64>) -> Option<String> {
    millis.map(rfc3339)
}

/// An RFC 3339 time (as SCIM filters compare `meta.created` and `meta.lastModified`) as Unix
/// milliseconds; `None` when it is not one.
pub fn parse_millis(text: &str) -> Option<i64> {
    let t = OffsetDateTime::parse(text, &Rfc3339).ok()?;
    Some((t.unix_timestamp_nanos() / 1_000_000) as i64)
}

/// Start of the hour containing `millis`: the `hour` key of `sync_stats_hourly`.
pub fn hour_start(millis: i64) -> i64 {
    millis.div_euclid(HOUR_MILLIS) * HOUR_MILLIS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_utc_with_millis() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_767_323_045_678), "2026-01-02T03:04:05.678Z");
        assert_eq!(rfc3339_opt(None), None);
    }

    #[test]
    fn buckets_by_hour() {
        assert_eq!(
            hour_start(1_767_322_245_678),
            1_767_322_800_000 - HOUR_MILLIS
        );
        assert_eq!(hour_start(HOUR_MILLIS), HOUR_MILLIS);
        assert_eq!(hour_start(HOUR_MILLIS - 1), 0);
    }
}
