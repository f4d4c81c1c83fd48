//! Paths an agent gives, checked to lie inside the repository root the server was started on.
//! The server's working directory is that root, so a checked path is handed to the commands as the
//! relative path it was given: findings and reports then read exactly as `shipshape` run in the
//! root prints them.
//!
//! Refused: `..` anywhere, an absolute path that is not inside the root, and a path whose real
//! location (symbolic links resolved) is outside the root. The walk itself never follows symbolic
//! links, so nothing outside the root is read once the starting point is inside.

use std::path::{Component, Path, PathBuf};

/// `given`, checked, as a path relative to `root` (`.` for the root itself). `root` is canonical.
pub fn inside(root: &Path, given: &str) -> Result<PathBuf, String> {
    if given.contains('\0') {
        return Err("a path cannot contain a NUL byte".into());
    }
    let path = Path::new(given.trim());
    let relative = if path.is_absolute() {
        let real = path.canonicalize().map_err(|e| missing(given, e))?;
        match real.strip_prefix(root) {
            Ok(rel) => rel.to_path_buf(),
            Err(_) => {
                return Err(format!(
                    "`{given}` is outside the repository root {}: this server reads only inside it \
                     (give paths relative to the root)",
                    root.display()
                ))
            }
        }
    } else {
        let mut rel = PathBuf::new();
        for c in path.components() {
            match c {
                Component::Normal(part) => rel.push(part),
                Component::CurDir => {}
                Component::ParentDir => {
                    return Err(format!(
                        "`{given}`: `..` is not allowed — paths are relative to the repository \
                         root {} and stay inside it",
                        root.display()
                    ))
                }
                Component::RootDir | Component::Prefix(_) => {
                    return Err(format!("`{given}` is not a relative path"))
                }
            }
        }
        rel
    };
    if relative.as_os_str().is_empty() {
        return Ok(PathBuf::from("."));
    }
    let real = root
        .join(&relative)
        .canonicalize()
        .map_err(|e| missing(given, e))?;
    if !real.starts_with(root) {
        return Err(format!(
            "`{given}` leads to {}, outside the repository root {} (through a symbolic link): \
             this server reads only inside the root",
            real.display(),
            root.display()
        ));
    }
    Ok(relative)
}

fn missing(given: &str, e: std::io::Error) -> String {
    if e.kind() == std::io::ErrorKind::NotFound {
        format!("`{given}` does not exist in the repository")
    } else {
        format!("`{given}`: {e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("repo");
        std::fs::create_dir_all(root.join("web")).unwrap();
        std::fs::write(root.join("web/Dockerfile"), "FROM node:22\n").unwrap();
        let root = root.canonicalize().unwrap();
        (dir, root)
    }

    #[test]
    fn accepts_the_root_and_relative_paths_inside_it() {
        let (_d, root) = root();
        assert_eq!(inside(&root, "").unwrap(), PathBuf::from("."));
        assert_eq!(inside(&root, ".").unwrap(), PathBuf::from("."));
        assert_eq!(inside(&root, "./web").unwrap(), PathBuf::from("web"));
        assert_eq!(
            inside(&root, "web/Dockerfile").unwrap(),
            PathBuf::from("web/Dockerfile")
        );
    }

    #[test]
    fn accepts_an_absolute_path_inside_the_root_as_relative() {
        let (_d, root) = root();
        let abs = root.join("web");
        assert_eq!(
            inside(&root, abs.to_str().unwrap()).unwrap(),
            PathBuf::from("web")
        );
    }

    #[test]
    fn refuses_parent_components_even_when_they_come_back_inside() {
        let (_d, root) = root();
        for p in ["..", "../repo", "web/../web", "web/../../etc"] {
            let err = inside(&root, p).unwrap_err();
            assert!(err.contains("`..` is not allowed"), "{p}: {err}");
        }
    }

    #[test]
    fn refuses_absolute_paths_outside_the_root() {
        let (_d, root) = root();
        let err = inside(&root, "/etc").unwrap_err();
        assert!(err.contains("outside the repository root"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn refuses_a_symbolic_link_that_leads_out_of_the_root() {
        let (dir, root) = root();
        std::fs::create_dir(dir.path().join("outside")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("outside"), root.join("escape")).unwrap();
        std::os::unix::fs::symlink(root.join("web"), root.join("alias")).unwrap();
        let err = inside(&root, "escape").unwrap_err();
        assert!(err.contains("through a symbolic link"), "{err}");
        // A link that stays inside is fine.
        assert_eq!(inside(&root, "alias").unwrap(), PathBuf::from("alias"));
    }

    #[test]
    fn says_when_a_path_does_not_exist() {
        let (_d, root) = root();
        let err = inside(&root, "nope").unwrap_err();
        assert!(err.contains("does not exist"), "{err}");
    }
}
