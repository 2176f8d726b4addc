//! Reconnecting to the live stream after the server or the network went away: waits that double
//! from one second up to thirty, so a wall of screens does not hammer a server that restarts.

/// The wait before reconnection attempt `attempt` (0 for the first), in milliseconds.
pub fn backoff_ms(attempt: u32) -> u32 {
    1000u32.saturating_mul(1 << attempt.min(5)).min(30_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_up_to_thirty_seconds() {
        let waits: Vec<u32> = (0..8).map(backoff_ms).collect();
        assert_eq!(
            waits,
            [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]
        );
    }
}
