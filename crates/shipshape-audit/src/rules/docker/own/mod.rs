//! Dockerfile rules: shipshape's own checks, which no single peer tool has in this form —
//! users and secrets, supply-chain pinning and verification, signals and start commands, image
//! contents and layer caching. IDs SS-DOCKER-080 to SS-DOCKER-099.

use crate::rule::Rule;

mod add_remote_url;
mod base_image_not_pinned_by_digest;
mod build_tools_in_final_image;
mod copy_all_before_install;
mod copy_context_without_dockerignore;
mod hardcoded_secret;
mod missing_user;
mod npm_start_command;
mod password_in_run;
mod passwordless_sudo;
mod pipe_to_shell;
mod secret_build_arg;
mod secret_file_copied;
mod secret_without_mount;
mod setuid_bit_set;
mod ssh_port_exposed;
mod ssh_server_installed;
mod tls_verification_disabled;
mod user_not_numeric;
mod util;
mod world_writable_permissions;

/// Every rule of this group, in ID order.
pub(crate) fn rules() -> Vec<&'static dyn Rule> {
    vec![
        &missing_user::MissingUser,
        &user_not_numeric::UserNotNumeric,
        &hardcoded_secret::HardcodedSecret,
        &secret_build_arg::SecretBuildArg,
        &secret_file_copied::SecretFileCopied,
        &add_remote_url::AddRemoteUrl,
        &pipe_to_shell::PipeToShell,
        &tls_verification_disabled::TlsVerificationDisabled,
        &ssh_port_exposed::SshPortExposed,
        &world_writable_permissions::WorldWritablePermissions,
        &setuid_bit_set::SetuidBitSet,
        &npm_start_command::NpmStartCommand,
        &build_tools_in_final_image::BuildToolsInFinalImage,
        &copy_all_before_install::CopyAllBeforeInstall,
        &copy_context_without_dockerignore::CopyContextWithoutDockerignore,
        &base_image_not_pinned_by_digest::BaseImageNotPinnedByDigest,
        &secret_without_mount::SecretWithoutMount,
        &ssh_server_installed::SshServerInstalled,
        &passwordless_sudo::PasswordlessSudo,
        &password_in_run::PasswordInRun,
    ]
}
