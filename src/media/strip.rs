//! Original picture files with their metadata removed, losslessly.
//!
//! A camera writes where and when a photograph was taken (EXIF, GPS), and
//! editing tools add more (XMP, IPTC, comments); a phone may append a depth
//! map or a video after the picture itself. None of it is published unless
//! the site opts in: each format is read segment by segment, and only what
//! the picture needs to be shown is copied (the image data, its colour
//! profile, and for GIF its animation). Reading the structure also finds
//! files that are cut short or are not what their name says, before
//! anything is decoded.

use std::ops::Range;

/// The picture formats digest publishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Format {
    Jpeg,
    Png,
    WebP,
    Gif,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Jpeg => "JPEG",
            Format::Png => "PNG",
            Format::WebP => "WebP",
            Format::Gif => "GIF",
        }
    }
}

/// Why a file's structure cannot be read.
pub type Damage = String;

/// A picture's bytes without metadata. `bytes` must be of `format`.
pub fn strip(bytes: &[u8], format: Format) -> Result<Vec<u8>, Damage> {
    let kept = parts(bytes, format)?;
    let mut out = Vec::with_capacity(kept.iter().map(|r| r.len()).sum());
    for range in kept {
        out.extend_from_slice(&bytes[range]);
    }
    if format == Format::WebP {
        fix_riff(&mut out);
    }
    Ok(out)
}

/// Checks that the file is whole: every segment where it should be, up to
/// the end of the picture.
pub fn check(bytes: &[u8], format: Format) -> Result<(), Damage> {
    parts(bytes, format).map(|_| ())
}

/// The logical screen size of a GIF, from its header.
pub fn gif_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let w = u16::from_le_bytes([*bytes.get(6)?, *bytes.get(7)?]);
    let h = u16::from_le_bytes([*bytes.get(8)?, *bytes.get(9)?]);
    Some((u32::from(w), u32::from(h)))
}

/// The byte ranges of `bytes` to keep.
fn parts(bytes: &[u8], format: Format) -> Result<Vec<Range<usize>>, Damage> {
    match format {
        Format::Jpeg => jpeg(bytes),
        Format::Png => png(bytes),
        Format::WebP => webp(bytes),
        Format::Gif => gif(bytes),
    }
}

const CUT_SHORT: &str =
    "the file ends before the picture does (it was cut short while copied or uploaded)";

fn jpeg(b: &[u8]) -> Result<Vec<Range<usize>>, Damage> {
    if !b.starts_with(&[0xFF, 0xD8]) {
        return Err("it does not start as a JPEG file does".into());
    }
    let mut kept = header(2);
    let mut i = 2;
    loop {
        // Bytes between segments that are not a marker are skipped, as
        // decoders do.
        while i < b.len() && b[i] != 0xFF {
            i += 1;
        }
        while i < b.len() && b[i] == 0xFF {
            i += 1;
        }
        let Some(&marker) = b.get(i) else {
            return Err(CUT_SHORT.into());
        };
        let start = i - 1;
        i += 1;
        match marker {
            // The end of the image: what follows (a phone's second picture,
            // a video, maker notes) is left out.
            0xD9 => {
                kept.push(start..i);
                return Ok(kept);
            }
            0x01 | 0xD0..=0xD7 => kept.push(start..i),
            _ => {
                let len = usize::from(u16::from_be_bytes([
                    *b.get(i).ok_or(CUT_SHORT)?,
                    *b.get(i + 1).ok_or(CUT_SHORT)?,
                ]));
                if len < 2 {
                    return Err(format!(
                        "a segment at byte {start} has an impossible length"
                    ));
                }
                let end = i + len;
                if end > b.len() {
                    return Err(CUT_SHORT.into());
                }
                let data = &b[i + 2..end];
                let keep = match marker {
                    0xE0 => true,                               // JFIF
                    0xE2 => data.starts_with(b"ICC_PROFILE\0"), // the colour profile, not MPF
                    0xEE => data.starts_with(b"Adobe"),         // colour transform
                    0xE1 | 0xE3..=0xED | 0xEF | 0xFE => false,  // EXIF, XMP, IPTC, comments
                    _ => true,
                };
                if keep {
                    kept.push(start..end);
                }
                i = end;
                if marker == 0xDA {
                    // The scan's entropy-coded data runs to the next marker
                    // that is not a stuffed byte or a restart.
                    let scan = i;
                    loop {
                        let Some(at) = memchr::memchr(0xFF, &b[i..]) else {
                            return Err(CUT_SHORT.into());
                        };
                        i += at + 1;
                        match b.get(i) {
                            None => return Err(CUT_SHORT.into()),
                            Some(0x00 | 0xD0..=0xD7) => i += 1,
                            Some(_) => {
                                i -= 1;
                                break;
                            }
                        }
                    }
                    kept.push(scan..i);
                }
            }
        }
    }
}

fn png(b: &[u8]) -> Result<Vec<Range<usize>>, Damage> {
    const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
    if !b.starts_with(SIGNATURE) {
        return Err("it does not start as a PNG file does".into());
    }
    let mut kept = header(SIGNATURE.len());
    let mut i = SIGNATURE.len();
    loop {
        let header = b.get(i..i + 8).ok_or(CUT_SHORT)?;
        let len = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
        let kind = &header[4..8];
        let end = i
            .checked_add(12)
            .and_then(|n| n.checked_add(len))
            .filter(|&end| end <= b.len())
            .ok_or(CUT_SHORT)?;
        // Text (tEXt, zTXt, iTXt: XMP lives there), eXIf, tIME and any
        // other ancillary chunk go; critical chunks and colour stay.
        let critical = kind[0].is_ascii_uppercase();
        let keep = critical
            || matches!(
                kind,
                b"tRNS"
                    | b"cHRM"
                    | b"gAMA"
                    | b"iCCP"
                    | b"sBIT"
                    | b"sRGB"
                    | b"cICP"
                    | b"mDCv"
                    | b"cLLi"
                    | b"bKGD"
                    | b"pHYs"
                    | b"sPLT"
                    | b"hIST"
                    | b"acTL"
                    | b"fcTL"
                    | b"fdAT"
            );
        if keep {
            kept.push(i..end);
        }
        i = end;
        if kind == b"IEND" {
            return Ok(kept);
        }
    }
}

fn webp(b: &[u8]) -> Result<Vec<Range<usize>>, Damage> {
    if b.len() < 12 || &b[0..4] != b"RIFF" || &b[8..12] != b"WEBP" {
        return Err("it does not start as a WebP file does".into());
    }
    let size = u32::from_le_bytes([b[4], b[5], b[6], b[7]]) as usize;
    let end = size
        .checked_add(8)
        .filter(|&e| e <= b.len())
        .ok_or(CUT_SHORT)?;
    let mut kept = header(12);
    let mut i = 12;
    let mut image = false;
    while i < end {
        let header = b.get(i..i + 8).ok_or(CUT_SHORT)?;
        let len = u32::from_le_bytes([header[4], header[5], header[6], header[7]]) as usize;
        let chunk_end = (i + 8)
            .checked_add(len + (len & 1))
            .filter(|&e| e <= end)
            .ok_or(CUT_SHORT)?;
        let kind = &header[0..4];
        image |= matches!(kind, b"VP8 " | b"VP8L" | b"ANMF");
        if matches!(
            kind,
            b"VP8 " | b"VP8L" | b"VP8X" | b"ALPH" | b"ANIM" | b"ANMF" | b"ICCP"
        ) {
            kept.push(i..chunk_end);
        }
        i = chunk_end;
    }
    if !image {
        return Err("it holds no picture data".into());
    }
    Ok(kept)
}

/// After chunks were removed from a WebP: the RIFF size, and the flags of
/// the extended header that announce EXIF and XMP.
fn fix_riff(out: &mut [u8]) {
    let size = (out.len() - 8) as u32;
    out[4..8].copy_from_slice(&size.to_le_bytes());
    if out.get(12..16) == Some(&b"VP8X"[..]) && out.len() > 20 {
        out[20] &= !(0x08 | 0x04);
    }
}

fn gif(b: &[u8]) -> Result<Vec<Range<usize>>, Damage> {
    if !(b.starts_with(b"GIF87a") || b.starts_with(b"GIF89a")) || b.len() < 13 {
        return Err("it does not start as a GIF file does".into());
    }
    let table = |flags: u8| {
        if flags & 0x80 != 0 {
            3 << ((flags & 7) + 1)
        } else {
            0
        }
    };
    let mut i = 13 + table(b[10]);
    if i > b.len() {
        return Err(CUT_SHORT.into());
    }
    let mut kept = header(i);
    // Sub-blocks (a length byte, then data) up to an empty one: the end.
    let blocks = |mut i: usize| -> Result<usize, Damage> {
        loop {
            let len = usize::from(*b.get(i).ok_or(CUT_SHORT)?);
            i += 1 + len;
            if len == 0 {
                return Ok(i);
            }
            if i > b.len() {
                return Err(CUT_SHORT.into());
            }
        }
    };
    let mut frames = 0;
    loop {
        let start = i;
        match b.get(i).ok_or(CUT_SHORT)? {
            0x2C => {
                let descriptor = b.get(i + 1..i + 10).ok_or(CUT_SHORT)?;
                let data = i + 10 + table(descriptor[8]) + 1;
                i = blocks(data)?;
                kept.push(start..i);
                frames += 1;
            }
            0x21 => {
                let label = *b.get(i + 1).ok_or(CUT_SHORT)?;
                i = blocks(i + 2)?;
                let application = b.get(start + 3..start + 14);
                let keep = match label {
                    0xF9 | 0x01 => true, // frame timing, plain text
                    0xFF => matches!(application, Some(b"NETSCAPE2.0" | b"ANIMEXTS1.0")),
                    _ => false, // comments, XMP and other application data
                };
                if keep {
                    kept.push(start..i);
                }
            }
            0x3B => {
                if frames == 0 {
                    return Err("it holds no picture data".into());
                }
                kept.push(i..i + 1);
                return Ok(kept);
            }
            other => {
                return Err(format!(
                    "a block at byte {i} is of no kind GIF has (0x{other:02X})"
                ));
            }
        }
    }
}

/// The ranges of a file kept so far: its first `end` bytes, the header.
fn header(end: usize) -> Vec<std::ops::Range<usize>> {
    std::iter::once(0..end).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segment(marker: u8, data: &[u8]) -> Vec<u8> {
        let mut s = vec![0xFF, marker];
        s.extend_from_slice(&((data.len() + 2) as u16).to_be_bytes());
        s.extend_from_slice(data);
        s
    }

    #[test]
    fn jpeg_metadata_and_trailers_go_the_picture_stays() {
        let mut file = vec![0xFF, 0xD8];
        file.extend(segment(0xE0, b"JFIF\0rest"));
        file.extend(segment(0xE1, b"Exif\0\0GPS here"));
        file.extend(segment(0xE1, b"http://ns.adobe.com/xap/1.0/\0<x/>"));
        file.extend(segment(0xE2, b"ICC_PROFILE\0\x01\x01icc"));
        file.extend(segment(0xE2, b"MPF\0offsets"));
        file.extend(segment(0xED, b"Photoshop 3.0\0IPTC"));
        file.extend(segment(0xFE, b"a comment"));
        file.extend(segment(0xDB, b"tables"));
        file.extend(segment(0xDA, b"scan header"));
        file.extend([1, 2, 0xFF, 0x00, 3, 0xFF, 0xD3, 4]);
        file.extend([0xFF, 0xD9]);
        file.extend(b"\xFF\xD8 a second picture with its own Exif");
        let out = strip(&file, Format::Jpeg).unwrap();
        let text = String::from_utf8_lossy(&out);
        for gone in ["Exif", "GPS", "adobe", "MPF", "IPTC", "comment", "second"] {
            assert!(!text.contains(gone), "{gone} survived: {text}");
        }
        for kept in ["JFIF", "ICC_PROFILE", "tables", "scan header"] {
            assert!(text.contains(kept), "{kept} was lost");
        }
        assert!(out.ends_with(&[4, 0xFF, 0xD9]));
        assert!(
            out.windows(2).any(|w| w == [0xFF, 0xD3]),
            "restart markers stay"
        );
    }

    #[test]
    fn a_jpeg_cut_short_is_damaged() {
        let mut file = vec![0xFF, 0xD8];
        file.extend(segment(0xDA, b"scan"));
        file.extend([1, 2, 3]);
        assert_eq!(check(&file, Format::Jpeg).unwrap_err(), CUT_SHORT);
        assert!(check(b"\xFF\xD8\xFF\xE1\x00", Format::Jpeg).is_err());
        assert!(check(b"not a jpeg", Format::Jpeg).is_err());
    }

    fn chunk(kind: &[u8], data: &[u8]) -> Vec<u8> {
        let mut c = (data.len() as u32).to_be_bytes().to_vec();
        c.extend_from_slice(kind);
        c.extend_from_slice(data);
        c.extend_from_slice(&[0, 0, 0, 0]);
        c
    }

    #[test]
    fn png_text_and_exif_go() {
        let mut file = b"\x89PNG\r\n\x1a\n".to_vec();
        file.extend(chunk(b"IHDR", b"header"));
        file.extend(chunk(b"eXIf", b"exif"));
        file.extend(chunk(b"iTXt", b"XML:com.adobe.xmp"));
        file.extend(chunk(b"tEXt", b"Author"));
        file.extend(chunk(b"iCCP", b"profile"));
        file.extend(chunk(b"IDAT", b"pixels"));
        file.extend(chunk(b"IEND", b""));
        file.extend(b"trailing");
        let out = strip(&file, Format::Png).unwrap();
        let text = String::from_utf8_lossy(&out);
        for gone in ["exif", "xmp", "Author", "trailing"] {
            assert!(!text.contains(gone), "{gone} survived");
        }
        assert!(text.contains("profile") && text.contains("pixels"));
        assert!(check(&file[..file.len() - 20], Format::Png).is_err());
    }

    #[test]
    fn webp_exif_and_xmp_go_and_the_header_says_so() {
        let chunk = |kind: &[u8], data: &[u8]| {
            let mut c = kind.to_vec();
            c.extend_from_slice(&(data.len() as u32).to_le_bytes());
            c.extend_from_slice(data);
            if data.len() % 2 == 1 {
                c.push(0);
            }
            c
        };
        let mut body = b"WEBP".to_vec();
        body.extend(chunk(b"VP8X", &[0x0C, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
        body.extend(chunk(b"VP8 ", b"frame"));
        body.extend(chunk(b"EXIF", b"gps"));
        body.extend(chunk(b"XMP ", b"xmp"));
        let mut file = b"RIFF".to_vec();
        file.extend((body.len() as u32).to_le_bytes());
        file.extend(body);
        let out = strip(&file, Format::WebP).unwrap();
        assert_eq!(
            u32::from_le_bytes(out[4..8].try_into().unwrap()) as usize,
            out.len() - 8
        );
        assert_eq!(out[20] & 0x0C, 0);
        assert!(!String::from_utf8_lossy(&out).contains("gps"));
    }

    #[test]
    fn gif_comments_go_animation_stays() {
        let mut file = b"GIF89a".to_vec();
        file.extend([2, 0, 1, 0, 0x80, 0, 0]);
        file.extend([0; 6]); // global colour table, 2 colours
        file.extend(b"\x21\xFF\x0BNETSCAPE2.0\x03\x01\x00\x00\x00");
        file.extend(b"\x21\xFE\x07comment\x00");
        file.extend(b"\x21\xFF\x0BXMP DataXMP\x03xmp\x00");
        file.extend(b"\x21\xF9\x04\x00\x0A\x00\x00\x00");
        file.extend(b"\x2C\x00\x00\x00\x00\x02\x00\x01\x00\x00\x02\x02\x44\x01\x00");
        file.push(0x3B);
        let out = strip(&file, Format::Gif).unwrap();
        let text = String::from_utf8_lossy(&out);
        assert!(text.contains("NETSCAPE2.0"));
        assert!(!text.contains("comment") && !text.contains("xmp"));
        assert_eq!(gif_size(&out), Some((2, 1)));
        assert!(check(&file[..file.len() - 3], Format::Gif).is_err());
    }
}
