//! Arenas, regions, typed pools and move-only handles.
