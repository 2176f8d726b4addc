//! The wall's ward rotation: the whole city first, then each ward in turn, every `interval`
//! seconds. From the page's URL: `/wall?wards=Tân Phú,Tân Bình&interval=20` (`interval=0` holds
//! the view still; no `wards` means every ward).

/// Seconds per stop when the URL does not say.
pub const DEFAULT_INTERVAL_S: f64 = 20.0;
/// Shortest stop, seconds (a wall that never settles is unreadable).
pub const MIN_INTERVAL_S: f64 = 5.0;

/// A place the wall shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    City,
    Ward(String),
}

/// The rotation.
#[derive(Debug, Clone, PartialEq)]
pub struct Playlist {
    pub stops: Vec<Stop>,
    /// Seconds per stop; None holds the first stop.
    pub interval_s: Option<f64>,
    index: usize,
}

impl Playlist {
    /// From the URL's `wards` and `interval`, with `all_wards` when `wards` is absent.
    pub fn from_params(wards: Option<&str>, interval: Option<&str>, all_wards: &[String]) -> Self {
        let mut stops = vec![Stop::City];
        match wards.map(str::trim).filter(|w| !w.is_empty()) {
            Some(list) => stops.extend(
                list.split(',')
                    .map(str::trim)
                    .filter(|w| !w.is_empty())
                    .map(|w| Stop::Ward(w.to_owned())),
            ),
            None => stops.extend(all_wards.iter().cloned().map(Stop::Ward)),
        }
        let interval_s = match interval.and_then(|i| i.trim().parse::<f64>().ok()) {
            Some(s) if s <= 0.0 => None,
            Some(s) => Some(s.max(MIN_INTERVAL_S)),
            None => Some(DEFAULT_INTERVAL_S),
        };
        Self {
            stops,
            interval_s,
            index: 0,
        }
    }

    /// The stop shown now.
    pub fn current(&self) -> &Stop {
        &self.stops[self.index]
    }

    /// Moves to the next stop (back to the city after the last ward) and returns it.
    pub fn advance(&mut self) -> &Stop {
        self.index = (self.index + 1) % self.stops.len();
        self.current()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_city_then_each_ward_in_turn() {
        let all = vec!["Tân Phú".to_owned(), "Tân Bình".to_owned()];
        let mut p = Playlist::from_params(None, None, &all);
        assert_eq!(p.interval_s, Some(DEFAULT_INTERVAL_S));
        assert_eq!(p.current(), &Stop::City);
        assert_eq!(p.advance(), &Stop::Ward("Tân Phú".into()));
        assert_eq!(p.advance(), &Stop::Ward("Tân Bình".into()));
        assert_eq!(p.advance(), &Stop::City);
    }

    #[test]
    fn the_url_chooses_wards_and_pace() {
        let p = Playlist::from_params(Some(" Tân Xuân , Tiến Hưng,"), Some("2"), &[]);
        assert_eq!(
            p.stops,
            [
                Stop::City,
                Stop::Ward("Tân Xuân".into()),
                Stop::Ward("Tiến Hưng".into())
            ]
        );
        assert_eq!(p.interval_s, Some(MIN_INTERVAL_S));
        assert_eq!(Playlist::from_params(None, Some("0"), &[]).interval_s, None);
    }
}
