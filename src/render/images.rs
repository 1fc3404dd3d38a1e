//! Responsive images: a JPEG or PNG in the text (a file next to its page) is published
//! with smaller copies, 400, 800 and 1 200 px wide, and its `<img>` gets `width`, `height`,
//! `srcset`, `sizes` and, after the first image of a page, `loading="lazy"`. A phone
//! 375 px wide at twice the density takes the 800 px copy instead of the original.
//!
//! The copies are made once: each is kept in `.varde-cache/images/` beside the site's
//! sources under a hash of the original's bytes, so an unchanged image is never encoded
//! again, by a build or by the preview. A WebP copy (the `image` crate writes it lossless)
//! is offered first only where it is smaller than the JPEG or PNG copy: for photos it rarely
//! is, and a heavier "modern" file would defeat the purpose.

use std::collections::HashMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use image::ImageReader;
use rayon::prelude::*;

use crate::content::markdown::Rendered;
use crate::content::source::{hash_bytes, hash_str};
use crate::content::{Asset, Site};
use crate::diagnostics::Diagnostic;

/// The widths of the copies (those narrower than the original).
const WIDTHS: [u32; 3] = [400, 800, 1200];
/// The column the text sits in, as `sizes` tells the browser.
const SIZES: &str = "(min-width: 50em) 46em, 100vw";
/// JPEG quality of the copies: a photo at 800 px stays well under 100 KB.
const QUALITY: u8 = 75;
/// An original larger than this gets a warning: it is still published as it is.
const LARGE: u64 = 3 * 1024 * 1024;
/// Where the copies are kept, under the site folder.
pub const CACHE_DIR: &str = ".varde-cache/images";

/// One original and its copies.
struct Made {
    width: u32,
    height: u32,
    /// (width, site path of the JPEG/PNG copy, site path of the WebP copy if smaller).
    copies: Vec<(u32, String, Option<String>)>,
    /// (cache file, site path) of every copy, to publish next to the original.
    files: Vec<(PathBuf, String)>,
}

/// Makes the copies of every image the text shows and rewrites the pages' `<img>`s.
pub fn responsive(site: &mut Site, root: &Path) -> Vec<Diagnostic> {
    // Raster files next to pages and sections, by site path.
    let mut sources: HashMap<String, PathBuf> = HashMap::new();
    let assets = site
        .pages
        .iter()
        .flat_map(|p| p.assets.iter())
        .chain(site.sections.iter().flat_map(|s| s.assets.iter()));
    let cache = root.join(CACHE_DIR);
    for a in assets {
        // Copies made by an earlier pass over this model (the preview's template path)
        // are not originals.
        if a.source.starts_with(&cache) {
            continue;
        }
        let lower = a.path.to_ascii_lowercase();
        if lower.ends_with(".jpg") || lower.ends_with(".jpeg") || lower.ends_with(".png") {
            sources.insert(a.path.clone(), a.source.clone());
        }
    }
    if sources.is_empty() {
        return vec![];
    }
    let base = site.config.base_path.clone();
    // The images each page shows, as site paths.
    let shown = |html: &str, page_path: &str| -> Vec<String> {
        img_tags(html)
            .filter_map(|(_, _, src)| site_path(&src, page_path, &base))
            .filter(|p| sources.contains_key(p))
            .collect()
    };
    let mut wanted: Vec<String> = site
        .pages
        .iter()
        .flat_map(|p| shown(&p.content.html, &p.path))
        .chain(
            site.sections
                .iter()
                .flat_map(|s| shown(&s.content.html, &s.path)),
        )
        .collect();
    wanted.sort();
    wanted.dedup();
    if wanted.is_empty() {
        return vec![];
    }
    let results: Vec<(String, Result<Made, String>, u64)> = wanted
        .par_iter()
        .map(|path| {
            let source = &sources[path];
            let size = std::fs::metadata(source).map_or(0, |m| m.len());
            (path.clone(), make(source, path, &cache), size)
        })
        .collect();
    let mut diags = vec![];
    let mut made: HashMap<String, Made> = HashMap::new();
    for (path, r, size) in results {
        let source = &sources[&path];
        let rel = source.strip_prefix(root).unwrap_or(source).to_path_buf();
        match r {
            Ok(m) => {
                if size > LARGE {
                    diags.push(
                        Diagnostic::warning(format!(
                            "the image is {:.1} MB; phones get a smaller copy, but the original is published too",
                            size as f64 / 1_048_576.0
                        ))
                        .in_file(&rel)
                        .hint("save it at most 2 400 px wide, as JPEG at quality 80, before putting it on the site"),
                    );
                }
                made.insert(path, m);
            }
            Err(why) => diags.push(
                Diagnostic::warning(format!("no smaller copies of the image: {why}"))
                    .in_file(&rel)
                    .hint("the original is published as it is; check that the file is a whole JPEG or PNG"),
            ),
        }
    }
    // Publish the copies next to their original, and rewrite the `<img>`s.
    for page in &mut site.pages {
        add_copies(&mut page.assets, &made);
        if let Some(r) = rewrite(&page.content, &page.path, &base, &made) {
            page.content = Arc::new(r);
        }
    }
    for sec in &mut site.sections {
        add_copies(&mut sec.assets, &made);
        if let Some(r) = rewrite(&sec.content, &sec.path, &base, &made) {
            sec.content = Arc::new(r);
        }
    }
    diags
}

fn add_copies(assets: &mut Vec<Asset>, made: &HashMap<String, Made>) {
    let extra: Vec<Asset> = assets
        .iter()
        .filter_map(|a| made.get(&a.path))
        .flat_map(|m| m.files.iter())
        .map(|(source, path)| Asset {
            source: source.clone(),
            path: path.clone(),
        })
        .collect();
    assets.extend(extra);
}

/// The copies of one original, from the cache when they are there.
fn make(source: &Path, path: &str, cache: &Path) -> Result<Made, String> {
    let bytes = std::fs::read(source).map_err(|e| e.to_string())?;
    let key = format!("{:016x}", hash_bytes(&bytes));
    let reader = ImageReader::new(Cursor::new(&bytes))
        .with_guessed_format()
        .map_err(|e| e.to_string())?;
    let (width, height) = reader.into_dimensions().map_err(|e| e.to_string())?;
    let png = path.to_ascii_lowercase().ends_with(".png");
    let ext = if png { "png" } else { "jpg" };
    let (stem, _) = path.rsplit_once('.').unwrap_or((path, ""));
    let mut decoded: Option<image::DynamicImage> = None;
    let mut copies = vec![];
    let mut files = vec![];
    let mut webp_smaller = true;
    for w in WIDTHS.into_iter().filter(|&w| w < width) {
        let plain = cache.join(format!("{key}-{w}.{ext}"));
        let webp = cache.join(format!("{key}-{w}.webp"));
        if !plain.is_file() || !webp.is_file() {
            if decoded.is_none() {
                decoded = Some(image::load_from_memory(&bytes).map_err(|e| e.to_string())?);
            }
            let img = decoded
                .as_ref()
                .map(|d| d.resize(w, u32::MAX, image::imageops::FilterType::CatmullRom));
            let Some(img) = img else { continue };
            std::fs::create_dir_all(cache).map_err(|e| e.to_string())?;
            write_atomic(&plain, &encode(&img, png)?)?;
            let mut out = vec![];
            image::codecs::webp::WebPEncoder::new_lossless(&mut out)
                .encode(
                    img.to_rgba8().as_raw(),
                    img.width(),
                    img.height(),
                    image::ExtendedColorType::Rgba8,
                )
                .map_err(|e| e.to_string())?;
            write_atomic(&webp, &out)?;
        }
        let size = |p: &Path| std::fs::metadata(p).map_or(u64::MAX, |m| m.len());
        webp_smaller &= size(&webp) < size(&plain);
        let plain_path = format!("{stem}-{w}w.{ext}");
        let webp_path = format!("{stem}-{w}w.webp");
        files.push((plain, plain_path.clone()));
        copies.push((w, plain_path, Some((webp, webp_path))));
    }
    let copies = copies
        .into_iter()
        .map(|(w, plain, webp)| {
            let webp = webp.filter(|_| webp_smaller).map(|(file, path)| {
                files.push((file, path.clone()));
                path
            });
            (w, plain, webp)
        })
        .collect();
    Ok(Made {
        width,
        height,
        copies,
        files,
    })
}

fn encode(img: &image::DynamicImage, png: bool) -> Result<Vec<u8>, String> {
    let mut out = vec![];
    if png {
        img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
            .map_err(|e| e.to_string())?;
    } else {
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, QUALITY)
            .encode_image(&img.to_rgb8())
            .map_err(|e| e.to_string())?;
    }
    Ok(out)
}

/// Written whole or not at all, so a build stopped half-way leaves no broken copy.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, bytes).map_err(|e| e.to_string())?;
    std::fs::rename(&tmp, path).map_err(|e| e.to_string())
}

/// `<img src="…" alt="…" />` tags as pulldown-cmark writes them: (start, end, src).
fn img_tags(html: &str) -> impl Iterator<Item = (usize, usize, String)> + '_ {
    let mut at = 0;
    std::iter::from_fn(move || {
        let i = at + html[at..].find("<img src=\"")?;
        let end = i + html[i..].find('>')? + 1;
        at = end;
        // One of ours already (`srcset`): the preview themes its last model again.
        if html[i..end].contains(" srcset=") {
            return Some((i, end, String::new()));
        }
        let src_start = i + "<img src=\"".len();
        let src_end = src_start + html[src_start..].find('"')?;
        Some((i, end, crate::html::unescape(&html[src_start..src_end])))
    })
}

/// The site path an `src` names on a page at `page_path` (`foto.jpg` on `/nas/tegn/` is
/// `/nas/tegn/foto.jpg`); `None` for another site or a `data:` image.
fn site_path(src: &str, page_path: &str, base: &str) -> Option<String> {
    if src.contains(':') || src.starts_with("//") {
        return None;
    }
    let src = src.split(['?', '#']).next().unwrap_or(src);
    if let Some(rest) = src.strip_prefix(base).filter(|_| src.starts_with('/')) {
        return Some(format!("/{rest}"));
    }
    if src.starts_with('/') {
        return Some(src.to_string());
    }
    crate::content::join_path(page_path, src).map(|p| format!("/{p}"))
}

/// The page's HTML with every image that has copies as a `<picture>`; `None` if unchanged.
fn rewrite(
    content: &Rendered,
    page_path: &str,
    base: &str,
    made: &HashMap<String, Made>,
) -> Option<Rendered> {
    let one = |html: &str, mut first: bool| -> Option<String> {
        let mut out = String::with_capacity(html.len());
        let mut last = 0;
        let mut changed = false;
        for (start, end, src) in img_tags(html) {
            let Some(m) = site_path(&src, page_path, base).and_then(|p| made.get(&p)) else {
                continue;
            };
            let tag = &html[start..end];
            let alt = tag
                .split_once(" alt=\"")
                .and_then(|(_, r)| r.split_once('"'))
                .map_or("", |(a, _)| a);
            let raw_src = tag["<img src=\"".len()..].split('"').next().unwrap_or("");
            // Copies sit next to the original: the same folder in the URL.
            let dir = raw_src.rfind('/').map_or("", |i| &raw_src[..=i]);
            let name = |p: &str| format!("{dir}{}", p.rsplit('/').next().unwrap_or(p));
            let mut plain: Vec<String> = m
                .copies
                .iter()
                .map(|(w, p, _)| format!("{} {w}w", name(p)))
                .collect();
            plain.push(format!("{raw_src} {}w", m.width));
            let middle = m
                .copies
                .iter()
                .find(|(w, _, _)| *w == 800)
                .or(m.copies.last())
                .map_or(raw_src.to_string(), |(_, p, _)| name(p));
            let lazy = if first { "" } else { " loading=\"lazy\"" };
            first = false;
            let img = format!(
                "<img src=\"{middle}\" srcset=\"{}\" sizes=\"{SIZES}\" width=\"{}\" height=\"{}\" alt=\"{alt}\"{lazy} decoding=\"async\">",
                plain.join(", "),
                m.width,
                m.height
            );
            let webp: Vec<String> = m
                .copies
                .iter()
                .filter_map(|(w, _, wp)| wp.as_ref().map(|p| format!("{} {w}w", name(p))))
                .collect();
            out.push_str(&html[last..start]);
            if webp.is_empty() {
                out.push_str(&img);
            } else {
                out.push_str(&format!(
                    "<picture><source type=\"image/webp\" srcset=\"{}\" sizes=\"{SIZES}\">{img}</picture>",
                    webp.join(", ")
                ));
            }
            last = end;
            changed = true;
        }
        changed.then(|| {
            out.push_str(&html[last..]);
            out
        })
    };
    let html = one(&content.html, true);
    let summary = one(&content.summary, false);
    if html.is_none() && summary.is_none() {
        return None;
    }
    let mut r = content.clone();
    if let Some(h) = html {
        r.html = h;
    }
    if let Some(s) = summary {
        r.summary = s;
    }
    r.hash = hash_str(&r.html) ^ hash_str(&r.summary).rotate_left(1);
    Some(r)
}
