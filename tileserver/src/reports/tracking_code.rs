//! Tracking codes citizens write down or read over the phone: `DX-26-K7M2QP` — the city prefix,
//! the year, and six characters from an alphabet without look-alikes (no 0/O, 1/I/L).

use rand::Rng;

const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/// A new random tracking code.
pub fn generate(prefix: &str, year: i32, rng: &mut impl Rng) -> String {
    let tail: String = (0..6)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect();
    format!("{prefix}-{:02}-{tail}", year.rem_euclid(100))
}

/// Normalises what a person typed: trims, upper-cases.
pub fn normalize(code: &str) -> String {
    code.trim().to_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn shape_and_alphabet() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let code = generate("DX", 2026, &mut rng);
        assert_eq!(code.len(), "DX-26-XXXXXX".len());
        assert!(code.starts_with("DX-26-"));
        assert!(code[6..].bytes().all(|b| ALPHABET.contains(&b)));
        assert_eq!(normalize(" dx-26-abc "), "DX-26-ABC");
    }
}
