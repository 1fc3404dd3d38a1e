//! Responsive images: a photo next to its page is published with smaller copies, and its
//! `<img>` tells the browser about them, so a phone does not fetch the 3000 px original.

mod common;
use common::*;

use std::fs;

/// A 3000 x 2000 photo-like picture (smooth light and shade, a little grain), as JPEG.
fn photo() -> Vec<u8> {
    let img = image::RgbImage::from_fn(3000, 2000, |x, y| {
        let grain = ((x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503)) >> 13) % 9;
        image::Rgb([
            (60 + x / 20 + grain) as u8,
            (90 + y / 15 + grain) as u8,
            (140 + (x + y) / 60) as u8,
        ])
    });
    let mut out = vec![];
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 92)
        .encode_image(&img)
        .unwrap();
    out
}

#[test]
fn a_photo_is_published_with_copies_a_phone_takes_instead() {
    let dir = site(&[
        ("content/_index.md", "---\ntitle: Hjem\n---\n"),
        (
            "content/nas/tegn/index.md",
            "---\ntitle: Tegn\n---\n![Et barn som sover](foto.jpg)\n\nTekst.\n\n![Det samme barnet](foto.jpg)\n\n![Fra et annet sted](https://example.org/x.jpg)\n",
        ),
    ]);
    write(dir.path(), "content/nas/tegn/foto.jpg", &photo());
    let out = dir.path().join("public");
    let r = build(dir.path(), &out, &["--no-search"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let page = fs::read_to_string(out.join("nas/tegn/index.html")).unwrap();
    // The first image loads at once, the next lazily; both carry their size and copies.
    let first = r#"<img src="/nas/tegn/foto-800w.jpg" srcset="/nas/tegn/foto-400w.jpg 400w, /nas/tegn/foto-800w.jpg 800w, /nas/tegn/foto-1200w.jpg 1200w, /nas/tegn/foto.jpg 3000w" sizes="(min-width: 50em) 46em, 100vw" width="3000" height="2000" alt="Et barn som sover" decoding="async">"#;
    assert!(page.contains(first), "{page}");
    assert!(
        page.contains(r#"alt="Det samme barnet" loading="lazy" decoding="async">"#),
        "{page}"
    );
    assert!(
        page.contains(r#"<img src="https://example.org/x.jpg" alt="Fra et annet sted" />"#),
        "{page}"
    );
    // What a 375 px phone at twice the density fetches: the 800 px copy, at most 100 KB.
    let original = fs::metadata(out.join("nas/tegn/foto.jpg")).unwrap().len();
    let phone = fs::metadata(out.join("nas/tegn/foto-800w.jpg"))
        .unwrap()
        .len();
    assert!(phone <= 100 * 1024, "the 800 px copy is {phone} bytes");
    assert!(phone * 4 < original, "{phone} against {original}");
    let copy = image::open(out.join("nas/tegn/foto-800w.jpg")).unwrap();
    assert_eq!((copy.width(), copy.height()), (800, 533));
    // A photo's lossless WebP is heavier than its JPEG copy, so none is offered.
    assert!(!page.contains("image/webp"), "{page}");

    // The second build encodes nothing: the copies come from the cache as they were.
    let cache = dir.path().join(".varde-cache/images");
    let stamps = |d: &std::path::Path| -> Vec<(String, std::time::SystemTime)> {
        let mut v: Vec<_> = fs::read_dir(d)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (
                    e.file_name().to_string_lossy().into_owned(),
                    e.metadata().unwrap().modified().unwrap(),
                )
            })
            .collect();
        v.sort();
        v
    };
    let before = stamps(&cache);
    assert_eq!(
        before.len(),
        6,
        "three widths, JPEG and WebP each: {before:?}"
    );
    std::thread::sleep(std::time::Duration::from_millis(20));
    let r = build(dir.path(), &out, &["--no-search"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        stamps(&cache),
        before,
        "an unchanged image is not encoded again"
    );
    assert_eq!(
        fs::read_to_string(out.join("nas/tegn/index.html")).unwrap(),
        page
    );
}

#[test]
fn a_drawing_gets_a_webp_copy_when_it_is_smaller_and_a_huge_file_a_warning() {
    // Flat colours, as a diagram: lossless WebP beats PNG.
    let img = image::RgbImage::from_fn(1600, 900, |x, y| {
        if (x / 200 + y / 150) % 2 == 0 {
            image::Rgb([30, 80, 160])
        } else {
            image::Rgb([250, 250, 250])
        }
    });
    let mut png = vec![];
    img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let dir = site(&[(
        "content/_index.md",
        "---\ntitle: Hjem\n---\n![Et kart over tilbudene](kart.png)\n",
    )]);
    write(dir.path(), "content/kart.png", &png);
    // A 4 MB original (random bytes after a valid PNG are ignored by decoders).
    let mut big = photo();
    big.resize(4 * 1024 * 1024, 0);
    write(dir.path(), "content/stor.jpg", &big);
    write(
        dir.path(),
        "content/side.md",
        b"---\ntitle: Side\n---\n![Et stort bilde](stor.jpg)\n",
    );
    let out = dir.path().join("public");
    let r = build(dir.path(), &out, &["--no-search"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let home = fs::read_to_string(out.join("index.html")).unwrap();
    assert!(
        home.contains(r#"<picture><source type="image/webp" srcset="/kart-400w.webp 400w, /kart-800w.webp 800w, /kart-1200w.webp 1200w""#),
        "{home}"
    );
    assert!(home.contains(r#"srcset="/kart-400w.png 400w, /kart-800w.png 800w, /kart-1200w.png 1200w, /kart.png 1600w""#), "{home}");
    assert!(out.join("kart-800w.webp").is_file());
    assert!(
        r.stderr
            .contains("warning: content/stor.jpg: the image is 4.0 MB; phones get a smaller copy"),
        "{}",
        r.stderr
    );
}
