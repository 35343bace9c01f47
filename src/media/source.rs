//! A picture file as it arrives: what it is, how big, which way up, and
//! every way it can be unusable, said once, at the article that uses it.
//!
//! Reading is bounded: a picture's size comes from its header, and one
//! whose header claims more than [`MAX_PIXELS`] is refused before any pixel
//! is decoded (a "decompression bomb" is a few kilobytes that would decode
//! to gigabytes); decoding itself runs under the same limits.

use std::io::Cursor;
use std::path::Path;

use image::{ImageDecoder, ImageFormat, ImageReader, Limits, metadata::Orientation};
use serde::{Deserialize, Serialize};

use crate::error::{Diagnostic, Location};
use crate::media::strip::{self, Format};

/// The most pixels a picture may have: 64 megapixels, more than any
/// newsroom camera's (a 45-megapixel frame is 8,256 × 5,504).
pub const MAX_PIXELS: u64 = 64_000_000;

/// The longest side a picture may have.
pub const MAX_SIDE: u32 = 16_384;

/// What a picture file holds, read from its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Probe {
    pub format: Format,
    /// As shown: with the EXIF orientation applied.
    pub width: u32,
    pub height: u32,
    /// The EXIF orientation (1 to 8; 1 is upright).
    pub orientation: u8,
    /// Whether it has transparency.
    pub alpha: bool,
}

/// Why a picture cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unusable {
    /// No file at the address.
    Missing { closest: Option<String> },
    /// A 0-byte file.
    Empty,
    /// The file could not be read.
    Unreadable(String),
    /// A format digest does not publish: HEIC, AVIF, TIFF, BMP.
    Unsupported(&'static str),
    /// More pixels than [`MAX_PIXELS`].
    TooLarge { width: u32, height: u32 },
    /// Cut short, corrupt, or not a picture at all.
    Damaged(String),
}

/// The one place that says what is wrong with a picture an article uses,
/// at the place it uses it (`at`), and what to do about it. `file` is the
/// picture's path from the site's folder (`content/news/photo.jpg`).
pub fn picture_error(at: &Location, file: &Path, why: &Unusable) -> Diagnostic {
    let src = file.display();
    let (message, help) = match why {
        Unusable::Missing { closest } => (
            format!("there is no picture {src}"),
            match closest {
                Some(name) => format!("did you mean `{name}`? Pictures are read from the article's folder, or from content/ when the address starts with /"),
                None => "put the picture beside the article (or give its path from content/, starting with /)".to_string(),
            },
        ),
        Unusable::Empty => (
            format!("the picture {src} is an empty file (0 bytes)"),
            "copy the picture again: the upload or copy did not finish".to_string(),
        ),
        Unusable::Unreadable(reason) => (
            format!("could not read the picture {src}: {reason}"),
            "check that the file exists and that you may read it".to_string(),
        ),
        Unusable::Unsupported(what) => (
            format!("the picture {src} is {what}, which digest does not publish"),
            "export it as JPEG (photographs) or PNG (graphics) and use that file".to_string(),
        ),
        Unusable::TooLarge { width, height } => (
            format!(
                "the picture {src} says it is {width} × {height} pixels, more than the {} megapixels digest decodes",
                MAX_PIXELS / 1_000_000
            ),
            "resize it (4,000 pixels wide is plenty for the web); a small file that claims this size is damaged or hostile".to_string(),
        ),
        Unusable::Damaged(reason) => (
            format!("the picture {src} is damaged: {reason}"),
            "export or copy the picture again from the original".to_string(),
        ),
    };
    Diagnostic::error(Some(at.clone()), message).with_help(help)
}

/// Reads a picture's header, checking its structure and its size, without
/// decoding it.
pub fn probe(bytes: &[u8]) -> Result<Probe, Unusable> {
    let format = format_of(bytes)?;
    strip::check(bytes, format).map_err(Unusable::Damaged)?;
    if format == Format::Gif {
        let (width, height) =
            strip::gif_size(bytes).ok_or(Unusable::Damaged("its header is cut short".into()))?;
        check_size(width, height)?;
        return Ok(Probe {
            format,
            width,
            height,
            orientation: 1,
            alpha: true,
        });
    }
    let mut decoder = decoder(bytes, format)?;
    let (width, height) = decoder.dimensions();
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let (width, height) = if swaps_sides(orientation) {
        (height, width)
    } else {
        (width, height)
    };
    Ok(Probe {
        format,
        width,
        height,
        orientation: exif_value(orientation),
        alpha: decoder.color_type().has_alpha(),
    })
}

/// A decoder of `bytes` whose header was read and checked against the
/// limits; decoding through it is bounded too.
pub fn decoder(bytes: &[u8], format: Format) -> Result<impl ImageDecoder + '_, Unusable> {
    let image_format = match format {
        Format::Jpeg => ImageFormat::Jpeg,
        Format::Png => ImageFormat::Png,
        Format::WebP => ImageFormat::WebP,
        Format::Gif => return Err(Unusable::Unsupported("an animation")),
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), image_format);
    reader.limits(limits());
    let decoder = reader.into_decoder().map_err(|err| match err {
        image::ImageError::Limits(_) => {
            // The header was read: say what size it claims.
            let size = header_size(bytes, image_format);
            Unusable::TooLarge {
                width: size.0,
                height: size.1,
            }
        }
        other => Unusable::Damaged(reason(&other)),
    })?;
    let (width, height) = decoder.dimensions();
    check_size(width, height)?;
    if decoder.total_bytes() > MAX_DECODED_BYTES {
        // 16 bits a channel: the same pixels take twice the memory.
        return Err(Unusable::TooLarge { width, height });
    }
    Ok(decoder)
}

/// The most memory a decoded picture may take.
const MAX_DECODED_BYTES: u64 = MAX_PIXELS * 4;

/// The size a header claims, read without limits (and without decoding).
fn header_size(bytes: &[u8], format: ImageFormat) -> (u32, u32) {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.no_limits();
    reader.into_dimensions().unwrap_or((0, 0))
}

fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    // RGBA at the largest size, and the decoder's own buffers.
    limits.max_alloc = Some(MAX_PIXELS * 4 + 64 * 1024 * 1024);
    limits
}

fn check_size(width: u32, height: u32) -> Result<(), Unusable> {
    if width == 0 || height == 0 {
        return Err(Unusable::Damaged("its header says it has no pixels".into()));
    }
    if u64::from(width) * u64::from(height) > MAX_PIXELS || width > MAX_SIDE || height > MAX_SIDE {
        return Err(Unusable::TooLarge { width, height });
    }
    Ok(())
}

/// A decoder's error in words, without the decoder's internals.
pub fn reason(err: &image::ImageError) -> String {
    match err {
        image::ImageError::Limits(_) => "it is larger than digest decodes".into(),
        image::ImageError::IoError(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            "the file ends before the picture does".into()
        }
        other => {
            let text = other.to_string();
            let text = text.strip_prefix("Format error decoding ").unwrap_or(&text);
            text.trim_end_matches('.').to_string()
        }
    }
}

/// The format of a file, from its first bytes (not its name).
pub fn format_of(bytes: &[u8]) -> Result<Format, Unusable> {
    if bytes.is_empty() {
        return Err(Unusable::Empty);
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(Format::Jpeg);
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(Format::Png);
    }
    if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        return Ok(Format::WebP);
    }
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        return Ok(Format::Gif);
    }
    if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        return Err(Unusable::Unsupported(match &bytes[8..12] {
            b"avif" | b"avis" => "an AVIF picture",
            b"heic" | b"heix" | b"hevc" | b"hevx" | b"heim" | b"heis" | b"mif1" | b"msf1" => {
                "a HEIC picture (as iPhones save them)"
            }
            _ => "a video or another ISO media file",
        }));
    }
    if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
        return Err(Unusable::Unsupported("a TIFF picture"));
    }
    if bytes.starts_with(b"BM") {
        return Err(Unusable::Unsupported("a BMP picture"));
    }
    Err(Unusable::Damaged(
        "it is not a JPEG, PNG, WebP or GIF file (its first bytes are no picture format's)".into(),
    ))
}

fn swaps_sides(o: Orientation) -> bool {
    matches!(
        o,
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    )
}

fn exif_value(o: Orientation) -> u8 {
    match o {
        Orientation::NoTransforms => 1,
        Orientation::FlipHorizontal => 2,
        Orientation::Rotate180 => 3,
        Orientation::FlipVertical => 4,
        Orientation::Rotate90FlipH => 5,
        Orientation::Rotate90 => 6,
        Orientation::Rotate270FlipH => 7,
        Orientation::Rotate270 => 8,
    }
}

/// The orientation of an EXIF value.
pub fn orientation(value: u8) -> Orientation {
    Orientation::from_exif(value).unwrap_or(Orientation::NoTransforms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_known_by_their_bytes_not_their_names() {
        assert_eq!(format_of(b""), Err(Unusable::Empty));
        assert_eq!(
            format_of(b"\0\0\0\x18ftypheic\0\0\0\0mif1heic"),
            Err(Unusable::Unsupported(
                "a HEIC picture (as iPhones save them)"
            ))
        );
        assert_eq!(
            format_of(b"\0\0\0\x1cftypavif"),
            Err(Unusable::Unsupported("an AVIF picture"))
        );
        assert_eq!(format_of(b"GIF89a..."), Ok(Format::Gif));
        assert!(matches!(format_of(b"<svg>"), Err(Unusable::Damaged(_))));
        assert!(crate::files::is_picture_name("news/Photo.JPG"));
        assert!(!crate::files::is_picture_name("news/map.svg"));
    }

    #[test]
    fn a_header_claiming_fifty_thousand_pixels_square_is_refused_unread() {
        // A PNG of 50,000 × 50,000 pixels: a header and almost no data.
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut ihdr = b"IHDR".to_vec();
        ihdr.extend(50_000u32.to_be_bytes());
        ihdr.extend(50_000u32.to_be_bytes());
        ihdr.extend([8, 2, 0, 0, 0]);
        let crc = crc32(&ihdr);
        png.extend(13u32.to_be_bytes());
        png.extend(&ihdr);
        png.extend(crc.to_be_bytes());
        png.extend(b"\0\0\0\0IDAT\x35\xaf\x06\x1e");
        png.extend(b"\0\0\0\0IEND\xae\x42\x60\x82");
        assert_eq!(
            probe(&png),
            Err(Unusable::TooLarge {
                width: 50_000,
                height: 50_000
            })
        );
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = flate2::Crc::new();
        crc.update(data);
        crc.sum()
    }
}
