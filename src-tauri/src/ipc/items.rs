//! Evidence items: the list as columns, one item's detail, edits, previews, saved copies.

use super::EventDto;
use serde::{Deserialize, Serialize};
use specta::Type;

/// A run of consecutive rows of the evidence list, newest acquisition first, in columns (one array per
/// field rather than an object per row, and each media type sent once per chunk), so 100k rows cross IPC
/// as a few megabytes the page can parse while the next chunk is read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Type)]
pub struct ItemChunk {
    pub ids: Vec<String>,
    pub names: Vec<String>,
    pub sizes: Vec<f64>,
    /// The media types used in this chunk; `media_types` holds each row's position in this list.
    pub media_type_names: Vec<String>,
    pub media_types: Vec<u32>,
    pub added_at: Vec<String>,
    pub descriptions: Vec<String>,
    /// True on the last chunk: the page has the whole list.
    pub done: bool,
}

impl ItemChunk {
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    pub fn push(&mut self, item: custodia_core::ItemSummary) {
        let kind = match self.media_type_names.iter().position(|m| *m == item.media_type) {
            Some(known) => known,
            None => {
                self.media_type_names.push(item.media_type);
                self.media_type_names.len() - 1
            }
        };
        self.ids.push(item.id);
        self.names.push(item.name);
        self.sizes.push(item.size as f64);
        self.media_types.push(kind as u32);
        self.added_at.push(item.added_at);
        self.descriptions.push(item.description);
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct ItemDto {
    pub id: String,
    pub name: String,
    pub sha256: String,
    pub size: f64,
    pub media_type: String,
    pub description: String,
    pub source: String,
    pub added_at: String,
    pub added_by: String,
    pub duplicate_of: Option<String>,
}

impl From<custodia_core::Item> for ItemDto {
    fn from(i: custodia_core::Item) -> Self {
        ItemDto {
            id: i.id,
            name: i.name,
            sha256: i.sha256,
            size: i.size as f64,
            media_type: i.media_type,
            description: i.description,
            source: i.source,
            added_at: i.added_at,
            added_by: i.added_by,
            duplicate_of: i.duplicate_of,
        }
    }
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct ItemDetail {
    pub item: ItemDto,
    pub events: Vec<EventDto>,
    /// True when the page may ask for an in-memory image preview.
    pub previewable: bool,
}

#[derive(Debug, Clone, Deserialize, Type)]
pub struct ItemEditDto {
    pub description: String,
    pub source: String,
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct PreviewDto {
    pub media_type: String,
    pub data_base64: String,
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct SavedCopy {
    pub path: String,
    pub sha256: String,
}
