//! The evidence list: what a list shows of every item, newest acquisition first, streamed row by row so
//! a caller can show the first screen before the database has read the rest.

use crate::blobs::Flow;
use crate::error::Result;
use crate::vault::Vault;

/// What the evidence list shows of an item: enough to name, order and search it. No hash, source or
/// custody details (those come with `Vault::item`), so a list of 100k items stays small.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemSummary {
    pub id: String,
    pub name: String,
    pub size: u64,
    pub media_type: String,
    pub added_at: String,
    pub description: String,
}

impl Vault {
    /// Every item's summary, newest acquisition first (the custody sequence, which a clock set back
    /// cannot reorder), passed to `f` as each row is read. `f` may stop the listing with `Flow::Cancel`.
    pub fn for_each_item_summary(&self, mut f: impl FnMut(ItemSummary) -> Flow) -> Result<()> {
        // The `items_by_ingest` index yields rows in this order without sorting the whole table first.
        let mut stmt = self.conn.prepare(
            "SELECT id, original_name, size, media_type, added_at, description FROM items ORDER BY ingest_seq DESC",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let summary = ItemSummary {
                id: r.get(0)?,
                name: r.get(1)?,
                size: r.get(2)?,
                media_type: r.get(3)?,
                added_at: r.get(4)?,
                description: r.get(5)?,
            };
            if f(summary) == Flow::Cancel {
                break;
            }
        }
        Ok(())
    }
}
