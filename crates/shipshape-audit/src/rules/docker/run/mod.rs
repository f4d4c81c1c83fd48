//! Dockerfile rules about the shell commands inside `RUN` (shell form, exec form and heredoc
//! scripts, `ONBUILD RUN` included): package managers, downloads, shell options, and commands
//! that have no place in a build.

pub(crate) mod util;

pub mod apk_cache_kept;
pub mod apk_unpinned;
pub mod apt_get_install_recommends;
pub mod apt_get_missing_yes;
pub mod apt_get_unpinned;
pub mod apt_get_upgrade;
pub mod apt_instead_of_apt_get;
pub mod apt_lists_not_cleaned;
pub mod cd_instead_of_workdir;
pub mod dnf_cache_kept;
pub mod dnf_missing_yes;
pub mod dnf_unpinned;
pub mod gem_unpinned;
pub mod go_install_unpinned;
pub mod ln_bin_sh;
pub mod npm_unpinned;
pub mod package_update_alone;
pub mod pip_cache_kept;
pub mod pip_unpinned;
pub mod pipe_without_pipefail;
pub mod pointless_command;
pub mod sudo_in_run;
pub mod useradd_high_uid;
pub mod wget_and_curl;
pub mod wget_without_progress;
pub mod yarn_cache_kept;
pub mod yum_cache_kept;
pub mod yum_missing_yes;
pub mod yum_unpinned;
pub mod zypper_cache_kept;
pub mod zypper_dist_upgrade;
pub mod zypper_missing_non_interactive;
pub mod zypper_unpinned;
