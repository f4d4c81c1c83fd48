//! Dockerfile rules about instructions and stages: base images and tags, stage names and
//! references, `COPY`/`ADD`, `WORKDIR`, `USER`, `EXPOSE`, `CMD`/`ENTRYPOINT`/`HEALTHCHECK`,
//! `ENV`/`LABEL`, and instruction order. IDs `SS-DOCKER-001` to `SS-DOCKER-039`.
//!
//! `SS-DOCKER-017` is unassigned: an `ONBUILD` that triggers `FROM`, `MAINTAINER` or `ONBUILD`
//! (hadolint DL3043) is rejected by the Dockerfile parser and reported as a syntax error. A
//! missing `USER` and `EXPOSE 22` are checked by the `own` group (`missing-user`,
//! `ssh-port-exposed`).

mod util;

pub mod absolute_workdir;
pub mod consecutive_run;
pub mod consistent_instruction_casing;
pub mod constant_platform;
pub mod copy_dest_missing_slash;
pub mod copy_from_own_stage;
pub mod copy_from_unknown_stage;
pub mod copy_ignored_file;
pub mod copy_instead_of_add;
pub mod copy_relative_without_workdir;
pub mod duplicate_expose;
pub mod duplicate_stage_name;
pub mod env_self_reference;
pub mod exec_form_cmd;
pub mod exec_form_not_json;
pub mod expose_proto_casing;
pub mod from_as_casing;
pub mod from_first;
pub mod invalid_default_arg_in_from;
pub mod invalid_expose_port;
pub mod invalid_label_key;
pub mod legacy_key_value_format;
pub mod missing_healthcheck;
pub mod missing_workdir;
pub mod multiple_cmd;
pub mod multiple_entrypoint;
pub mod multiple_healthcheck;
pub mod no_empty_continuation;
pub mod no_latest_tag;
pub mod no_maintainer;
pub mod no_root_user;
pub mod redundant_target_platform;
pub mod reserved_stage_name;
pub mod stage_name_casing;
pub mod undefined_arg_in_from;
pub mod undefined_var;
pub mod untagged_base_image;
pub mod unused_stage;

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use crate::rule::DockerfileDoc;

    fn dockerfiles(dir: &Path, found: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                dockerfiles(&path, found);
            } else if path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.contains("Dockerfile") || n.ends_with(".dockerfile"))
            {
                found.push(path);
            }
        }
    }

    /// Every Dockerfile of the repository's fixtures (all groups, all apps) plus a few hostile
    /// inputs: no rule may panic, and every span must lie on character boundaries of the source.
    #[test]
    fn rules_never_panic_and_spans_stay_inside_the_source() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
        let mut files = Vec::new();
        dockerfiles(&root, &mut files);
        let mut sources: Vec<String> = files
            .iter()
            .filter_map(|f| std::fs::read_to_string(f).ok())
            .collect();
        sources.extend(
            [
                "",
                "FROM",
                "FROM AS",
                "COPY --from= a",
                "FROM a AS b\nCOPY --from=999999999999999999999999 / /\n",
                "EXPOSE 99999999999999999999999/tcp -/ / 1-\n",
                "ENV A=${ B=${A ${ C=$\n",
                "FROM é:ü AS ä\nWORKDIR ü\nUSER é\nLABEL Ü=1\nCOPY --from=ä é ü\n",
                "FROM ${X:-${Y:-${Z}}}\nFROM --platform= a\n",
                "ONBUILD ONBUILD ADD . .\nRUN <<EOF\nnpm ci\n",
            ]
            .map(String::from),
        );
        for src in &sources {
            let ast = shipshape_syntax::dockerfile::parse(src);
            let doc = DockerfileDoc::alone("Dockerfile", src, &ast, None);
            for rule in super::super::RULES {
                let mut out = Vec::new();
                rule.check(&doc, &mut out);
                for d in out {
                    assert!(
                        src.get(d.span.start..d.span.end).is_some(),
                        "{}: span {:?} outside the source:\n{src}",
                        rule.meta().id,
                        d.span
                    );
                }
            }
        }
        assert!(
            sources.len() > 20,
            "fixtures not found under {}",
            root.display()
        );
    }
}
