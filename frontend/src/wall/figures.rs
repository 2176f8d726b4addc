//! Numbers as the wall shows them: Vietnamese digit grouping (1.059) and the figures of one ward
//! taken from `/api/stats`.

use serde_json::Value;

/// `1059` → "1.059" (Vietnamese groups thousands with dots).
pub fn grouped(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// A count at `path` in the statistics (0 when absent).
pub fn count(stats: &Value, path: &[&str]) -> i64 {
    path.iter()
        .fold(stats, |v, key| &v[*key])
        .as_i64()
        .unwrap_or(0)
}

/// A ward's figures: reports in the statistics' range, and cameras online/offline/maintenance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WardFigures {
    pub reports: i64,
    pub online: i64,
    pub offline: i64,
    pub maintenance: i64,
}

impl WardFigures {
    pub fn of(stats: &Value, ward: &str) -> Self {
        let cameras = &stats["cameras"]["by_ward"][ward];
        Self {
            reports: stats["reports"]["by_ward"][ward].as_i64().unwrap_or(0),
            online: cameras["online"].as_i64().unwrap_or(0),
            offline: cameras["offline"].as_i64().unwrap_or(0),
            maintenance: cameras["maintenance"].as_i64().unwrap_or(0),
        }
    }
}

/// Ward names known to the statistics (those with cameras or reports), sorted.
pub fn ward_names(stats: &Value) -> Vec<String> {
    let mut names: Vec<String> = ["cameras", "reports"]
        .iter()
        .flat_map(|k| {
            stats[*k]["by_ward"]
                .as_object()
                .map(|o| o.keys().cloned().collect::<Vec<_>>())
                .unwrap_or_default()
        })
        .collect();
    names.sort();
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn groups_thousands_with_dots() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1059), "1.059");
        assert_eq!(grouped(32985), "32.985");
        assert_eq!(grouped(1_000_000), "1.000.000");
    }

    #[test]
    fn reads_a_wards_figures() {
        let stats = json!({
            "reports": {"by_ward": {"Tân Phú": 7}},
            "cameras": {"by_ward": {"Tân Phú": {"online": 90, "offline": 4, "maintenance": 1}, "Tân Bình": {"online": 3}}}
        });
        assert_eq!(
            WardFigures::of(&stats, "Tân Phú"),
            WardFigures {
                reports: 7,
                online: 90,
                offline: 4,
                maintenance: 1
            }
        );
        assert_eq!(ward_names(&stats), ["Tân Bình", "Tân Phú"]);
        assert_eq!(count(&stats, &["reports", "by_ward", "Tân Phú"]), 7);
    }
}
