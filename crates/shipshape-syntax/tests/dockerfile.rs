//! Specification of the Dockerfile parser: every construct, with the exact source text of the
//! spans it reports.

use shipshape_syntax::dockerfile::{parse, Args, Dockerfile, Instruction, Keyword};
use shipshape_syntax::shell::Separator;

fn texts<'a>(src: &'a str, words: &[shipshape_syntax::dockerfile::Word]) -> Vec<&'a str> {
    words.iter().map(|w| w.span.text(src)).collect()
}

fn values(words: &[shipshape_syntax::dockerfile::Word]) -> Vec<&str> {
    words.iter().map(|w| w.value.as_str()).collect()
}

fn only(df: &Dockerfile) -> &Instruction {
    assert_eq!(df.instructions.len(), 1, "{df:#?}");
    &df.instructions[0]
}

fn command_names(commands: &[shipshape_syntax::shell::Command]) -> Vec<&str> {
    commands.iter().filter_map(|c| c.name()).collect()
}

#[test]
fn keywords_are_case_insensitive_and_spans_cover_keyword_and_instruction() {
    let src = "from alpine:3.20\nRun echo hi\n  WorkDir /app\n";
    let df = parse(src);
    let kws: Vec<Keyword> = df.instructions.iter().map(|i| i.keyword).collect();
    assert_eq!(kws, [Keyword::From, Keyword::Run, Keyword::Workdir]);
    assert_eq!(df.instructions[0].keyword_span.text(src), "from");
    assert_eq!(df.instructions[0].span.text(src), "from alpine:3.20");
    assert_eq!(df.instructions[1].span.text(src), "Run echo hi");
    assert_eq!(df.instructions[2].keyword_span.text(src), "WorkDir");
    assert_eq!(df.instructions[2].span.text(src), "WorkDir /app");
    assert!(df.errors.is_empty(), "{:?}", df.errors);
}

#[test]
fn unknown_instruction_is_kept_and_reported_at_its_keyword() {
    let src = "FROM a\nFOO bar baz\n";
    let df = parse(src);
    let i = &df.instructions[1];
    assert_eq!(i.keyword, Keyword::Unknown);
    assert_eq!(values(i.words()), ["bar", "baz"]);
    assert_eq!(df.errors.len(), 1);
    assert_eq!(df.errors[0].span.text(src), "FOO");
    assert!(df.errors[0].message.contains("unknown instruction"));
}

#[test]
fn directives_are_read_only_at_the_top() {
    let src = "# syntax=docker/dockerfile:1\n#check=skip=JSONArgsRecommended\n# escape=`\n# comment\n# escape=\\\nFROM a\n# syntax=late\n";
    let df = parse(src);
    let names: Vec<&str> = df.directives.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["syntax", "check", "escape"]);
    assert_eq!(df.directives[0].value, "docker/dockerfile:1");
    assert_eq!(
        df.directives[0].span.text(src),
        "# syntax=docker/dockerfile:1"
    );
    assert_eq!(df.directives[1].value, "skip=JSONArgsRecommended");
    assert_eq!(df.escape, '`');
    let comments: Vec<&str> = df.comments.iter().map(|c| c.span.text(src)).collect();
    assert_eq!(comments, ["# comment", "# escape=\\", "# syntax=late"]);
    assert_eq!(df.comments[0].text, "# comment");
    assert_eq!(df.comments[0].body(), "comment");
}

#[test]
fn an_unknown_directive_ends_the_directives() {
    let src = "# foo=bar\n# escape=`\nFROM a\n";
    let df = parse(src);
    assert!(df.directives.is_empty());
    assert_eq!(df.escape, '\\');
    assert_eq!(df.comments.len(), 2);
}

#[test]
fn an_empty_line_ends_the_directives() {
    let df = parse("\n# escape=`\nFROM a\n");
    assert!(df.directives.is_empty());
    assert_eq!(df.escape, '\\');
}

#[test]
fn duplicate_and_invalid_directives_are_reported() {
    let src = "# escape=x\n# escape=`\nFROM a\n";
    let df = parse(src);
    assert_eq!(df.escape, '\\');
    assert_eq!(df.errors.len(), 2);
    assert_eq!(df.errors[0].span.text(src), "# escape=x");
    assert_eq!(df.errors[1].span.text(src), "# escape=`");
}

#[test]
fn backtick_escape_continues_lines_and_leaves_backslashes_literal() {
    let src = "# escape=`\nFROM mcr.microsoft.com/windows\nCOPY C:\\src\\app `\n    C:\\app\\\nRUN dir `\n  c:\\\n";
    let df = parse(src);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    let copy = &df.instructions[1];
    assert_eq!(values(copy.words()), ["C:\\src\\app", "C:\\app\\"]);
    assert_eq!(texts(src, copy.words()), ["C:\\src\\app", "C:\\app\\"]);
    let run = &df.instructions[2];
    assert_eq!(
        run.shell_form().map(|s| s.text.as_str()),
        Some("dir   c:\\")
    );
    assert_eq!(run.span.text(src), "RUN dir `\n  c:\\");
}

#[test]
fn continuation_allows_whitespace_after_the_escape() {
    let src = "RUN apt-get update && \\  \t\n    apt-get install -y curl\n";
    let df = parse(src);
    let run = only(&df);
    let shell = run.shell_form().expect("shell form");
    assert_eq!(shell.text, "apt-get update &&     apt-get install -y curl");
    assert_eq!(run.span.text(src), &src[..src.len() - 1]);
    let commands = run.run_commands();
    assert_eq!(command_names(&commands), ["apt-get", "apt-get"]);
    assert_eq!(commands[0].separator, Separator::AndAnd);
    assert_eq!(commands[1].span.text(src), "apt-get install -y curl");
    assert_eq!(
        texts(src, &commands[1].words),
        ["apt-get", "install", "-y", "curl"]
    );
}

#[test]
fn comment_and_empty_lines_inside_a_continuation_are_skipped_but_recorded() {
    let src = "RUN echo a && \\\n  # install curl\n\n  \t\n  echo b\nEXPOSE 80\n";
    let df = parse(src);
    assert_eq!(df.instructions.len(), 2);
    let run = &df.instructions[0];
    assert_eq!(
        run.shell_form().map(|s| s.text.as_str()),
        Some("echo a &&   echo b")
    );
    assert_eq!(
        run.span.text(src),
        "RUN echo a && \\\n  # install curl\n\n  \t\n  echo b"
    );
    assert_eq!(df.comments.len(), 1);
    assert_eq!(df.comments[0].span.text(src), "# install curl");
    let commands = run.run_commands();
    assert_eq!(commands[1].span.text(src), "echo b");
    assert_eq!(df.instructions[1].keyword, Keyword::Expose);
}

#[test]
fn continuation_at_end_of_input_ends_the_instruction() {
    let src = "RUN echo a \\\n# trailing\n";
    let df = parse(src);
    assert_eq!(only(&df).span.text(src), "RUN echo a \\");
    assert_eq!(df.comments.len(), 1);
}

#[test]
fn shell_form_maps_logical_offsets_back_to_the_source() {
    let src = "RUN echo one \\\n    two\n";
    let df = parse(src);
    let shell = only(&df).shell_form().expect("shell form");
    assert_eq!(shell.text, "echo one     two");
    assert_eq!(shell.span.text(src), "echo one \\\n    two");
    let two = shell.text.find("two").expect("two");
    assert_eq!(shell.source_span(two..two + 3).text(src), "two");
    assert_eq!(shell.source_span(0..4).text(src), "echo");
    // A range across the removed continuation covers it in the source.
    assert_eq!(shell.source_span(5..two + 3).text(src), "one \\\n    two");
}

#[test]
fn exec_form_elements_are_unquoted_with_spans_of_the_json_strings() {
    let src = "CMD [ \"node\", \"--title=\\\"x\\\"\",\"é\\u00e9\" ]\n";
    let df = parse(src);
    let cmd = only(&df);
    assert!(cmd.is_exec_form());
    assert_eq!(values(cmd.words()), ["node", "--title=\"x\"", "éé"]);
    assert_eq!(
        texts(src, cmd.words()),
        ["\"node\"", "\"--title=\\\"x\\\"\"", "\"é\\u00e9\""]
    );
    let commands = cmd.commands();
    assert_eq!(commands.len(), 1);
    assert_eq!(commands[0].name(), Some("node"));
}

#[test]
fn exec_form_may_span_continuation_lines() {
    let src = "ENTRYPOINT [\"a\", \\\n  \"b\"]\n";
    let df = parse(src);
    let e = only(&df);
    assert_eq!(values(e.words()), ["a", "b"]);
    assert_eq!(texts(src, e.words()), ["\"a\"", "\"b\""]);
}

#[test]
fn invalid_json_is_shell_form_as_docker_runs_it_not_a_syntax_error() {
    let src = "CMD ['node', 'app.js']\nRUN [\"a\", 1]\nENTRYPOINT [\"a\"] x\n";
    let df = parse(src);
    for i in &df.instructions {
        assert!(i.shell_form().is_some(), "{i:?}");
    }
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    let cmd = &df.instructions[0];
    assert_eq!(cmd.commands()[0].name(), Some("[node,"));
}

/// BuildKit's own lint Dockerfile and the official docker image: the `test` builtin.
#[test]
fn run_starting_with_the_test_bracket_is_shell_form() {
    let src = "RUN [ -e /etc/nsswitch.conf ] && grep '^hosts:' /etc/nsswitch.conf\n\
               RUN [ \"${FROM_SOURCE}\" = \"true\" ] && exit 0; wget -O- https://x | sh\n\
               RUN --mount=type=cache,target=/c [ ! -f /etc/debian_version ] || ./t.bats\n";
    let df = parse(src);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    let names: Vec<String> = df
        .instructions
        .iter()
        .flat_map(|i| i.commands())
        .filter_map(|c| c.name().map(str::to_string))
        .collect();
    assert_eq!(
        names,
        ["[", "grep", "[", "exit", "wget", "sh", "[", "./t.bats"]
    );
}

#[test]
fn empty_exec_array_is_exec_form_without_words() {
    let df = parse("ENTRYPOINT []\n");
    assert_eq!(only(&df).args, Args::Exec(vec![]));
    assert!(df.errors.is_empty());
}

#[test]
fn flags_come_before_arguments_with_name_value_and_spans() {
    let src = "COPY --from=build --chown=app:app --chmod=755 --link /out /app\nRUN --mount=type=secret,id=npm,target=/root/.npmrc --network=none --security=insecure npm ci\n";
    let df = parse(src);
    let copy = &df.instructions[0];
    let names: Vec<&str> = copy.flags.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["from", "chown", "chmod", "link"]);
    let from = copy.flag("from").expect("--from");
    assert_eq!(from.value.as_deref(), Some("build"));
    assert_eq!(from.span.text(src), "--from=build");
    assert_eq!(from.value_span.map(|s| s.text(src)), Some("build"));
    let link = copy.flag("link").expect("--link");
    assert_eq!(link.value, None);
    assert_eq!(link.value_span, None);
    assert_eq!(link.span.text(src), "--link");
    assert_eq!(values(copy.words()), ["/out", "/app"]);
    let run = &df.instructions[1];
    let mount = run.flag("mount").expect("--mount");
    assert_eq!(
        mount.value.as_deref(),
        Some("type=secret,id=npm,target=/root/.npmrc")
    );
    assert_eq!(run.flags_named("network").count(), 1);
    assert_eq!(run.shell_form().map(|s| s.span.text(src)), Some("npm ci"));
}

#[test]
fn quoted_flag_values_are_unquoted_but_spanned_raw() {
    let src = "COPY --chown=\"app user\" a b\n";
    let df = parse(src);
    let f = only(&df).flag("chown").expect("--chown");
    assert_eq!(f.value.as_deref(), Some("app user"));
    assert_eq!(f.value_span.map(|s| s.text(src)), Some("\"app user\""));
    assert_eq!(f.span.text(src), "--chown=\"app user\"");
}

#[test]
fn a_double_dash_ends_the_flags() {
    let src = "RUN -- --not-a-flag\n";
    let df = parse(src);
    let run = only(&df);
    assert!(run.flags.is_empty());
    assert_eq!(
        run.shell_form().map(|s| s.text.as_str()),
        Some("--not-a-flag")
    );
}

#[test]
fn heredoc_body_marker_and_instruction_spans_are_exact() {
    let src = "FROM a\nRUN <<EOF\napt-get update\napt-get install -y curl\nEOF\nUSER app\n";
    let df = parse(src);
    assert_eq!(df.instructions.len(), 3);
    let run = &df.instructions[1];
    assert_eq!(
        run.span.text(src),
        "RUN <<EOF\napt-get update\napt-get install -y curl\nEOF"
    );
    let h = &run.heredocs[0];
    assert_eq!(h.delimiter, "EOF");
    assert!(!h.quoted && !h.strip_tabs);
    assert_eq!(h.marker_span.text(src), "<<EOF");
    assert_eq!(h.body, "apt-get update\napt-get install -y curl\n");
    assert_eq!(h.body_span.text(src), h.body);
    let commands = run.run_commands();
    assert_eq!(command_names(&commands), ["apt-get", "apt-get"]);
    assert_eq!(commands[1].span.text(src), "apt-get install -y curl");
    assert_eq!(commands[1].words[2].span.text(src), "-y");
    assert_eq!(df.instructions[2].keyword, Keyword::User);
}

#[test]
fn heredoc_variants_quoted_and_tab_stripping() {
    let src = "RUN <<-\"EOT\" bash\n\techo $HOME\n\tEOT\nRUN <<'X'\necho 'a'\nX\n";
    let df = parse(src);
    assert_eq!(df.instructions.len(), 2, "{df:#?}");
    let h = &df.instructions[0].heredocs[0];
    assert_eq!(
        (h.delimiter.as_str(), h.quoted, h.strip_tabs),
        ("EOT", true, true)
    );
    assert_eq!(h.marker_span.text(src), "<<-\"EOT\"");
    assert_eq!(h.body, "\techo $HOME\n");
    assert_eq!(
        df.instructions[0].span.text(src),
        "RUN <<-\"EOT\" bash\n\techo $HOME\n\tEOT"
    );
    let h = &df.instructions[1].heredocs[0];
    assert_eq!(
        (h.delimiter.as_str(), h.quoted, h.strip_tabs),
        ("X", true, false)
    );
    assert_eq!(h.marker_span.text(src), "<<'X'");
    assert!(df.errors.is_empty(), "{:?}", df.errors);
}

#[test]
fn several_heredocs_in_one_copy_are_read_in_order() {
    let src = "COPY <<a.txt <<b.txt /dst/\nhello\na.txt\nworld\nb.txt\nCMD x\n";
    let df = parse(src);
    let copy = &df.instructions[0];
    let bodies: Vec<&str> = copy.heredocs.iter().map(|h| h.body.as_str()).collect();
    assert_eq!(bodies, ["hello\n", "world\n"]);
    let markers: Vec<&str> = copy
        .heredocs
        .iter()
        .map(|h| h.marker_span.text(src))
        .collect();
    assert_eq!(markers, ["<<a.txt", "<<b.txt"]);
    assert_eq!(
        copy.span.text(src),
        "COPY <<a.txt <<b.txt /dst/\nhello\na.txt\nworld\nb.txt"
    );
    assert_eq!(values(copy.words()), ["<<a.txt", "<<b.txt", "/dst/"]);
    assert_eq!(df.instructions[1].keyword, Keyword::Cmd);
}

#[test]
fn heredoc_after_continuation_lines_starts_after_the_last_one() {
    let src = "RUN --mount=type=cache,target=/x \\\n  <<EOF\necho hi\nEOF\n";
    let df = parse(src);
    let run = only(&df);
    assert_eq!(run.heredocs[0].body, "echo hi\n");
    assert_eq!(run.heredocs[0].marker_span.text(src), "<<EOF");
}

#[test]
fn unterminated_heredoc_runs_to_the_end_and_is_reported() {
    let src = "RUN <<EOF\necho hi\nCMD x";
    let df = parse(src);
    let run = only(&df);
    assert_eq!(run.heredocs[0].body, "echo hi\nCMD x");
    assert_eq!(run.span.text(src), src);
    assert_eq!(df.errors.len(), 1);
    assert_eq!(df.errors[0].span.text(src), "<<EOF");
    assert!(df.errors[0].message.contains("not terminated"));
}

#[test]
fn heredoc_markers_inside_quotes_or_here_strings_are_not_heredocs() {
    let df = parse("RUN echo \"<<EOF\" && cat <<<word && echo '<<X'\nCMD y\n");
    assert_eq!(df.instructions.len(), 2);
    assert!(df.instructions[0].heredocs.is_empty());
}

#[test]
fn heredocs_are_only_read_for_run_copy_and_add() {
    let df = parse("CMD cat <<EOF\nEXPOSE 80\n");
    assert_eq!(df.instructions.len(), 2);
    assert!(df.instructions[0].heredocs.is_empty());
}

#[test]
fn run_commands_include_only_heredoc_bodies_that_are_scripts() {
    let src = "RUN cat <<CONF > /etc/app.conf && bash <<SH\nrm -rf /\nCONF\napt-get install -y curl\nSH\nRUN python3 <<PY\nimport os\nPY\nRUN <<EOF\n#!/usr/bin/env python3\nprint(1)\nEOF\nRUN <<EOF\n#!/bin/bash\nset -e\nEOF\n";
    let df = parse(src);
    assert_eq!(df.instructions.len(), 4, "{df:#?}");
    assert_eq!(
        command_names(&df.instructions[0].run_commands()),
        ["cat", "bash", "apt-get"]
    );
    assert_eq!(
        command_names(&df.instructions[1].run_commands()),
        ["python3"]
    );
    assert!(command_names(&df.instructions[2].run_commands()).is_empty());
    assert_eq!(command_names(&df.instructions[3].run_commands()), ["set"]);
}

#[test]
fn heredoc_commands_skip_nested_shell_heredoc_bodies() {
    let src = "RUN <<EOF\ncat <<X > /f\napt-get install vim\nX\npip install \\\n  flask\nEOF\n";
    let df = parse(src);
    let commands = only(&df).run_commands();
    assert_eq!(command_names(&commands), ["cat", "pip"]);
    assert_eq!(commands[1].span.text(src), "pip install \\\n  flask");
    assert_eq!(commands[1].words[2].span.text(src), "flask");
}

#[test]
fn exec_form_run_is_one_command_and_a_shell_c_script_is_split() {
    let src = "RUN [\"sh\", \"-c\", \"apt-get update && apt-get install -y curl\"]\n";
    let df = parse(src);
    let commands = only(&df).run_commands();
    assert_eq!(command_names(&commands), ["sh", "apt-get", "apt-get"]);
    assert_eq!(commands[2].span.text(src), "apt-get install -y curl");
    assert_eq!(commands[2].words[2].span.text(src), "-y");
}

#[test]
fn onbuild_holds_the_inner_instruction() {
    let src = "ONBUILD COPY --chown=a . /app\nONBUILD ONBUILD RUN x\nONBUILD FROM a\n";
    let df = parse(src);
    let inner = df.instructions[0].onbuild.as_deref().expect("inner");
    assert_eq!(inner.keyword, Keyword::Copy);
    assert_eq!(inner.keyword_span.text(src), "COPY");
    assert_eq!(inner.span.text(src), "COPY --chown=a . /app");
    assert_eq!(
        inner.flag("chown").and_then(|f| f.value.as_deref()),
        Some("a")
    );
    assert_eq!(texts(src, inner.words()), [".", "/app"]);
    assert_eq!(df.instructions[0].args, Args::Empty);
    assert_eq!(df.errors.len(), 2, "{:?}", df.errors);
    assert_eq!(df.errors[0].span.text(src), "ONBUILD");
    assert_eq!(df.errors[1].span.text(src), "FROM");
}

#[test]
fn healthcheck_none_and_cmd_in_both_forms() {
    let src = "HEALTHCHECK NONE\nHEALTHCHECK --interval=30s --timeout=3s CMD curl -f http://localhost/ || exit 1\nHEALTHCHECK CMD [\"/bin/check\", \"--quick\"]\nHEALTHCHECK --interval=5s\n";
    let df = parse(src);
    let none = &df.instructions[0];
    assert!(none.is_healthcheck_none());
    assert!(none.healthcheck_cmd().is_none());
    let shell = &df.instructions[1];
    assert_eq!(
        shell.flag("interval").and_then(|f| f.value.as_deref()),
        Some("30s")
    );
    match shell.healthcheck_cmd() {
        Some(Args::Shell(s)) => assert_eq!(s.span.text(src), "curl -f http://localhost/ || exit 1"),
        other => panic!("{other:?}"),
    }
    assert_eq!(command_names(&shell.commands()), ["curl", "exit"]);
    match df.instructions[2].healthcheck_cmd() {
        Some(Args::Exec(w)) => assert_eq!(texts(src, w), ["\"/bin/check\"", "\"--quick\""]),
        other => panic!("{other:?}"),
    }
    assert!(!df.instructions[2].is_healthcheck_none());
    assert_eq!(df.errors.len(), 1, "{:?}", df.errors);
    assert!(df.errors[0]
        .message
        .contains("HEALTHCHECK requires arguments"));
}

#[test]
fn env_and_label_pairs_with_quotes_and_the_legacy_form() {
    let src = "ENV a=b c=\"d e\" PATH=/x:$PATH\nENV LEGACY value with  spaces\nLABEL org.opencontainers.image.source=\"https://x\" k=v\nARG VERSION\nARG B=1\n";
    let df = parse(src);
    let env = df.instructions[0].key_values();
    let pairs: Vec<(&str, Option<&str>)> = env
        .iter()
        .map(|kv| (kv.key.as_str(), kv.value.as_deref()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("a", Some("b")),
            ("c", Some("d e")),
            ("PATH", Some("/x:$PATH"))
        ]
    );
    assert_eq!(env[1].key_span.text(src), "c");
    assert_eq!(env[1].value_span.map(|s| s.text(src)), Some("\"d e\""));
    assert_eq!(env[1].span.text(src), "c=\"d e\"");
    let legacy = df.instructions[1].key_values();
    assert_eq!(legacy.len(), 1);
    assert_eq!(legacy[0].key, "LEGACY");
    assert_eq!(legacy[0].value.as_deref(), Some("value with spaces"));
    assert_eq!(
        legacy[0].value_span.map(|s| s.text(src)),
        Some("value with  spaces")
    );
    let label = df.instructions[2].key_values();
    assert_eq!(label[0].key, "org.opencontainers.image.source");
    assert_eq!(label[0].value.as_deref(), Some("https://x"));
    let arg = df.instructions[3].key_values();
    assert_eq!(
        (arg[0].key.as_str(), arg[0].value.as_deref()),
        ("VERSION", None)
    );
    assert_eq!(
        df.instructions[4].key_values()[0].value.as_deref(),
        Some("1")
    );
    assert!(df.instructions[5..].is_empty());
    assert!(Instruction::key_values(&parse("RUN a=b\n").instructions[0]).is_empty());
}

#[test]
fn words_split_on_whitespace_with_quotes_and_escapes() {
    let src = "COPY \"my file.txt\" 'other file' a\\ b /dst/\n";
    let df = parse(src);
    let copy = only(&df);
    assert_eq!(
        values(copy.words()),
        ["my file.txt", "other file", "a b", "/dst/"]
    );
    assert_eq!(
        texts(src, copy.words()),
        ["\"my file.txt\"", "'other file'", "a\\ b", "/dst/"]
    );
}

#[test]
fn copy_add_and_volume_accept_json_arrays() {
    let src = "COPY [\"a b\", \"/dst/\"]\nVOLUME [\"/data\"]\nVOLUME /var/log /tmp\n";
    let df = parse(src);
    assert!(df.instructions[0].is_exec_form());
    assert_eq!(values(df.instructions[0].words()), ["a b", "/dst/"]);
    assert_eq!(values(df.instructions[1].words()), ["/data"]);
    assert_eq!(values(df.instructions[2].words()), ["/var/log", "/tmp"]);
}

#[test]
fn shell_requires_a_json_array() {
    let src = "SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nSHELL /bin/sh -c\n";
    let df = parse(src);
    assert_eq!(
        values(df.instructions[0].words()),
        ["/bin/bash", "-o", "pipefail", "-c"]
    );
    assert_eq!(df.errors.len(), 1);
    assert_eq!(df.errors[0].span.text(src), "/bin/sh -c");
}

#[test]
fn from_view_gives_image_platform_and_alias() {
    let src = "FROM --platform=$BUILDPLATFORM golang:1.22 as build\nFROM scratch\n";
    let df = parse(src);
    let f = df.instructions[0].from().expect("FROM");
    assert_eq!(f.image.span.text(src), "golang:1.22");
    assert_eq!(
        f.platform.and_then(|p| p.value),
        Some("$BUILDPLATFORM".to_string())
    );
    assert_eq!(f.alias.map(|a| a.span.text(src)), Some("build"));
    let f = df.instructions[1].from().expect("FROM");
    assert_eq!(f.image.value, "scratch");
    assert!(f.alias.is_none());
    assert!(df.instructions[0].run_commands().is_empty());
    assert!(parse("RUN x\n").instructions[0].from().is_none());
}

#[test]
fn stages_cover_their_instructions() {
    let src = "ARG V=1\nFROM node:20 AS build\nRUN npm ci\nFROM gcr.io/distroless/nodejs20\nCOPY --from=build /app /app\nUSER nonroot\n";
    let df = parse(src);
    let stages = df.stages();
    assert_eq!(stages.len(), 2);
    assert_eq!(
        (
            stages[0].index,
            stages[0].from,
            stages[0].instructions.clone()
        ),
        (0, 1, 1..3)
    );
    assert_eq!(stages[0].alias.as_deref(), Some("build"));
    assert_eq!(stages[0].image.span.text(src), "node:20");
    assert_eq!((stages[1].from, stages[1].instructions.clone()), (3, 3..6));
    assert_eq!(stages[1].alias, None);
    assert_eq!(df.preamble().len(), 1);
    assert_eq!(df.stage_of(0), None);
    assert_eq!(df.stage_of(5), Some(1));
    assert_eq!(df.instructions_of(Keyword::From).count(), 2);
}

#[test]
fn resolve_arg_substitutes_global_args_for_from_lines() {
    let src = "ARG REGISTRY=docker.io\nARG TAG\nARG IMAGE=${REGISTRY}/node\nFROM ${IMAGE}:${TAG:-20} AS build\n";
    let df = parse(src);
    assert_eq!(
        df.resolve_arg("${IMAGE}:${TAG:-20}", None),
        "docker.io/node:20"
    );
    assert_eq!(df.resolve_arg("$REGISTRY/x:$TAG", None), "docker.io/x:");
    assert_eq!(df.resolve_arg("${UNKNOWN}/$NOPE", None), "${UNKNOWN}/$NOPE");
    assert_eq!(df.resolve_arg("${UNKNOWN:-fallback}", None), "fallback");
    assert_eq!(
        df.resolve_arg("${REGISTRY:+set}${TAG+declared}", None),
        "set"
    );
}

#[test]
fn resolve_arg_in_a_stage_sees_its_args_envs_and_its_parents_envs() {
    let src = "ARG VERSION=1.2\nFROM alpine AS base\nENV APP_HOME=/srv\nFROM base AS app\nARG VERSION\nARG USER=app\nENV BIN=$APP_HOME/bin\n";
    let df = parse(src);
    assert_eq!(df.resolve_arg("$APP_HOME", Some(1)), "/srv");
    assert_eq!(
        df.resolve_arg("${BIN}:${VERSION}:$USER", Some(1)),
        "/srv/bin:1.2:app"
    );
    assert_eq!(df.resolve_arg("$USER", Some(0)), "$USER");
    assert_eq!(df.resolve_arg("$VERSION", Some(0)), "$VERSION");
}

#[test]
fn crlf_line_endings_are_excluded_from_spans() {
    let src = "FROM a\r\nRUN echo a && \\\r\n  echo b\r\nCOPY <<EOF /x\r\nhi\r\nEOF\r\n# note\r\n";
    let df = parse(src);
    assert_eq!(df.instructions.len(), 3, "{df:#?}");
    assert_eq!(df.instructions[0].span.text(src), "FROM a");
    assert_eq!(
        df.instructions[1].shell_form().map(|s| s.text.as_str()),
        Some("echo a &&   echo b")
    );
    assert_eq!(
        df.instructions[1].span.text(src),
        "RUN echo a && \\\r\n  echo b"
    );
    assert_eq!(df.instructions[2].heredocs[0].body, "hi\r\n");
    assert_eq!(df.comments[0].span.text(src), "# note");
    assert!(df.errors.is_empty(), "{:?}", df.errors);
}

#[test]
fn a_utf8_bom_is_skipped() {
    let src = "\u{feff}# syntax=docker/dockerfile:1\nFROM a\n";
    let df = parse(src);
    assert_eq!(df.directives.len(), 1);
    assert_eq!(
        df.directives[0].span.text(src),
        "# syntax=docker/dockerfile:1"
    );
    assert_eq!(df.instructions[0].span.text(src), "FROM a");
}

#[test]
fn missing_trailing_newline_and_empty_input() {
    let src = "FROM a\nUSER app";
    let df = parse(src);
    assert_eq!(df.instructions[1].span.text(src), "USER app");
    let empty = parse("");
    assert!(empty.instructions.is_empty() && empty.errors.is_empty() && empty.comments.is_empty());
    assert_eq!(empty.escape, '\\');
    assert!(parse("\n\n  \n").instructions.is_empty());
    assert!(parse("\u{feff}").instructions.is_empty());
}

#[test]
fn instructions_without_arguments_are_reported() {
    let src = "FROM\nRUN\n";
    let df = parse(src);
    assert_eq!(df.instructions.len(), 2);
    assert_eq!(df.errors.len(), 2);
    assert_eq!(df.errors[0].span.text(src), "FROM");
    assert!(df.instructions[0].from().is_none());
    assert_eq!(df.stages().len(), 1);
}

#[test]
fn the_ast_serialises_to_json() {
    let df = parse("FROM a AS b\nRUN x\n");
    let json = serde_json::to_string(&df).expect("serialise");
    assert!(json.contains("\"keyword\":\"From\""), "{json}");
}

#[test]
fn an_empty_flag_value_before_a_continuation_stays_inside_the_flag() {
    let src = "FROM --platform=\\\n alpine\n";
    let df = parse(src);
    let f = only(&df).flag("platform").expect("--platform");
    assert_eq!(f.value.as_deref(), Some(""));
    let v = f.value_span.expect("value span");
    assert!(
        f.span.start <= v.start && v.end <= f.span.end,
        "{v:?} outside {:?}",
        f.span
    );
    assert_eq!(f.span.text(src), "--platform=");
}

/// The official mongo Windows images: `C:\\Windows\\System32\\` ends with an escaped escape,
/// which does not continue the line (BuildKit: `([^\\])\\[ \t]*$`).
#[test]
fn an_escaped_escape_at_the_end_of_a_line_does_not_continue_it() {
    let src = "FROM x\nCOPY --from=y \\\n\tC:\\\\a.dll \\\n\tC:\\\\Windows\\\\System32\\\\\n\nENV MONGO_VERSION 8.0.26\n";
    let df = parse(src);
    let keywords: Vec<Keyword> = df.instructions.iter().map(|i| i.keyword).collect();
    assert_eq!(keywords, [Keyword::From, Keyword::Copy, Keyword::Env]);
    let copy = &df.instructions[1];
    assert_eq!(
        values(copy.words()),
        ["C:\\a.dll", "C:\\Windows\\System32\\"]
    );
}
