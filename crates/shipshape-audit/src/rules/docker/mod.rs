//! Dockerfile rules, one per file, in three groups: rules about instructions and stages
//! (`instructions/`), rules about the shell commands inside `RUN` (`run/`), and shipshape's own
//! checks that no single peer has (`own/`).

use shipshape_core::text::LineIndex;
use shipshape_core::ArtifactKind;
use shipshape_diagnostics::Selection;

use crate::rule::{AuditDomain, AuditFile, DockerfileDoc, DockerfileRule, Domain, RuleMeta, Sink};

pub mod instructions;
pub mod own;
pub mod run;

/// Every Dockerfile rule, in ID order (a test keeps it so): the registry of the domain.
pub static RULES: &[&dyn DockerfileRule] = &[
    &instructions::absolute_workdir::AbsoluteWorkdir,
    &instructions::no_root_user::NoRootUser,
    &instructions::untagged_base_image::UntaggedBaseImage,
    &instructions::no_latest_tag::NoLatestTag,
    &instructions::copy_instead_of_add::CopyInsteadOfAdd,
    &instructions::copy_dest_missing_slash::CopyDestMissingSlash,
    &instructions::copy_from_unknown_stage::CopyFromUnknownStage,
    &instructions::copy_from_own_stage::CopyFromOwnStage,
    &instructions::duplicate_stage_name::DuplicateStageName,
    &instructions::exec_form_cmd::ExecFormCmd,
    &instructions::constant_platform::ConstantPlatform,
    &instructions::invalid_expose_port::InvalidExposePort,
    &instructions::no_maintainer::NoMaintainer,
    &instructions::multiple_cmd::MultipleCmd,
    &instructions::multiple_entrypoint::MultipleEntrypoint,
    &instructions::multiple_healthcheck::MultipleHealthcheck,
    &instructions::env_self_reference::EnvSelfReference,
    &instructions::copy_relative_without_workdir::CopyRelativeWithoutWorkdir,
    &instructions::consecutive_run::ConsecutiveRun,
    &instructions::from_first::FromFirst,
    &instructions::invalid_label_key::InvalidLabelKey,
    &instructions::missing_healthcheck::MissingHealthcheck,
    &instructions::missing_workdir::MissingWorkdir,
    &instructions::unused_stage::UnusedStage,
    &instructions::undefined_arg_in_from::UndefinedArgInFrom,
    &instructions::reserved_stage_name::ReservedStageName,
    &instructions::stage_name_casing::StageNameCasing,
    &instructions::duplicate_expose::DuplicateExpose,
    &instructions::legacy_key_value_format::LegacyKeyValueFormat,
    &instructions::redundant_target_platform::RedundantTargetPlatform,
    &run::cd_instead_of_workdir::CdInsteadOfWorkdir,
    &run::sudo_in_run::SudoInRun,
    &run::apt_get_upgrade::AptGetUpgrade,
    &run::apt_get_unpinned::AptGetUnpinned,
    &run::apt_lists_not_cleaned::AptListsNotCleaned,
    &run::apt_get_missing_yes::AptGetMissingYes,
    &run::apt_get_install_recommends::AptGetInstallRecommends,
    &run::apt_instead_of_apt_get::AptInsteadOfAptGet,
    &run::pip_unpinned::PipUnpinned,
    &run::pip_cache_kept::PipCacheKept,
    &run::npm_unpinned::NpmUnpinned,
    &run::apk_unpinned::ApkUnpinned,
    &run::apk_cache_kept::ApkCacheKept,
    &run::gem_unpinned::GemUnpinned,
    &run::yum_missing_yes::YumMissingYes,
    &run::yum_cache_kept::YumCacheKept,
    &run::yum_unpinned::YumUnpinned,
    &run::zypper_missing_non_interactive::ZypperMissingNonInteractive,
    &run::zypper_dist_upgrade::ZypperDistUpgrade,
    &run::zypper_cache_kept::ZypperCacheKept,
    &run::zypper_unpinned::ZypperUnpinned,
    &run::dnf_missing_yes::DnfMissingYes,
    &run::dnf_cache_kept::DnfCacheKept,
    &run::dnf_unpinned::DnfUnpinned,
    &run::useradd_high_uid::UseraddHighUid,
    &run::wget_without_progress::WgetWithoutProgress,
    &run::yarn_cache_kept::YarnCacheKept,
    &run::wget_and_curl::WgetAndCurl,
    &run::ln_bin_sh::LnBinSh,
    &run::pipe_without_pipefail::PipeWithoutPipefail,
    &run::pointless_command::PointlessCommand,
    &run::package_update_alone::PackageUpdateAlone,
    &run::go_install_unpinned::GoInstallUnpinned,
    &own::missing_user::MissingUser,
    &own::user_not_numeric::UserNotNumeric,
    &own::hardcoded_secret::HardcodedSecret,
    &own::secret_build_arg::SecretBuildArg,
    &own::secret_file_copied::SecretFileCopied,
    &own::add_remote_url::AddRemoteUrl,
    &own::pipe_to_shell::PipeToShell,
    &own::tls_verification_disabled::TlsVerificationDisabled,
    &own::ssh_port_exposed::SshPortExposed,
    &own::world_writable_permissions::WorldWritablePermissions,
    &own::setuid_bit_set::SetuidBitSet,
    &own::npm_start_command::NpmStartCommand,
    &own::build_tools_in_final_image::BuildToolsInFinalImage,
    &own::copy_all_before_install::CopyAllBeforeInstall,
    &own::copy_context_without_dockerignore::CopyContextWithoutDockerignore,
    &own::base_image_not_pinned_by_digest::BaseImageNotPinnedByDigest,
    &own::secret_without_mount::SecretWithoutMount,
    &own::ssh_server_installed::SshServerInstalled,
    &own::passwordless_sudo::PasswordlessSudo,
    &own::password_in_run::PasswordInRun,
];

/// The Dockerfile domain: `Dockerfile`, `Containerfile` and their variants.
pub struct DockerfileDomain;

impl AuditDomain for DockerfileDomain {
    fn domain(&self) -> Domain {
        Domain::Dockerfile
    }

    fn rules(&self) -> Vec<&'static RuleMeta> {
        RULES.iter().map(|r| r.meta()).collect()
    }

    fn accepts(&self, kind: ArtifactKind) -> bool {
        kind == ArtifactKind::Dockerfile
    }

    fn check(&self, file: &AuditFile<'_>, selection: &Selection, sink: &mut Sink) {
        let ast = shipshape_syntax::dockerfile::parse(file.source);
        for e in &ast.errors {
            sink.parse_error(e.span, format!("Dockerfile syntax: {}", e.message));
        }
        let lines = LineIndex::new(file.source);
        sink.statements(
            ast.instructions
                .iter()
                .map(|i| {
                    (
                        lines.line(i.span.start),
                        lines.line(i.span.end.saturating_sub(1).max(i.span.start)),
                    )
                })
                .collect(),
        );
        let doc = DockerfileDoc {
            path: file.path,
            source: file.source,
            ast: &ast,
            has_dockerignore: has_dockerignore(file),
        };
        for rule in RULES {
            if selection.enabled(rule.meta().id) {
                let mut out = Vec::new();
                rule.check(&doc, &mut out);
                sink.extend(rule.meta(), out);
            }
        }
    }
}

/// Whether the Dockerfile's folder (its usual build context) has a `.dockerignore`, shared or
/// its own (`Dockerfile.prod.dockerignore`).
fn has_dockerignore(file: &AuditFile<'_>) -> bool {
    let (dir, name) = match file.path.rsplit_once('/') {
        Some((d, n)) => (format!("{d}/"), n),
        None => (String::new(), file.path),
    };
    (file.exists)(&format!("{dir}.dockerignore"))
        || (file.exists)(&format!("{dir}{name}.dockerignore"))
}
