//! Photos attached to reports: checked by content (JPEG, PNG or WebP, whatever the file name
//! says), turned upright, shrunk to the configured size, and re-encoded as JPEG. Re-encoding
//! writes pixels only, so EXIF — GPS position, camera serial, time — never reaches the store.

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use std::io::Cursor;

/// A photo ready to store.
#[derive(Debug)]
pub struct ProcessedPhoto {
    pub jpeg: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// Why a photo was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PhotoError {
    #[error("Ảnh quá lớn: tối đa {max_mb} MB (photo larger than {max_mb} MB)")]
    TooLarge { max_mb: usize },
    #[error("Không phải ảnh JPEG, PNG hoặc WebP (not a JPEG, PNG or WebP image)")]
    NotAnImage,
    #[error("Ảnh bị hỏng, không đọc được (the image cannot be decoded: {0})")]
    Corrupt(String),
}

/// Checks and re-encodes one photo.
pub fn process(bytes: &[u8], max_bytes: usize, max_px: u32) -> Result<ProcessedPhoto, PhotoError> {
    if bytes.len() > max_bytes {
        return Err(PhotoError::TooLarge {
            max_mb: max_bytes / (1024 * 1024),
        });
    }
    let format = image::guess_format(bytes).map_err(|_| PhotoError::NotAnImage)?;
    if !matches!(
        format,
        ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP
    ) {
        return Err(PhotoError::NotAnImage);
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(16_384);
    limits.max_image_height = Some(16_384);
    limits.max_alloc = Some(512 * 1024 * 1024);
    reader.limits(limits);
    let corrupt = |e: image::ImageError| PhotoError::Corrupt(e.to_string());
    let mut decoder = reader.into_decoder().map_err(corrupt)?;
    let orientation = decoder.orientation().map_err(corrupt)?;
    let mut img = DynamicImage::from_decoder(decoder).map_err(corrupt)?;
    img.apply_orientation(orientation);
    if img.width() > max_px || img.height() > max_px {
        img = img.resize(max_px, max_px, image::imageops::FilterType::CatmullRom);
    }
    let rgb = img.to_rgb8();
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 85)
        .encode_image(&rgb)
        .map_err(corrupt)?;
    Ok(ProcessedPhoto {
        jpeg,
        width: rgb.width(),
        height: rgb.height(),
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A JPEG with an EXIF segment (APP1) holding a GPS tag, as phones write them.
    pub fn jpeg_with_exif(width: u32, height: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
        });
        let mut plain = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut plain, 90)
            .encode_image(&img)
            .unwrap();
        // Minimal little-endian TIFF with one IFD entry: GPSInfo (0x8825) pointer.
        let mut tiff = b"II*\0\x08\0\0\0".to_vec();
        tiff.extend_from_slice(&[1, 0, 0x25, 0x88, 4, 0, 1, 0, 0, 0, 26, 0, 0, 0, 0, 0, 0, 0]);
        tiff.extend_from_slice(b"GPS 11.5395N 106.8965E");
        let mut app1 = b"Exif\0\0".to_vec();
        app1.extend_from_slice(&tiff);
        let len = (app1.len() + 2) as u16;
        let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(&app1);
        out.extend_from_slice(&plain[2..]);
        out
    }

    #[test]
    fn strips_exif_and_keeps_the_picture() {
        let input = jpeg_with_exif(64, 48);
        assert!(input.windows(4).any(|w| w == b"Exif"));
        let out = process(&input, 10 << 20, 2048).unwrap();
        assert_eq!((out.width, out.height), (64, 48));
        assert!(!out.jpeg.windows(4).any(|w| w == b"Exif"), "EXIF removed");
        assert!(!out.jpeg.windows(3).any(|w| w == b"GPS"), "GPS removed");
        assert_eq!(image::guess_format(&out.jpeg).unwrap(), ImageFormat::Jpeg);
    }

    #[test]
    fn shrinks_large_photos_keeping_the_aspect() {
        let img = DynamicImage::new_rgb8(3000, 1500);
        let mut png = Vec::new();
        img.write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
            .unwrap();
        let out = process(&png, 10 << 20, 2048).unwrap();
        assert_eq!((out.width, out.height), (2048, 1024));
    }

    #[test]
    fn refuses_fakes_and_oversize() {
        assert_eq!(
            process(b"this is a text file named photo.jpg", 10 << 20, 2048).unwrap_err(),
            PhotoError::NotAnImage
        );
        let gif = b"GIF89a\x01\0\x01\0\0\0\0;";
        assert_eq!(
            process(gif, 10 << 20, 2048).unwrap_err(),
            PhotoError::NotAnImage
        );
        assert!(matches!(
            process(&[0u8; 100], 50, 2048),
            Err(PhotoError::TooLarge { .. })
        ));
        let truncated = &jpeg_with_exif(64, 48)[..200];
        assert!(matches!(
            process(truncated, 10 << 20, 2048),
            Err(PhotoError::Corrupt(_))
        ));
    }
}
