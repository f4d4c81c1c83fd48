//! Dockerfile rules, one per file, in three groups: rules about instructions and stages
//! (`instructions/`), rules about the shell commands inside `RUN` (`run/`), and shipshape's own
//! checks that no single peer has (`own/`).

use shipshape_core::text::LineIndex;
use shipshape_core::ArtifactKind;

use crate::rule::{
    AuditDomain, AuditFile, BuildContext, DockerfileDoc, DockerfileRule, Domain, RuleMeta, Sink,
};

pub mod instructions;
pub mod own;
pub mod run;
pub(crate) mod runtime;

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
    &instructions::undefined_var::UndefinedVar,
    &instructions::copy_ignored_file::CopyIgnoredFile,
    &instructions::invalid_default_arg_in_from::InvalidDefaultArgInFrom,
    &instructions::from_as_casing::FromAsCasing,
    &instructions::consistent_instruction_casing::ConsistentInstructionCasing,
    &instructions::no_empty_continuation::NoEmptyContinuation,
    &instructions::expose_proto_casing::ExposeProtoCasing,
    &instructions::exec_form_not_json::ExecFormNotJson,
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
    &own::privileges_dropped_at_start::PrivilegesDroppedAtStart,
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

    fn check(&self, file: &AuditFile<'_>, enabled: &[bool], sink: &mut Sink) {
        let ast = shipshape_syntax::dockerfile::parse(file.source);
        if let Some(why) = crate::sniff::not_a_parsed_dockerfile(file.source, &ast) {
            sink.skip(why);
            return;
        }
        for e in &ast.errors {
            sink.parse_error(e.span, format!("Dockerfile syntax: {}", e.message));
        }
        // Statement lines widen a suppression comment's scope: a file with none needs none.
        if shipshape_diagnostics::suppress::may_hold(file.source) {
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
        } else {
            sink.no_suppressions();
        }
        let doc = DockerfileDoc {
            path: file.path,
            source: file.source,
            ast: &ast,
            contexts: build_contexts(file),
            repo: file.repo,
            read: file.read,
            runs: std::sync::OnceLock::new(),
        };
        for (rule, _) in RULES.iter().zip(enabled).filter(|(_, on)| **on) {
            let mut out = Vec::new();
            rule.check(&doc, &mut out);
            sink.extend(rule.meta(), out);
        }
    }
}

/// Whether a command only reports on the tool (`yarn --version`, `npm -v`, `pip --help`): it
/// installs and changes nothing, whatever rules about installs would read into it.
pub(crate) fn only_reports(cmd: &shipshape_syntax::shell::Command) -> bool {
    let args = cmd.args();
    let first = args.iter().find(|w| !w.value.is_empty());
    match first.map(|w| w.value.as_str()) {
        Some("--version" | "--help") => true,
        // Short spellings mean something else for many tools (`go get -v` is verbose): only a
        // lone `-v`/`-V`/`-h` is taken as a question.
        Some("-v" | "-V" | "-h") => args.len() == 1,
        _ => false,
    }
}

/// What a context of unknown contents may hold.
pub(crate) const UNKNOWN_CONTENT: &str =
    ".git, .env files and local build output go into the image";

/// Manifests whose install or build leaves dependency folders and build output beside them in
/// a working copy (`node_modules`, `.venv`, `target`, `bin`/`obj`).
const MANIFESTS: &[&str] = &[
    "package.json",
    "requirements.txt",
    "pyproject.toml",
    "Pipfile",
    "setup.py",
    "go.mod",
    "Cargo.toml",
    "Gemfile",
    "composer.json",
    "pom.xml",
    "build.gradle",
    "build.gradle.kts",
    "mix.exs",
];
/// Folders a working copy grows that an image must not receive.
const LOCAL_DIRS: &[&str] = &[
    ".git",
    "node_modules",
    ".venv",
    "venv",
    "__pycache__",
    "target",
    "bin",
    "obj",
    "dist",
    "build",
    ".next",
];

/// What in a build context a `.dockerignore` is for (see [`BuildContext::holds_ignorable`]):
/// the repository root (its `.git`), a package manifest or project file (dependency folders
/// and build output appear beside it in a working copy), `.env` or key files, or such folders.
fn ignorable_content(file: &AuditFile<'_>, dir: &str) -> Option<String> {
    if dir.is_empty() || dir == "." {
        return Some(
            "it is the repository root: `.git` with its whole history, `.env` files and local \
             build output go into the image"
                .to_string(),
        );
    }
    let Some(inv) = file.inventory else {
        return Some(UNKNOWN_CONTENT.to_string());
    };
    let prefix = format!("{dir}/");
    // Files git ignores inside the context exist in working copies only (generated
    // configuration, local secrets): the repository's ignore rules name them.
    let local_ignore = shipshape_syntax::compose::join(dir, ".gitignore");
    if (file.exists)(&local_ignore) {
        return Some(format!(
            "`{local_ignore}` names files that working copies hold there, and they go into the \
             image"
        ));
    }
    if let Some(root_ignore) = (file.read)(".gitignore") {
        if let Some(pattern) = root_ignore.lines().map(str::trim).find(|l| {
            !l.starts_with('#')
                && !l.starts_with('!')
                && l.trim_start_matches('/').starts_with(&prefix)
        }) {
            return Some(format!(
                "`.gitignore` names `{pattern}` in it, a file working copies hold, which goes into \
                 the image"
            ));
        }
    }
    for f in inv.under(dir) {
        let Some(rel) = f.path.strip_prefix(&prefix) else {
            continue;
        };
        let name = f.name();
        if MANIFESTS.contains(&name)
            || [".csproj", ".fsproj", ".vbproj", ".sln"]
                .iter()
                .any(|e| name.ends_with(e))
        {
            return Some(format!(
                "it holds `{rel}`: the dependency folders and build output a working copy grows \
                 beside it, and any `.env` file, go into the image"
            ));
        }
        if name.starts_with(".env")
            || name.ends_with(".pem")
            || name.ends_with(".key")
            || name.starts_with("id_rsa")
        {
            return Some(format!("it holds `{rel}`, which goes into the image"));
        }
        if let Some(d) = rel
            .split('/')
            .rev()
            .skip(1)
            .find(|d| LOCAL_DIRS.contains(d))
        {
            return Some(format!(
                "it holds a `{d}/` folder, which goes into the image"
            ));
        }
    }
    None
}

/// The build contexts of a Dockerfile: those compose and bake files build it with, else its
/// own folder; each with the ignore file BuildKit would use.
fn build_contexts(file: &AuditFile<'_>) -> Vec<BuildContext> {
    let own = shipshape_syntax::compose::parent(file.path).to_string();
    let uses = file.repo.builds_of(file.path);
    let mut dirs: Vec<(String, Option<String>)> = uses
        .iter()
        .map(|u| (u.context.clone(), Some(u.declared_in.clone())))
        .collect();
    if dirs.is_empty() {
        match crate::repository::documented_build(file.path, file.source) {
            Some(b) => dirs.push((b.context, Some(b.declared_in))),
            None => dirs.push((own, None)),
        }
    }
    dirs.sort();
    dirs.dedup_by(|a, b| a.0 == b.0);
    dirs.into_iter()
        .map(|(dir, declared_in)| {
            // A Dockerfile-specific ignore file beside the Dockerfile wins over the context's.
            let specific = format!("{}.dockerignore", file.path);
            let shared = shipshape_syntax::compose::join(&dir, ".dockerignore");
            let dockerignore = [specific, shared]
                .into_iter()
                .find(|p| (file.exists)(p))
                .map(|p| {
                    let text = (file.read)(&p).unwrap_or_default();
                    (p, text)
                });
            let holds_ignorable = ignorable_content(file, &dir);
            BuildContext {
                dir,
                dockerignore,
                declared_in,
                holds_ignorable,
            }
        })
        .collect()
}
