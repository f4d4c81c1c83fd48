//! Dockerfile rules: shipshape's own checks, which no single peer tool has in this form —
//! users and secrets, supply-chain pinning and verification, signals and start commands, image
//! contents and layer caching. IDs SS-DOCKER-080 to SS-DOCKER-099.

pub mod add_remote_url;
pub mod base_image_not_pinned_by_digest;
pub mod build_tools_in_final_image;
pub mod copy_all_before_install;
pub mod copy_context_without_dockerignore;
pub mod hardcoded_secret;
pub mod missing_user;
pub mod npm_start_command;
pub mod password_in_run;
pub mod passwordless_sudo;
pub mod pipe_to_shell;
pub mod privileges_dropped_at_start;
pub mod secret_build_arg;
pub mod secret_file_copied;
pub mod secret_without_mount;
pub mod setuid_bit_set;
pub mod ssh_port_exposed;
pub mod ssh_server_installed;
pub mod tls_verification_disabled;
pub mod user_not_numeric;
pub(crate) mod util;
pub mod world_writable_permissions;
