//! Writing a plan: atomically, never over a user's file without `--force`, with a unified diff
//! for `--dry-run`.
//!
//! Writing happens in two phases so that a failure leaves nothing behind: first every file is
//! written to a temporary file in its own folder (creating missing folders); if any of that
//! fails, every temporary file and every folder created is removed and nothing has changed.
//! Only then is each temporary file renamed over its target, which is atomic on one file system:
//! a reader sees the old file or the new one, never half of either.

use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::{is_dockerfile, Artifact, Category, Plan, PlannedFile};

/// How to write.
#[derive(Debug, Clone, Copy, Default)]
pub struct WriteOptions {
    /// Replace files that exist with different content.
    pub force: bool,
    /// Write nothing; report what would change, with diffs.
    pub dry_run: bool,
}

/// What happened (or would happen) to one planned file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// Written where there was no file.
    Created,
    /// Written over a different file, with `--force`.
    Updated,
    /// The file already has exactly this content.
    Unchanged,
    /// A different file is there and was left alone (no `--force`).
    Skipped,
    /// `--dry-run`: would be written where there is no file.
    WouldCreate,
    /// `--dry-run --force`: would replace a different file.
    WouldUpdate,
}

impl Action {
    /// Whether this outcome changes (or, in a dry run, would change) the repository.
    pub fn writes(self) -> bool {
        matches!(
            self,
            Action::Created | Action::Updated | Action::WouldCreate | Action::WouldUpdate
        )
    }
}

/// The outcome for one planned file.
#[derive(Debug, Clone, Serialize)]
pub struct FileOutcome {
    pub path: String,
    pub action: Action,
    /// Why the file exists, or why it was not written.
    pub reason: String,
    #[serde(skip)]
    pub category: Category,
    #[serde(skip)]
    pub artifact: Artifact,
    /// For `--dry-run`: a unified diff from the current file (or `/dev/null`) to the planned one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
}

/// A file or folder that could not be written. Nothing from the plan was written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error(
        "cannot write {path}: {source} — nothing was written; make the folder writable (or run \
         with a user who may write there) and run `shipshape init` again"
    )]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error(
        "cannot write {path}: a folder of that name is in the way — nothing was written; move it \
         and run `shipshape init` again"
    )]
    FolderInTheWay { path: PathBuf },
}

impl WriteError {
    pub fn path(&self) -> &Path {
        match self {
            WriteError::Io { path, .. } | WriteError::FolderInTheWay { path } => path,
        }
    }
}

/// What is on disk where a planned file goes.
enum OnDisk {
    Missing,
    Same,
    /// A different file (its text, when readable as UTF-8, for the diff).
    Different(Option<String>),
}

fn on_disk(target: &Path, planned: &str) -> Result<OnDisk, WriteError> {
    match fs::symlink_metadata(target) {
        Ok(meta) if meta.is_dir() => Err(WriteError::FolderInTheWay {
            path: target.to_path_buf(),
        }),
        Ok(_) => match fs::read(target) {
            Ok(bytes) if bytes == planned.as_bytes() => Ok(OnDisk::Same),
            Ok(bytes) => Ok(OnDisk::Different(String::from_utf8(bytes).ok())),
            // A file shipshape cannot read is still a file the user has.
            Err(_) => Ok(OnDisk::Different(None)),
        },
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(OnDisk::Missing),
        Err(source) => Err(WriteError::Io {
            path: target.to_path_buf(),
            source,
        }),
    }
}

/// A unified diff from `old` (`None`: the file does not exist) to `new`.
pub fn unified_diff(path: &str, old: Option<&str>, new: &str) -> String {
    let (from, old_text) = match old {
        Some(text) => (format!("a/{path}"), text),
        None => ("/dev/null".to_string(), ""),
    };
    similar::TextDiff::from_lines(old_text, new)
        .unified_diff()
        .context_radius(3)
        .header(&from, &format!("b/{path}"))
        .to_string()
}

fn skip_reason(file: &PlannedFile) -> String {
    if is_dockerfile(&file.path) {
        format!(
            "a Dockerfile is already there and shipshape leaves yours alone: check it with \
             `shipshape audit {}` (or replace it with `shipshape init --force`)",
            file.path
        )
    } else {
        "already there with other content: kept as it is (`shipshape init --force` replaces it)"
            .to_string()
    }
}

/// Decide what happens to every planned file, then (unless `dry_run`) write the ones that
/// change. On error nothing from the plan has been written.
pub fn write_plan(
    root: &Path,
    plan: &Plan,
    opts: &WriteOptions,
) -> Result<Vec<FileOutcome>, WriteError> {
    let mut outcomes = Vec::with_capacity(plan.files.len());
    // (index into outcomes, target, existing file's permissions to keep)
    let mut to_write: Vec<(usize, PathBuf, Option<fs::Permissions>)> = Vec::new();
    for file in &plan.files {
        let target = root.join(&file.path);
        let state = on_disk(&target, &file.content)?;
        let outcome = |action: Action, reason: String, diff: Option<String>| FileOutcome {
            path: file.path.clone(),
            action,
            reason,
            category: file.category,
            artifact: file.artifact,
            diff,
        };
        let o = match state {
            OnDisk::Same => outcome(
                Action::Unchanged,
                "already up to date: same content".to_string(),
                None,
            ),
            OnDisk::Different(_) if !opts.force => {
                outcome(Action::Skipped, skip_reason(file), None)
            }
            OnDisk::Missing => {
                let action = if opts.dry_run {
                    Action::WouldCreate
                } else {
                    Action::Created
                };
                let diff = opts
                    .dry_run
                    .then(|| unified_diff(&file.path, None, &file.content));
                outcome(action, file.reason.clone(), diff)
            }
            OnDisk::Different(old) => {
                let action = if opts.dry_run {
                    Action::WouldUpdate
                } else {
                    Action::Updated
                };
                let diff = opts.dry_run.then(|| match &old {
                    Some(text) => unified_diff(&file.path, Some(text), &file.content),
                    None => format!(
                        "{}: the current file is not readable text; it would be replaced\n",
                        file.path
                    ),
                });
                outcome(action, file.reason.clone(), diff)
            }
        };
        if !opts.dry_run && o.action.writes() {
            let keep = (o.action == Action::Updated)
                .then(|| fs::metadata(&target).ok().map(|m| m.permissions()))
                .flatten();
            to_write.push((outcomes.len(), target, keep));
        }
        outcomes.push(o);
    }
    if opts.dry_run || to_write.is_empty() {
        return Ok(outcomes);
    }

    // Phase 1: every file to a temporary file beside its target.
    let mut staged = Staged::default();
    for (i, (index, target, keep)) in to_write.iter().enumerate() {
        let content = plan
            .files
            .get(*index)
            .map(|f| f.content.as_bytes())
            .unwrap_or_default();
        if let Err(e) = staged.stage(target, content, keep.as_ref(), i) {
            staged.roll_back();
            return Err(e);
        }
    }
    // Phase 2: rename each over its target.
    staged.commit()?;
    Ok(outcomes)
}

/// Temporary files written and folders created so far, so a failure can undo them.
#[derive(Default)]
struct Staged {
    /// (temporary file, target)
    files: Vec<(PathBuf, PathBuf)>,
    created_dirs: Vec<PathBuf>,
}

impl Staged {
    fn stage(
        &mut self,
        target: &Path,
        content: &[u8],
        keep: Option<&fs::Permissions>,
        n: usize,
    ) -> Result<(), WriteError> {
        let dir = target.parent().unwrap_or(Path::new("."));
        self.create_dirs(dir)?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let temp = dir.join(format!(".{name}.shipshape-{}-{n}.tmp", std::process::id()));
        let io_err = |source: io::Error| WriteError::Io {
            path: target.to_path_buf(),
            source,
        };
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
            .map_err(io_err)?;
        // Recorded before writing, so a failed write is cleaned up too.
        self.files.push((temp.clone(), target.to_path_buf()));
        f.write_all(content).map_err(io_err)?;
        f.sync_all().map_err(io_err)?;
        if let Some(p) = keep {
            fs::set_permissions(&temp, p.clone()).map_err(io_err)?;
        }
        Ok(())
    }

    /// Create `dir` and its missing parents, remembering which ones were created.
    fn create_dirs(&mut self, dir: &Path) -> Result<(), WriteError> {
        let mut missing = Vec::new();
        let mut cur = Some(dir);
        while let Some(d) = cur {
            if d.as_os_str().is_empty() || d.exists() {
                break;
            }
            missing.push(d.to_path_buf());
            cur = d.parent();
        }
        for d in missing.into_iter().rev() {
            match fs::create_dir(&d) {
                Ok(()) => self.created_dirs.push(d),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && d.is_dir() => {}
                Err(source) => return Err(WriteError::Io { path: d, source }),
            }
        }
        Ok(())
    }

    fn roll_back(&mut self) {
        for (temp, _) in self.files.drain(..) {
            let _ = fs::remove_file(temp);
        }
        // Deepest first; `remove_dir` only removes empty folders, so nothing of the user's goes.
        for d in self.created_dirs.drain(..).rev() {
            let _ = fs::remove_dir(d);
        }
    }

    fn commit(mut self) -> Result<(), WriteError> {
        let files = std::mem::take(&mut self.files);
        for (i, (temp, target)) in files.iter().enumerate() {
            if let Err(source) = fs::rename(temp, target) {
                for (rest, _) in files.iter().skip(i) {
                    let _ = fs::remove_file(rest);
                }
                return Err(WriteError::Io {
                    path: target.clone(),
                    source,
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan_of(files: &[(&str, &str)]) -> Plan {
        Plan {
            files: files
                .iter()
                .map(|(path, content)| PlannedFile {
                    path: path.to_string(),
                    content: content.to_string(),
                    reason: format!("{path} is needed"),
                    category: Category::Docker,
                    artifact: Artifact::Compose,
                })
                .collect(),
            ..Plan::default()
        }
    }

    fn listing(dir: &Path) -> Vec<String> {
        let mut out = Vec::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in fs::read_dir(&d).into_iter().flatten().flatten() {
                let p = e.path();
                out.push(
                    p.strip_prefix(dir)
                        .map(|r| r.display().to_string())
                        .unwrap_or_default(),
                );
                if p.is_dir() {
                    stack.push(p);
                }
            }
        }
        out.sort();
        out
    }

    #[test]
    fn creates_files_and_their_folders_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let plan = plan_of(&[("a/b/c.txt", "hello\n"), ("top.txt", "x\n")]);
        let out = write_plan(dir.path(), &plan, &WriteOptions::default()).expect("written");
        assert!(out.iter().all(|o| o.action == Action::Created));
        assert_eq!(listing(dir.path()), ["a", "a/b", "a/b/c.txt", "top.txt"]);
        assert_eq!(
            fs::read_to_string(dir.path().join("a/b/c.txt"))
                .ok()
                .as_deref(),
            Some("hello\n")
        );
    }

    #[test]
    fn an_identical_file_is_unchanged_and_a_different_one_is_skipped_without_force() {
        let dir = tempfile::tempdir().expect("temp dir");
        fs::write(dir.path().join("same.txt"), "same\n").expect("write");
        fs::write(dir.path().join("Dockerfile"), "FROM mine\n").expect("write");
        let plan = plan_of(&[("same.txt", "same\n"), ("Dockerfile", "FROM ours\n")]);
        let out = write_plan(dir.path(), &plan, &WriteOptions::default()).expect("ok");
        assert_eq!(out[0].action, Action::Unchanged);
        assert_eq!(out[1].action, Action::Skipped);
        assert!(
            out[1].reason.contains("shipshape audit Dockerfile"),
            "{}",
            out[1].reason
        );
        assert_eq!(
            fs::read_to_string(dir.path().join("Dockerfile"))
                .ok()
                .as_deref(),
            Some("FROM mine\n")
        );
    }

    #[test]
    fn force_replaces_a_different_file_and_keeps_its_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("run.sh");
        fs::write(&path, "old\n").expect("write");
        fs::set_permissions(&path, fs::Permissions::from_mode(0o750)).expect("chmod");
        let plan = plan_of(&[("run.sh", "new\n")]);
        let opts = WriteOptions {
            force: true,
            dry_run: false,
        };
        let out = write_plan(dir.path(), &plan, &opts).expect("ok");
        assert_eq!(out[0].action, Action::Updated);
        assert_eq!(fs::read_to_string(&path).ok().as_deref(), Some("new\n"));
        let mode = fs::metadata(&path)
            .map(|m| m.permissions().mode() & 0o777)
            .ok();
        assert_eq!(mode, Some(0o750));
    }

    #[test]
    fn dry_run_writes_nothing_and_diffs_against_dev_null_or_the_old_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        fs::write(dir.path().join("old.txt"), "one\ntwo\n").expect("write");
        let plan = plan_of(&[("new/file.txt", "hi\n"), ("old.txt", "one\nthree\n")]);
        let opts = WriteOptions {
            force: true,
            dry_run: true,
        };
        let before = listing(dir.path());
        let out = write_plan(dir.path(), &plan, &opts).expect("ok");
        assert_eq!(listing(dir.path()), before);
        assert_eq!(out[0].action, Action::WouldCreate);
        let diff = out[0].diff.as_deref().unwrap_or_default();
        assert!(
            diff.starts_with("--- /dev/null\n+++ b/new/file.txt\n"),
            "{diff}"
        );
        assert!(diff.contains("+hi\n"));
        assert_eq!(out[1].action, Action::WouldUpdate);
        let diff = out[1].diff.as_deref().unwrap_or_default();
        assert!(
            diff.contains("--- a/old.txt") && diff.contains("-two\n") && diff.contains("+three\n")
        );
    }

    #[test]
    fn a_folder_in_the_way_is_an_error_and_nothing_is_written() {
        let dir = tempfile::tempdir().expect("temp dir");
        fs::create_dir(dir.path().join("compose.yaml")).expect("mkdir");
        let plan = plan_of(&[("a.txt", "a\n"), ("compose.yaml", "x\n")]);
        let err = write_plan(dir.path(), &plan, &WriteOptions::default());
        assert!(matches!(err, Err(WriteError::FolderInTheWay { .. })));
        assert_eq!(listing(dir.path()), ["compose.yaml"]);
    }
}
