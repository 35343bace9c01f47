//! Real picture files for fixture sites, made in the test: photographs with
//! camera metadata (EXIF with a GPS position, XMP), transparent graphics,
//! GIFs, and the files a newsroom receives by mistake.
#![allow(dead_code)]

use std::io::Cursor;

use image::{ImageDecoder, ImageReader, RgbImage, RgbaImage};

/// Text hidden in every piece of metadata the helpers write: no published
/// file may contain it.
pub const SECRET: &str = "SECRET-CAMERA-7734";

/// A quick picture with soft shapes and some texture, for tests that need
/// a picture but not a photograph's statistics.
pub fn photo(width: u32, height: u32, seed: u32) -> RgbImage {
    let (w, h) = (width as f32, height as f32);
    RgbImage::from_fn(width, height, |x, y| {
        let (u, v) = (x as f32 / w, y as f32 / h);
        let wave = ((u * 9.0 + seed as f32).sin() * (v * 7.0).cos() + 1.0) * 0.5;
        let texture = ((x / 3 + y / 5) % 7) as f32 * 4.0;
        let base = |k: f32| (k * 140.0 * (1.0 - v) + 80.0 * wave + texture).clamp(0.0, 255.0) as u8;
        image::Rgb([base(1.0), base(0.85), base(0.7)])
    })
}

/// A picture with a photograph's statistics, so that it compresses as one
/// does: value noise summed over octaves (the spectrum of natural scenes),
/// hard-edged blocks (buildings), strong fine texture in the lower part
/// (foliage, brick, crowds) and sensor grain. At 4,000 × 3,000 it is a
/// 2.7 MB JPEG at quality 90.
pub fn photograph(width: u32, height: u32, seed: u32) -> RgbImage {
    let hash = |x: u32, y: u32, o: u32| {
        let mut v = x.wrapping_mul(374_761_393)
            ^ y.wrapping_mul(668_265_263)
            ^ seed.wrapping_add(o).wrapping_mul(2_246_822_519);
        v = (v ^ (v >> 13)).wrapping_mul(1_274_126_177);
        v ^ (v >> 16)
    };
    let octaves: Vec<u32> = (0..9)
        .map(|o| (width / 3) >> o)
        .filter(|c| *c >= 2)
        .collect();
    let columns = (width / 24).max(1);
    RgbImage::from_fn(width, height, |x, y| {
        let (mut c, mut amp, mut total) = ([0f32; 3], 1.0f32, 0.0f32);
        for (o, &cell) in octaves.iter().enumerate() {
            let (fx, fy) = (x as f32 / cell as f32, y as f32 / cell as f32);
            let (ix, iy) = (fx as u32, fy as u32);
            let (tx, ty) = (fx - ix as f32, fy - iy as f32);
            let (tx, ty) = (tx * tx * (3.0 - 2.0 * tx), ty * ty * (3.0 - 2.0 * ty));
            for (k, channel) in c.iter_mut().enumerate() {
                let g = |a: u32, b: u32| {
                    (hash(a, b, o as u32 * 3 + k as u32) & 0xFFFF) as f32 / 65535.0
                };
                *channel += amp
                    * (g(ix, iy) * (1.0 - tx) * (1.0 - ty)
                        + g(ix + 1, iy) * tx * (1.0 - ty)
                        + g(ix, iy + 1) * (1.0 - tx) * ty
                        + g(ix + 1, iy + 1) * tx * ty);
            }
            total += amp;
            amp *= 0.75;
        }
        let roof = height / 2 + hash(x / columns, 0, 99) % (height / 3).max(1);
        let below = y > roof;
        let shade = if below {
            0.6 + (hash(x / columns, 1, 98) % 40) as f32 / 100.0
        } else {
            1.0
        };
        let cell = 3 + hash(x / 300, y / 300, 55) % 4;
        let texture = if below {
            ((hash(x / cell, y / cell, 66) % 90) as f32 - 45.0) * 0.7
        } else {
            0.0
        };
        let grain = (hash(x, y, 77) % 7) as f32 - 3.0;
        let px =
            |k: usize| ((c[k] / total * 255.0) * shade + grain + texture).clamp(0.0, 255.0) as u8;
        image::Rgb([px(0), px(1), px(2)])
    })
}

pub fn jpeg(image: &RgbImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(image)
        .expect("encodes");
    out
}

/// A photograph as a camera writes it: `orientation` (EXIF 1 to 8), the
/// camera's make and a GPS position in EXIF, a credit in XMP, a comment.
pub fn camera_jpeg(width: u32, height: u32, orientation: u16) -> Vec<u8> {
    with_camera_metadata(&jpeg(&photo(width, height, 3), 90), orientation)
}

/// A JPEG with a camera's metadata added after its first marker.
pub fn with_camera_metadata(plain: &[u8], orientation: u16) -> Vec<u8> {
    let mut out = plain[..2].to_vec();
    out.extend(segment(0xE1, &exif(orientation)));
    let xmp = format!(
        "http://ns.adobe.com/xap/1.0/\0<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description xmlns:exif=\"http://ns.adobe.com/exif/1.0/\" exif:GPSLatitude=\"36,20.0N\" exif:Model=\"{SECRET}\"/></rdf:RDF></x:xmpmeta>"
    );
    out.extend(segment(0xE1, xmp.as_bytes()));
    out.extend(segment(0xFE, SECRET.as_bytes()));
    out.extend_from_slice(&plain[2..]);
    out
}

fn segment(marker: u8, data: &[u8]) -> Vec<u8> {
    let mut s = vec![0xFF, marker];
    s.extend(((data.len() + 2) as u16).to_be_bytes());
    s.extend_from_slice(data);
    s
}

/// EXIF (little-endian TIFF): Make, Orientation and a GPS position.
pub fn exif(orientation: u16) -> Vec<u8> {
    let make = format!("{SECRET}\0");
    let ifd0 = 8u32;
    let ifd0_len = 2 + 3 * 12 + 4;
    let make_at = ifd0 + ifd0_len;
    let gps_at = make_at + make.len() as u32 + (make.len() as u32 & 1);
    let gps_len = 2 + 2 * 12 + 4;
    let rationals_at = gps_at + gps_len;
    let mut t = b"II\x2a\x00".to_vec();
    t.extend(ifd0.to_le_bytes());
    let entry = |t: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: u32| {
        t.extend(tag.to_le_bytes());
        t.extend(kind.to_le_bytes());
        t.extend(count.to_le_bytes());
        t.extend(value.to_le_bytes());
    };
    t.extend(3u16.to_le_bytes());
    entry(&mut t, 0x010F, 2, make.len() as u32, make_at);
    entry(&mut t, 0x0112, 3, 1, u32::from(orientation));
    entry(&mut t, 0x8825, 4, 1, gps_at);
    t.extend(0u32.to_le_bytes());
    t.extend(make.as_bytes());
    if make.len() % 2 == 1 {
        t.push(0);
    }
    t.extend(2u16.to_le_bytes());
    entry(&mut t, 0x0001, 2, 2, u32::from_le_bytes(*b"N\0\0\0"));
    entry(&mut t, 0x0002, 5, 3, rationals_at);
    t.extend(0u32.to_le_bytes());
    for (n, d) in [(36u32, 1u32), (20, 1), (0, 1)] {
        t.extend(n.to_le_bytes());
        t.extend(d.to_le_bytes());
    }
    let mut chunk = b"Exif\0\0".to_vec();
    chunk.extend(t);
    chunk
}

/// A transparent graphic (a map, a chart) as PNG, with text metadata.
pub fn png_with_alpha(width: u32, height: u32) -> Vec<u8> {
    let image = RgbaImage::from_fn(width, height, |x, y| {
        let inside = (x / 40 + y / 40) % 2 == 0;
        image::Rgba([
            200,
            (x % 256) as u8,
            (y % 256) as u8,
            if inside { 255 } else { 0 },
        ])
    });
    let mut png = Vec::new();
    image
        .write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("encodes");
    // A tEXt chunk after IHDR: "Author" and the secret.
    let mut text = b"Author\0".to_vec();
    text.extend(SECRET.as_bytes());
    let mut chunk = (text.len() as u32).to_be_bytes().to_vec();
    chunk.extend(b"tEXt");
    chunk.extend(&text);
    chunk.extend(crc32(&[b"tEXt".as_slice(), &text].concat()).to_be_bytes());
    let ihdr_end = 8 + 8 + 13 + 4;
    png.splice(ihdr_end..ihdr_end, chunk);
    png
}

/// A two-frame 1 × 1 GIF, looping, with a comment.
pub fn gif() -> Vec<u8> {
    let mut g = b"GIF89a".to_vec();
    g.extend([1, 0, 1, 0, 0x80, 0, 0]);
    g.extend([0, 0, 0, 255, 255, 255]);
    g.extend(b"\x21\xFF\x0BNETSCAPE2.0\x03\x01\x00\x00\x00");
    g.extend(b"\x21\xFE");
    g.push(SECRET.len() as u8);
    g.extend(SECRET.as_bytes());
    g.push(0);
    for _ in 0..2 {
        g.extend(b"\x21\xF9\x04\x00\x0A\x00\x00\x00");
        g.extend(b"\x2C\x00\x00\x00\x00\x01\x00\x01\x00\x00");
        g.extend(b"\x02\x02\x44\x01\x00");
    }
    g.push(0x3B);
    g
}

/// A HEIC file's beginning, as an iPhone writes it.
pub fn heic() -> Vec<u8> {
    let mut h = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic".to_vec();
    h.extend([0u8; 200]);
    h
}

/// A PNG whose header claims 50,000 × 50,000 pixels: a few bytes that
/// would decode to 7.5 GB.
pub fn png_bomb() -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend(50_000u32.to_be_bytes());
    ihdr.extend(50_000u32.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    png.extend(13u32.to_be_bytes());
    png.extend(&ihdr);
    png.extend(crc32(&ihdr).to_be_bytes());
    let idat = b"IDAT\x78\x9c\x63\x00\x00\x00\x01\x00\x01";
    png.extend(((idat.len() - 4) as u32).to_be_bytes());
    png.extend(idat);
    png.extend(crc32(idat).to_be_bytes());
    png.extend(b"\0\0\0\0IEND\xae\x42\x60\x82");
    png
}

/// A real JPEG whose frame header is changed to claim 50,000 × 50,000.
pub fn jpeg_bomb() -> Vec<u8> {
    let mut bytes = jpeg(&photo(64, 48, 1), 80);
    let sof = bytes
        .windows(2)
        .position(|w| w == [0xFF, 0xC0])
        .expect("a baseline frame header");
    bytes[sof + 5..sof + 7].copy_from_slice(&50_000u16.to_be_bytes());
    bytes[sof + 7..sof + 9].copy_from_slice(&50_000u16.to_be_bytes());
    bytes
}

/// The CRC-32 a PNG chunk ends with.
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = flate2::Crc::new();
    crc.update(data);
    crc.sum()
}

/// A published picture file, decoded.
#[derive(Debug)]
pub struct Decoded {
    pub format: image::ImageFormat,
    pub width: u32,
    pub height: u32,
    /// EXIF the decoder finds.
    pub exif: bool,
    /// XMP the decoder finds.
    pub xmp: bool,
}

pub fn decode(bytes: &[u8]) -> Decoded {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .expect("readable");
    let format = reader.format().expect("a known format");
    let mut decoder = reader.into_decoder().expect("decodes");
    let (width, height) = decoder.dimensions();
    let exif = decoder.exif_metadata().ok().flatten().is_some();
    let xmp = decoder.xmp_metadata().ok().flatten().is_some();
    // The pixels decode too.
    image::load_from_memory(bytes).expect("the pixels decode");
    Decoded {
        format,
        width,
        height,
        exif,
        xmp,
    }
}
