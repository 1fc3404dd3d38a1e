use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct PageAnchorData {
    pub element: String,
    pub id: String,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub location: u32,
}

#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct PageFragmentData {
    pub url: String,
    pub content: String,
    pub word_count: usize,
    pub filters: BTreeMap<String, Vec<String>>,
    pub meta: BTreeMap<String, String>,
    pub anchors: Vec<PageAnchorData>,
}

/// varde patch: kept in a build cache with the rest of a read page, as the JSON the
/// bundle's fragment file holds (`PageAnchorData` leaves out a title it has not got, which
/// only a self-describing format reads back).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PageFragment {
    #[serde(skip)]
    pub page_number: usize,
    #[serde(with = "as_json")]
    pub data: PageFragmentData,
}

mod as_json {
    use serde::{de::Error as _, ser::Error as _, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(data: &super::PageFragmentData, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&serde_json::to_string(data).map_err(S::Error::custom)?)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<super::PageFragmentData, D::Error> {
        let text = String::deserialize(d)?;
        serde_json::from_str(&text).map_err(D::Error::custom)
    }
}
