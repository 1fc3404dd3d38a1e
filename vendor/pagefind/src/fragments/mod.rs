use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Serialize, Debug, Clone)]
pub struct PageAnchorData {
    pub element: String,
    pub id: String,
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub location: u32,
}

#[derive(Serialize, Debug, Clone)]
pub struct PageFragmentData {
    pub url: String,
    pub content: String,
    pub word_count: usize,
    pub filters: BTreeMap<String, Vec<String>>,
    pub meta: BTreeMap<String, String>,
    pub anchors: Vec<PageAnchorData>,
}

/// varde patch: kept in a build cache with the rest of a read page, its data as a tuple
/// (`PageAnchorData` leaves out a title it has not got, which only a self-describing
/// format reads back, and the fragment file's JSON costs escaping every page's text).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PageFragment {
    #[serde(skip)]
    pub page_number: usize,
    #[serde(with = "as_tuple")]
    pub data: PageFragmentData,
}

mod as_tuple {
    use super::{PageAnchorData, PageFragmentData};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::collections::BTreeMap;

    type Anchor = (String, String, String, Option<String>, u32);
    type Data = (
        String,
        String,
        usize,
        BTreeMap<String, Vec<String>>,
        BTreeMap<String, String>,
        Vec<Anchor>,
    );

    pub fn serialize<S: Serializer>(d: &PageFragmentData, s: S) -> Result<S::Ok, S::Error> {
        let anchors: Vec<_> = d
            .anchors
            .iter()
            .map(|a| (&a.element, &a.id, &a.text, &a.title, a.location))
            .collect();
        (&d.url, &d.content, d.word_count, &d.filters, &d.meta, anchors).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<PageFragmentData, D::Error> {
        let (url, content, word_count, filters, meta, anchors): Data = Deserialize::deserialize(d)?;
        let anchors = anchors
            .into_iter()
            .map(|(element, id, text, title, location)| PageAnchorData {
                element,
                id,
                text,
                title,
                location,
            })
            .collect();
        Ok(PageFragmentData {
            url,
            content,
            word_count,
            filters,
            meta,
            anchors,
        })
    }
}
