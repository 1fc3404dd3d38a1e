//! What `varde check` needs to know about a page's Markdown, gathered while it is rendered:
//! image alt texts, heading levels, link texts, and the prose cut into sentences (for LIX
//! and long-sentence warnings). Offsets are byte offsets in the file, for diagnostics.

use pulldown_cmark::{Event, Tag, TagEnd};

#[derive(Debug, Clone, Default)]
pub struct Audit {
    pub images: Vec<Image>,
    pub headings: Vec<Heading>,
    pub links: Vec<LinkText>,
    pub sentences: Vec<Sentence>,
    /// Links and images to other sites (`http:`, `https:`), for `check --external`.
    pub external: Vec<External>,
}

#[derive(Debug, Clone)]
pub struct External {
    /// Where the link or image starts in the file.
    pub offset: usize,
    pub url: String,
}

#[derive(Debug, Clone)]
pub struct Image {
    pub offset: usize,
    pub alt: String,
}

#[derive(Debug, Clone)]
pub struct Heading {
    pub offset: usize,
    pub level: u8,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct LinkText {
    pub offset: usize,
    pub text: String,
    /// A link around an image is named by the image's alt text.
    pub image_alt: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Sentence {
    pub offset: usize,
    pub words: usize,
    /// Words of more than six letters, for LIX.
    pub long_words: usize,
}

impl Audit {
    /// LIX readability: words per sentence plus the share of long words in percent.
    /// `None` for pages with too little prose to judge (under 50 words, where a few long
    /// technical words swing the score).
    pub fn lix(&self) -> Option<f64> {
        let words: usize = self.sentences.iter().map(|s| s.words).sum();
        let long: usize = self.sentences.iter().map(|s| s.long_words).sum();
        if words < 50 || self.sentences.is_empty() {
            return None;
        }
        Some(words as f64 / self.sentences.len() as f64 + long as f64 * 100.0 / words as f64)
    }

    pub fn word_count(&self) -> usize {
        self.sentences.iter().map(|s| s.words).sum()
    }
}

enum Open {
    Image {
        offset: usize,
        alt: String,
    },
    Link {
        offset: usize,
        text: String,
        image_alt: Option<String>,
    },
    Heading {
        offset: usize,
        level: u8,
        text: String,
    },
}

#[derive(Default)]
pub struct Observer {
    audit: Audit,
    open: Vec<Open>,
    in_code: bool,
    current: Option<Sentence>,
}

impl Observer {
    fn external_link(&mut self, url: &str, offset: usize) {
        let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            self.audit.external.push(External {
                offset,
                url: url.to_string(),
            });
        }
    }

    fn end_sentence(&mut self) {
        if let Some(s) = self.current.take() {
            if s.words > 0 {
                self.audit.sentences.push(s);
            }
        }
    }

    fn words(&mut self, text: &str, offset: usize) {
        let mut pos = 0;
        for token in text.split_inclusive(char::is_whitespace) {
            let word = token.trim();
            let letters = word.chars().filter(|c| c.is_alphabetic()).count();
            if letters > 0 {
                let s = self.current.get_or_insert(Sentence {
                    offset: offset + pos,
                    words: 0,
                    long_words: 0,
                });
                s.words += 1;
                if letters > 6 {
                    s.long_words += 1;
                }
            }
            // "2." in "2. mai" is a number, not the end of a sentence.
            let number = word.chars().any(|c| c.is_ascii_digit())
                && word.chars().all(|c| c.is_ascii_digit() || c == '.');
            if word.ends_with(['.', '!', '?', ':']) && !number {
                self.end_sentence();
            }
            pos += token.len();
        }
    }

    pub fn observe(&mut self, event: &Event<'_>, offset: usize) {
        match event {
            Event::Start(Tag::Image { dest_url, .. }) => {
                self.external_link(dest_url, offset);
                self.open.push(Open::Image {
                    offset,
                    alt: String::new(),
                })
            }
            Event::End(TagEnd::Image) => {
                if let Some(Open::Image { offset, alt }) = self.open.pop() {
                    if let Some(Open::Link { image_alt, .. }) = self.open.last_mut() {
                        *image_alt = Some(alt.clone());
                    }
                    self.audit.images.push(Image { offset, alt });
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                self.external_link(dest_url, offset);
                self.open.push(Open::Link {
                    offset,
                    text: String::new(),
                    image_alt: None,
                })
            }
            Event::End(TagEnd::Link) => {
                if let Some(Open::Link {
                    offset,
                    text,
                    image_alt,
                }) = self.open.pop()
                {
                    self.audit.links.push(LinkText {
                        offset,
                        text,
                        image_alt,
                    });
                }
            }
            Event::Start(Tag::Heading { level, .. }) => {
                self.end_sentence();
                self.open.push(Open::Heading {
                    offset,
                    level: *level as u8,
                    text: String::new(),
                });
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(Open::Heading {
                    offset,
                    level,
                    text,
                }) = self.open.pop()
                {
                    self.audit.headings.push(Heading {
                        offset,
                        level,
                        text,
                    });
                }
            }
            Event::Start(Tag::CodeBlock(_)) => self.in_code = true,
            Event::End(TagEnd::CodeBlock) => self.in_code = false,
            Event::End(
                TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell | TagEnd::BlockQuote(_),
            ) => self.end_sentence(),
            Event::Text(t) | Event::Code(t) => {
                let in_heading = self.open.iter().any(|o| matches!(o, Open::Heading { .. }));
                for o in &mut self.open {
                    match o {
                        Open::Image { alt, .. } => alt.push_str(t),
                        Open::Link { text, .. } => text.push_str(t),
                        Open::Heading { text, .. } => text.push_str(t),
                    }
                }
                let in_image = self.open.iter().any(|o| matches!(o, Open::Image { .. }));
                if !self.in_code && !in_heading && !in_image && matches!(event, Event::Text(_)) {
                    self.words(t, offset);
                }
            }
            _ => {}
        }
    }

    pub fn finish(mut self) -> Audit {
        self.end_sentence();
        self.audit
    }
}
