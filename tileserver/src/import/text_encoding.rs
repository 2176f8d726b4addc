//! Text encodings of attribute data: UTF-8 unless the file (a Shapefile's `.cpg`) or the person
//! importing (`--encoding`) says otherwise. Vietnamese legacy data is often Windows-1258 (a code
//! page, converted here) or TCVN3/VNI (font tricks, not encodings: refused with advice).

/// An encoding to decode attribute text with.
#[derive(Debug, Clone, Copy)]
pub(super) enum TextEncoding {
    /// Strict UTF-8: bytes that are not UTF-8 are an error, never silently replaced.
    Utf8,
    /// A legacy code page.
    Legacy(&'static encoding_rs::Encoding),
}

impl TextEncoding {
    /// Reads an encoding label: `utf-8`, `windows-1258`, `cp1258`, `1258`, `latin1`…
    pub(super) fn from_label(label: &str) -> Result<TextEncoding, String> {
        let label = label.trim().trim_start_matches('\u{feff}');
        let lower = label.to_ascii_lowercase();
        if ["tcvn3", "tcvn", "abc", "vni", "vni-windows"].contains(&lower.as_str()) {
            return Err(format!(
                "{label} is a Vietnamese font encoding, not a character set CityGIS can decode; convert the file to Unicode first (e.g. with Unikey's converter), then import it"
            ));
        }
        let label = match lower.as_str() {
            "65001" | "utf8" => "utf-8",
            digits if digits.chars().all(|c| c.is_ascii_digit()) => {
                return encoding_rs::Encoding::for_label(format!("windows-{digits}").as_bytes())
                    .map(TextEncoding::of)
                    .ok_or_else(|| format!("unknown text encoding {label:?}"));
            }
            _ => &lower,
        };
        encoding_rs::Encoding::for_label(label.as_bytes())
            .map(TextEncoding::of)
            .ok_or_else(|| {
                format!("unknown text encoding {label:?}: use utf-8 or windows-1258, for example")
            })
    }

    fn of(encoding: &'static encoding_rs::Encoding) -> TextEncoding {
        if encoding == encoding_rs::UTF_8 {
            TextEncoding::Utf8
        } else {
            TextEncoding::Legacy(encoding)
        }
    }

    /// The name shown in summaries.
    pub(super) fn name(self) -> String {
        match self {
            TextEncoding::Utf8 => "UTF-8".into(),
            TextEncoding::Legacy(e) => e.name().to_owned(),
        }
    }

    /// Decodes bytes; an error when they are not valid in this encoding.
    pub(super) fn decode(self, bytes: &[u8]) -> Result<String, String> {
        match self {
            TextEncoding::Utf8 => String::from_utf8(bytes.to_vec()).map_err(|_| not_utf8()),
            TextEncoding::Legacy(e) => e
                .decode_without_bom_handling_and_without_replacement(bytes)
                .map(|s| s.into_owned())
                .ok_or_else(|| format!("text that is not valid {}", e.name())),
        }
    }
}

/// The message for text that is not UTF-8 when no encoding was declared.
pub(super) fn not_utf8() -> String {
    "text that is not UTF-8; if the file is in Windows-1258 (common for Vietnamese data), pass --encoding windows-1258 (or add a .cpg file naming it); TCVN3/VNI text must be converted to Unicode first".into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_windows_1258_vietnamese() {
        let e = TextEncoding::from_label("1258").unwrap();
        // "Đất ở" in Windows-1258: Đ=0xD0, ấ = â (0xE2) + combining acute (0xEC), ở = ơ (0xF5) + hook (0xD2).
        let text = e
            .decode(&[0xD0, 0xE2, 0xEC, 0x74, 0x20, 0xF5, 0xD2])
            .unwrap();
        use unicode_normalization::UnicodeNormalization;
        assert_eq!(text.nfc().collect::<String>(), "Đất ở");
        assert_eq!(e.name(), "windows-1258");
    }

    #[test]
    fn refuses_font_encodings_and_bad_utf8() {
        assert!(
            TextEncoding::from_label("TCVN3")
                .unwrap_err()
                .contains("Unicode")
        );
        assert!(TextEncoding::from_label("klingon").is_err());
        let e = TextEncoding::Utf8.decode(&[0xD0, 0xE2]).unwrap_err();
        assert!(e.contains("--encoding windows-1258"), "{e}");
    }
}
