//! Content negotiation helpers: `Accept-Encoding` and `If-None-Match`. Pure functions on header
//! values, so they are tested without a server.

/// Whether an `Accept-Encoding` value accepts gzip (a `q=0` refuses it; `*` accepts it).
pub fn accepts_gzip(accept_encoding: &str) -> bool {
    let mut gzip: Option<bool> = None;
    let mut star: Option<bool> = None;
    for part in accept_encoding.split(',') {
        let mut pieces = part.split(';');
        let coding = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
        let allowed = pieces
            .filter_map(|p| p.trim().strip_prefix("q="))
            .filter_map(|q| q.trim().parse::<f32>().ok())
            .all(|q| q > 0.0);
        match coding.as_str() {
            "gzip" | "x-gzip" => gzip = Some(allowed),
            "*" => star = Some(allowed),
            _ => {}
        }
    }
    gzip.or(star).unwrap_or(false)
}

/// Whether `If-None-Match` matches `etag` (a quoted strong tag), by the weak comparison RFC 9110
/// asks for here.
pub fn etag_matches(if_none_match: &str, etag: &str) -> bool {
    let bare = |t: &str| t.trim().trim_start_matches("W/").to_owned();
    if_none_match.trim() == "*" || if_none_match.split(',').any(|t| bare(t) == bare(etag))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gzip_negotiation() {
        assert!(accepts_gzip("gzip, deflate, br"));
        assert!(accepts_gzip("br;q=1.0, gzip;q=0.8"));
        assert!(accepts_gzip("*"));
        assert!(!accepts_gzip("gzip;q=0"));
        assert!(!accepts_gzip("identity"));
        assert!(!accepts_gzip(""));
        assert!(!accepts_gzip("*;q=0"));
    }

    #[test]
    fn etag_matching() {
        assert!(etag_matches("\"abc\"", "\"abc\""));
        assert!(etag_matches("\"x\", W/\"abc\"", "\"abc\""));
        assert!(etag_matches("*", "\"abc\""));
        assert!(!etag_matches("\"abd\"", "\"abc\""));
    }
}
