//! Evidence items: the list as columns, one item's detail, edits, previews, saved copies.

use super::EventDto;
use serde::{Deserialize, Serialize};
use specta::Type;

/// The whole document list in columns: compact enough to send 100k rows at once, so the page can sort
/// and filter without asking again.
#[derive(Debug, Clone, Default, Serialize, Type)]
pub struct ItemTable {
    pub ids: Vec<String>,
    pub names: Vec<String>,
    pub sizes: Vec<f64>,
    pub media_types: Vec<String>,
    pub added_at: Vec<String>,
    pub added_by: Vec<String>,
    pub descriptions: Vec<String>,
}

impl ItemTable {
    pub fn from_items(items: Vec<custodia_core::Item>) -> Self {
        let mut t = ItemTable::default();
        for item in items {
            t.ids.push(item.id);
            t.names.push(item.name);
            t.sizes.push(item.size as f64);
            t.media_types.push(item.media_type);
            t.added_at.push(item.added_at);
            t.added_by.push(item.added_by);
            t.descriptions.push(item.description);
        }
        t
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
