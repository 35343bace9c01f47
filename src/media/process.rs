//! A picture's published files, made from its bytes: decoded once, the
//! EXIF orientation applied, resized (never enlarged) to each width, and
//! encoded as lossy WebP and in the source's own format; the original with
//! its metadata removed.

use fast_image_resize as fir;
use image::{DynamicImage, ExtendedColorType, ImageEncoder, RgbImage, RgbaImage};
use serde::{Deserialize, Serialize};

use crate::media::source::{self, Probe, Unusable};
use crate::media::strip::{self, Format};

/// How a published version is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Encoding {
    WebP,
    Jpeg,
    Png,
}

impl Encoding {
    pub fn extension(self) -> &'static str {
        match self {
            Encoding::WebP => "webp",
            Encoding::Jpeg => "jpg",
            Encoding::Png => "png",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Encoding::WebP => "image/webp",
            Encoding::Jpeg => "image/jpeg",
            Encoding::Png => "image/png",
        }
    }

    /// What browsers without WebP get, and what is shared (`og:image`):
    /// the source's own format; a WebP's as JPEG, or PNG if transparent.
    pub fn fallback(probe: &Probe) -> Encoding {
        match probe.format {
            Format::Png => Encoding::Png,
            Format::WebP if probe.alpha => Encoding::Png,
            _ => Encoding::Jpeg,
        }
    }
}

/// One file published for a picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Kind {
    /// The file at its own address, without metadata.
    Original,
    /// Resized to `width` × `height`, as shown (orientation applied).
    Sized {
        width: u32,
        height: u32,
        encoding: Encoding,
    },
}

/// How pictures are encoded; part of every picture's cache key.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Encoder {
    /// Lossy quality, 1 to 100.
    pub quality: u8,
    /// Publish originals as they came, metadata included.
    pub keep_metadata: bool,
}

/// Originals that must be re-encoded (to turn them upright) get this
/// quality: close to the source, since it is the full-size file.
const ORIGINAL_QUALITY: u8 = 92;

/// The bytes of each of `kinds`, in order.
pub fn render(
    bytes: &[u8],
    probe: &Probe,
    kinds: &[Kind],
    encoder: &Encoder,
) -> Result<Vec<Vec<u8>>, Unusable> {
    let upright = probe.orientation == 1;
    let needs_pixels = kinds.iter().any(|k| match k {
        Kind::Original => !upright && !encoder.keep_metadata,
        Kind::Sized { .. } => true,
    });
    let pixels = if needs_pixels {
        Some(decode(bytes, probe)?)
    } else {
        None
    };
    // Largest first: each size is made from the one before, not from the
    // full picture again.
    let mut order: Vec<usize> = (0..kinds.len()).collect();
    order.sort_by_key(|&i| match kinds[i] {
        Kind::Original => (0, 0),
        Kind::Sized { width, .. } => (1, u32::MAX - width),
    });
    let mut out: Vec<Option<Vec<u8>>> = vec![None; kinds.len()];
    let mut previous: Option<Pixels> = None;
    for i in order {
        out[i] = Some(match kinds[i] {
            Kind::Original if encoder.keep_metadata => bytes.to_vec(),
            Kind::Original if upright || probe.format == Format::Gif => {
                strip::strip(bytes, probe.format).map_err(Unusable::Damaged)?
            }
            Kind::Original => {
                let full = pixels.as_ref().expect("decoded").upright(probe.orientation);
                let encoding = match probe.format {
                    Format::Png => Encoding::Png,
                    Format::WebP => Encoding::WebP,
                    _ => Encoding::Jpeg,
                };
                encode(&full, encoding, ORIGINAL_QUALITY)?
            }
            Kind::Sized {
                width,
                height,
                encoding,
            } => {
                // Resized before it is turned: fewer pixels to turn.
                let (w, h) = if sides_swap(probe.orientation) {
                    (height, width)
                } else {
                    (width, height)
                };
                let from = match &previous {
                    Some(p) if p.width >= w && p.height >= h => p,
                    _ => pixels.as_ref().expect("decoded"),
                };
                let resized = if (from.width, from.height) == (w, h) {
                    from.clone()
                } else {
                    from.resize(w, h)?
                };
                let bytes = encode(
                    &resized.upright(probe.orientation),
                    encoding,
                    quality(encoder, probe),
                )?;
                previous = Some(resized);
                bytes
            }
        });
    }
    Ok(out
        .into_iter()
        .map(|o| o.expect("every kind rendered"))
        .collect())
}

/// Graphics (PNG) keep their edges sharper at a higher quality.
fn quality(encoder: &Encoder, probe: &Probe) -> u8 {
    match probe.format {
        Format::Png => encoder.quality.max(90),
        _ => encoder.quality,
    }
}

fn sides_swap(orientation: u8) -> bool {
    (5..=8).contains(&orientation)
}

/// Decoded pixels, 8 bits a channel: RGB, or RGBA when transparent.
#[derive(Clone)]
struct Pixels {
    width: u32,
    height: u32,
    alpha: bool,
    data: Vec<u8>,
}

fn decode(bytes: &[u8], probe: &Probe) -> Result<Pixels, Unusable> {
    let decoder = source::decoder(bytes, probe.format)?;
    let image =
        DynamicImage::from_decoder(decoder).map_err(|e| Unusable::Damaged(source::reason(&e)))?;
    let (width, height) = (image.width(), image.height());
    let (alpha, data) = if image.color().has_alpha() {
        (true, image.into_rgba8().into_raw())
    } else {
        (false, image.into_rgb8().into_raw())
    };
    Ok(Pixels {
        width,
        height,
        alpha,
        data,
    })
}

impl Pixels {
    fn pixel_type(&self) -> fir::PixelType {
        if self.alpha {
            fir::PixelType::U8x4
        } else {
            fir::PixelType::U8x3
        }
    }

    fn resize(&self, width: u32, height: u32) -> Result<Pixels, Unusable> {
        let failed =
            |e: &dyn std::fmt::Display| Unusable::Damaged(format!("it could not be resized: {e}"));
        let source =
            fir::images::ImageRef::new(self.width, self.height, &self.data, self.pixel_type())
                .map_err(|e| failed(&e))?;
        let mut target = fir::images::Image::new(width, height, self.pixel_type());
        let options = fir::ResizeOptions::new()
            .resize_alg(fir::ResizeAlg::Convolution(fir::FilterType::Lanczos3));
        fir::Resizer::new()
            .resize(&source, &mut target, &options)
            .map_err(|e| failed(&e))?;
        Ok(Pixels {
            width,
            height,
            alpha: self.alpha,
            data: target.into_vec(),
        })
    }

    /// The pixels turned as the EXIF orientation says.
    fn upright(&self, orientation: u8) -> Pixels {
        if orientation == 1 {
            return self.clone();
        }
        let mut image = if self.alpha {
            DynamicImage::ImageRgba8(
                RgbaImage::from_raw(self.width, self.height, self.data.clone()).expect("sized"),
            )
        } else {
            DynamicImage::ImageRgb8(
                RgbImage::from_raw(self.width, self.height, self.data.clone()).expect("sized"),
            )
        };
        image.apply_orientation(source::orientation(orientation));
        Pixels {
            width: image.width(),
            height: image.height(),
            alpha: self.alpha,
            data: image.into_bytes(),
        }
    }
}

fn encode(pixels: &Pixels, encoding: Encoding, quality: u8) -> Result<Vec<u8>, Unusable> {
    let color = if pixels.alpha {
        ExtendedColorType::Rgba8
    } else {
        ExtendedColorType::Rgb8
    };
    let failed = |what: String| Unusable::Damaged(format!("it could not be encoded: {what}"));
    let (w, h) = (pixels.width, pixels.height);
    let mut out = Vec::new();
    match encoding {
        Encoding::WebP => {
            let encoder = if pixels.alpha {
                webp::Encoder::from_rgba(&pixels.data, w, h)
            } else {
                webp::Encoder::from_rgb(&pixels.data, w, h)
            };
            let mut config = webp::WebPConfig::new().map_err(|()| failed("libwebp".into()))?;
            config.quality = f32::from(quality);
            config.method = 4;
            let memory = encoder
                .encode_advanced(&config)
                .map_err(|e| failed(format!("{e:?}")))?;
            out.extend_from_slice(&memory);
        }
        Encoding::Jpeg => {
            let rgb = if pixels.alpha {
                // JPEG has no transparency: flatten onto white.
                flatten(&pixels.data)
            } else {
                pixels.data.clone()
            };
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
                .write_image(&rgb, w, h, ExtendedColorType::Rgb8)
                .map_err(|e| failed(e.to_string()))?;
        }
        Encoding::Png => {
            image::codecs::png::PngEncoder::new_with_quality(
                &mut out,
                image::codecs::png::CompressionType::Default,
                image::codecs::png::FilterType::Adaptive,
            )
            .write_image(&pixels.data, w, h, color)
            .map_err(|e| failed(e.to_string()))?;
        }
    }
    Ok(out)
}

fn flatten(rgba: &[u8]) -> Vec<u8> {
    rgba.chunks_exact(4)
        .flat_map(|p| {
            let a = u16::from(p[3]);
            let over = |c: u8| ((u16::from(c) * a + 255 * (255 - a)) / 255) as u8;
            [over(p[0]), over(p[1]), over(p[2])]
        })
        .collect()
}
