//! Replacing a file atomically: write a new file beside it, then rename it
//! over the old one. Used by the image writers and by channel creation
//! (`ipc`, which needs feature `mmap`).
//!
//! A reader never sees a half-written file, and a process that has the old
//! file mapped keeps the old bytes. The temporary file is created with
//! `create_new` (`O_EXCL`) under a name of its own (the process id and a
//! counter), so two writers, in one process or in two, never write the same
//! temporary file; it is removed on every path that does not rename it (an
//! error or a panic in the writer, a failed rename).

use std::ffi::OsString;
use std::fs::{File, OpenOptions};
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::Error;

/// How many names to try when a temporary file of that name exists already
/// (left over by a process that had the same id and crashed).
const ATTEMPTS: u32 = 16;

/// Creates a new file beside `path`, lets `write` fill it (the file is open
/// for reading and writing, at offset 0), and renames it to `path`,
/// replacing any file there. The data is not `fsync`ed.
///
/// On an error, from `write` or from the file system, the temporary file is
/// removed and nothing at `path` has changed (if the rename fails, what
/// `write` returned is dropped first). The file is closed before the rename;
/// a mapping made by `write` stays valid.
pub(crate) fn replace<R>(
    path: &Path,
    write: impl FnOnce(&File) -> Result<R, Error>,
) -> Result<R, Error> {
    let (tmp, file) = create_beside(path)?;
    let value = write(&file)?;
    drop(file);
    std::fs::rename(&tmp.0, path)?;
    tmp.keep();
    Ok(value)
}

/// A temporary file's path, removed when dropped unless kept.
struct TempPath(PathBuf);

impl TempPath {
    /// The file was renamed: nothing to remove (the path itself is freed).
    fn keep(self) {
        let mut this = core::mem::ManuallyDrop::new(self);
        drop(core::mem::take(&mut this.0));
    }
}

impl Drop for TempPath {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// A new file beside `path`, with a name no other writer uses.
fn create_beside(path: &Path) -> Result<(TempPath, File), Error> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut attempt = 0;
    loop {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let tmp = temp_name(path, std::process::id(), n);
        let created = OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&tmp);
        match created {
            // Only a file this call created is ever removed.
            Ok(file) => return Ok((TempPath(tmp), file)),
            Err(e) if e.kind() == ErrorKind::AlreadyExists && attempt + 1 < ATTEMPTS => {
                attempt += 1;
            }
            Err(e) => return Err(Error::Io(e)),
        }
    }
}

/// `<dir>/<name>.<pid>.<n>.tmp` for `path` = `<dir>/<name>`.
fn temp_name(path: &Path, pid: u32, n: u64) -> PathBuf {
    let mut name: OsString = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".{pid}.{n}.tmp"));
    path.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Seek, Write};
    use std::path::{Path, PathBuf};

    use crate::error::Error;
    use crate::mmap::atomic_file::{replace, temp_name};

    /// A fresh directory in the temporary directory, removed on drop.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new(tag: &str) -> Self {
            let dir = std::env::temp_dir()
                .join(format!("barewire-atomic-file-{}-{tag}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir(&dir).unwrap();
            TempDir(dir)
        }

        fn names(&self) -> Vec<String> {
            let mut names: Vec<String> = std::fs::read_dir(&self.0)
                .unwrap()
                .map(|e| e.unwrap().file_name().into_string().unwrap())
                .collect();
            names.sort();
            names
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn temp_names_are_beside_the_file() {
        assert_eq!(
            temp_name(Path::new("/dev/shm/chan"), 42, 7),
            Path::new("/dev/shm/chan.42.7.tmp")
        );
    }

    #[test]
    #[cfg_attr(miri, ignore = "file system")]
    fn writes_then_renames_over_the_old_file() {
        let dir = TempDir::new("rename");
        let path = dir.0.join("file");
        std::fs::write(&path, b"old").unwrap();
        let value = replace(&path, |mut file| {
            file.write_all(b"new bytes")?;
            // Readable too (a channel maps it read-write).
            file.rewind()?;
            let mut back = String::new();
            file.read_to_string(&mut back)?;
            Ok(back)
        })
        .unwrap();
        assert_eq!(value, "new bytes");
        assert_eq!(std::fs::read(&path).unwrap(), b"new bytes");
        assert_eq!(dir.names(), ["file"]);
    }

    #[test]
    #[cfg_attr(miri, ignore = "file system")]
    fn errors_and_panics_leave_the_old_file_and_no_temporary() {
        let dir = TempDir::new("errors");
        let path = dir.0.join("file");
        std::fs::write(&path, b"old").unwrap();
        let failed = replace(&path, |mut file| -> Result<(), Error> {
            file.write_all(b"half")?;
            Err(Error::ChannelClosed)
        });
        assert!(matches!(failed, Err(Error::ChannelClosed)));
        let panicked = std::panic::catch_unwind(|| {
            let _ = replace(&path, |_| -> Result<(), Error> { panic!("writer panics") });
        });
        assert!(panicked.is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        assert_eq!(dir.names(), ["file"]);
        // A failed rename (onto a directory that is not empty).
        let occupied = dir.0.join("occupied");
        std::fs::create_dir(&occupied).unwrap();
        std::fs::write(occupied.join("x"), b"").unwrap();
        assert!(matches!(replace(&occupied, |_| Ok(())), Err(Error::Io(_))));
        assert_eq!(dir.names(), ["file", "occupied"]);
    }

    #[test]
    #[cfg_attr(miri, ignore = "file system")]
    fn concurrent_writers_use_their_own_temporary_files() {
        let dir = TempDir::new("concurrent");
        let path = dir.0.join("file");
        std::thread::scope(|s| {
            for i in 0..8u8 {
                let path = &path;
                s.spawn(move || {
                    for _ in 0..20 {
                        replace(path, |mut file| Ok(file.write_all(&[i; 4096])?)).unwrap();
                    }
                });
            }
        });
        // Whole contents of one writer, never a mix.
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(bytes.len(), 4096);
        assert!(bytes.iter().all(|&b| b == bytes[0]));
        assert_eq!(dir.names(), ["file"]);
    }
}
