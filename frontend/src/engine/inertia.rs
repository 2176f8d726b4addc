//! Drag inertia: the pointer's recent motion gives a velocity on release, which decays.

/// Samples older than this do not count towards the release velocity, ms.
const WINDOW_MS: f64 = 100.0;
/// Fraction of the velocity kept per millisecond.
const DECAY_PER_MS: f64 = 0.995;
/// Below this speed (px/ms) the glide stops.
const MIN_SPEED: f64 = 0.02;
/// The glide never starts faster than this (px/ms).
const MAX_SPEED: f64 = 4.0;

/// Pointer positions during a drag.
#[derive(Debug, Default, Clone)]
pub struct DragTracker {
    samples: Vec<(f64, f64, f64)>,
}

impl DragTracker {
    /// Records the pointer at time `t` (ms).
    pub fn record(&mut self, t: f64, x: f64, y: f64) {
        self.samples.push((t, x, y));
        self.samples.retain(|s| t - s.0 <= WINDOW_MS);
    }

    /// The velocity (px/ms) when the pointer is released at time `t`, if it was still moving.
    pub fn release(&mut self, t: f64) -> Option<Glide> {
        let samples = std::mem::take(&mut self.samples);
        let recent: Vec<_> = samples.iter().filter(|s| t - s.0 <= WINDOW_MS).collect();
        let (first, last) = (recent.first()?, recent.last()?);
        let dt = last.0 - first.0;
        if dt < 10.0 || t - last.0 > 50.0 {
            return None;
        }
        let (mut vx, mut vy) = ((last.1 - first.1) / dt, (last.2 - first.2) / dt);
        let speed = vx.hypot(vy);
        if speed < MIN_SPEED * 5.0 {
            return None;
        }
        if speed > MAX_SPEED {
            vx *= MAX_SPEED / speed;
            vy *= MAX_SPEED / speed;
        }
        Some(Glide { vx, vy })
    }
}

/// A glide after release.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Glide {
    pub vx: f64,
    pub vy: f64,
}

impl Glide {
    /// The offset to pan by after `dt` ms, and whether the glide goes on.
    pub fn step(&mut self, dt: f64) -> ((f64, f64), bool) {
        let dt = dt.clamp(0.0, 100.0);
        let decay = DECAY_PER_MS.powf(dt);
        let offset = (self.vx * dt, self.vy * dt);
        self.vx *= decay;
        self.vy *= decay;
        (offset, self.vx.hypot(self.vy) >= MIN_SPEED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flick_glides_and_stops() {
        let mut drag = DragTracker::default();
        for i in 0..6 {
            drag.record(f64::from(i) * 16.0, f64::from(i) * 16.0, 0.0);
        }
        let mut glide = drag.release(85.0).expect("moving at 1 px/ms");
        assert!((glide.vx - 1.0).abs() < 1e-9 && glide.vy == 0.0);
        let mut travelled = 0.0;
        let mut frames = 0;
        loop {
            let ((dx, _), more) = glide.step(16.0);
            travelled += dx;
            frames += 1;
            if !more {
                break;
            }
        }
        assert!(travelled > 50.0 && travelled < 400.0, "{travelled}");
        assert!(frames < 200);
    }

    #[test]
    fn a_pause_before_release_does_not_glide() {
        let mut drag = DragTracker::default();
        drag.record(0.0, 0.0, 0.0);
        drag.record(16.0, 30.0, 0.0);
        assert!(drag.release(300.0).is_none());
    }
}
