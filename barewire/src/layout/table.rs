//! Printing a layout: the table every layout can give of itself.

use core::fmt;

use super::{FieldLayout, Layout};

/// A printable description of `T`'s layout: size, alignment, and for derived
/// structs each field's offset, size, alignment, trailing padding and hints
/// (see [`FieldLayout::hints`]).
///
/// ```
/// #[derive(barewire::Bare)]
/// struct Log {
///     address: [u8; 4],
///     #[bare(intern, capacity = 64)]
///     request: String,
///     code: u16,
///     #[bare(out_of_line)]
///     size: u64,
/// }
///
/// let table = barewire::layout::LayoutTable::of::<Log>();
/// assert_eq!(table.size, 20);
/// // `request` (align 4) and `size` (a 4-byte pointer, align 4) come first,
/// // then `code` (align 2), `address`.
/// assert_eq!(table.fields.iter().map(|f| f.offset).collect::<Vec<_>>(), [14, 0, 12, 8]);
/// assert_eq!(table.fields[1].hints, "intern capacity=64");
/// assert_eq!(table.fields[3].hints, "out_of_line");
/// let text = table.to_string();
/// println!("{text}");
/// assert!(text.contains("  field                offset   size  align  padding  hints\n"));
/// assert!(text.contains("  request                   0      8      4        0  intern capacity=64\n"));
/// assert!(text.contains("  code                     12      2      2        0\n"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LayoutTable {
    /// The Rust type's name.
    pub name: &'static str,
    /// Inline size in bytes.
    pub size: usize,
    /// Alignment in bytes.
    pub align: usize,
    /// The fields, in declaration order (empty for types that are not
    /// derived structs).
    pub fields: &'static [FieldLayout],
}

impl LayoutTable {
    /// The table of `T`.
    pub fn of<T: Layout + ?Sized>() -> Self {
        LayoutTable {
            name: core::any::type_name::<T>(),
            size: T::SIZE,
            align: T::ALIGN,
            fields: T::FIELDS,
        }
    }
}

impl fmt::Display for LayoutTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{}: {} bytes, align {}",
            self.name, self.size, self.align
        )?;
        if self.fields.is_empty() {
            return Ok(());
        }
        writeln!(
            f,
            "  {:<20} {:>6} {:>6} {:>6} {:>8}  hints",
            "field", "offset", "size", "align", "padding"
        )?;
        let mut by_offset: alloc::vec::Vec<&FieldLayout> = self.fields.iter().collect();
        by_offset.sort_by_key(|field| field.offset);
        for field in by_offset {
            let line = alloc::format!(
                "  {:<20} {:>6} {:>6} {:>6} {:>8}  {}",
                field.name,
                field.offset,
                field.size,
                field.align,
                field.padding_after,
                field.hints
            );
            writeln!(f, "{}", line.trim_end())?;
        }
        Ok(())
    }
}
